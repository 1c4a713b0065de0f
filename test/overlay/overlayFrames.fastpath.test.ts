import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastFrame } from '../../overlay/fastFrames';
import { parseFrame, parseFrameSchemaOnly } from '../../overlay/protocol';
import { makeCounted } from '../unit/liveFixtures';

/**
 * The overlay's hand-checked frames must be invisible: for any frame, `parseFrame` answers exactly
 * what the schema alone answers (the same message, or the same refusal), and every well-formed
 * storm frame is taken by the fast path (or the path would be dead code that only looks tested).
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom('', '<img src=x onerror=alert(1)>', '\u202e', 'x'.repeat(10_000)),
);
const url = fc.option(
  fc.oneof(fc.webUrl(), fc.constantFrom('', 'javascript:alert(1)', 'h'.repeat(4_096))),
  { nil: undefined },
);
const count = fc.oneof(fc.nat(), fc.constantFrom(0, Number.MAX_SAFE_INTEGER));
const num = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
const origin = fc.constantFrom('live', 'simulated', 'replay', 'test');

const viewer = fc.record(
  { id: text, handle: text, name: text, avatar: url },
  { requiredKeys: ['id', 'handle', 'name'] },
);
const gift = fc.record(
  { id: count, name: text, coins: count, image: url, streakable: fc.boolean() },
  { requiredKeys: ['id', 'name', 'coins', 'streakable'] },
);
const countedGift = fc.record(
  {
    key: text,
    id: text,
    time: num,
    user: viewer,
    gift,
    count,
    deltaCount: num,
    deltaCoins: num,
    started: fc.boolean(),
    ended: fc.boolean(),
    origin,
    sessionId: fc.option(text, { nil: null }),
    pending: fc.constant(true as const),
  },
  {
    requiredKeys: [
      'key',
      'id',
      'time',
      'user',
      'gift',
      'count',
      'deltaCount',
      'deltaCoins',
      'started',
      'ended',
      'origin',
      'sessionId',
    ],
  },
);
const gifterTotal = fc.record(
  { userId: text, handle: text, name: text, avatar: url, coins: num, reachedAt: num },
  { requiredKeys: ['userId', 'handle', 'name', 'coins', 'reachedAt'] },
);
const session = fc.record({
  id: text,
  startedAt: num,
  endedAt: fc.option(num, { nil: null }),
  simulated: fc.boolean(),
  coins: num,
  gifts: num,
  gifters: num,
  likes: num,
  follows: num,
  shares: num,
  viewers: num,
  diamondsPerCoin: text,
  minorPerDiamond: text,
  cashBefore: text,
  gapMs: num,
});
const goalProgress = fc.record({
  goal: fc.record({
    id: text,
    label: text,
    kind: fc.constantFrom('diamonds', 'cash'),
    target: num,
    rollover: fc.boolean(),
    createdAt: num,
  }),
  current: num,
  target: num,
  fraction: num,
  reached: fc.boolean(),
  completions: count,
});

const board = fc.array(gifterTotal, { maxLength: 12 });
const snapshotState = fc.record({
  session: fc.option(session, { nil: null }),
  leaderboards: fc.record({ session: board, day: board, all: board }),
  goal: fc.option(goalProgress, { nil: null }),
  currency: fc.record({ code: fc.constantFrom('USD', 'EUR', 'JPY'), exponent: count }),
  // What the server sends for the dashboard too; the overlay keeps none of it.
  alerts: fc.constant([]),
  sources: fc.constant([{ id: 's', kind: 'push' }]),
});

/** Every frame type the fast path takes, well formed. */
const stormFrame = fc.oneof(
  fc.record({ type: fc.constant('snapshot'), state: snapshotState }),
  fc.record({ type: fc.constant('gift'), gift: countedGift }),
  fc.record({ type: fc.constant('combo'), key: text, count, ended: fc.boolean() }),
  fc.record({
    type: fc.constant('leaderboard'),
    period: fc.constantFrom('session', 'day', 'all'),
    entries: board,
  }),
  fc.record({ type: fc.constant('session'), session: fc.option(session, { nil: null }) }),
  fc.record({ type: fc.constant('goal'), goal: fc.option(goalProgress, { nil: null }) }),
);

/** Values a hostile or buggy sender might put anywhere. */
const oddValue: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom<Json>(null, true, false, '', 0, -0, -1, 1.5, 1e21, 2 ** 53, [], {}, 'live'),
  fc.constantFrom<Json>('x'.repeat(10_001), 'h'.repeat(4_097), 'LIVE', 'week', 'gift', 'snapshot'),
  fc.constantFrom<Json>('usd', 'US', 'USDX', 'EU R', 'USD\n'),
  fc.string({ maxLength: 8 }),
  fc.double(),
  fc.integer({ min: -5, max: 5 }),
  fc.array(fc.integer(), { maxLength: 3 }),
);

type Mutation =
  | { kind: 'replace'; value: Json }
  | { kind: 'delete' }
  | { kind: 'extra'; key: string; value: Json };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), value: oddValue }),
  fc.record({ kind: fc.constant('delete' as const) }),
  fc.record({
    kind: fc.constant('extra' as const),
    key: fc.constantFrom('extra', '__proto__', 'constructor', 'type', 'avatar'),
    value: oddValue,
  }),
);

/** A deep copy of `value` with one node, chosen by `path` (indexes taken modulo), changed. */
function mutate(value: Json, path: number[], m: Mutation, depth = 0): Json {
  const children = Array.isArray(value)
    ? value.map((_, i) => String(i))
    : typeof value === 'object' && value !== null
      ? Object.keys(value)
      : [];
  const step = path[depth];
  if (step === undefined || children.length === 0) {
    return m.kind === 'replace' ? m.value : value;
  }
  const key = children[step % children.length] ?? '';
  if (Array.isArray(value)) {
    const copy = [...value];
    const i = Number(key);
    if (m.kind === 'delete' && depth === path.length - 1) copy.splice(i, 1);
    else copy[i] = mutate(value[i] ?? null, path, m, depth + 1);
    return copy;
  }
  const record = value as { [key: string]: Json };
  const copy: { [key: string]: Json } = { ...record };
  if (depth === path.length - 1 && m.kind !== 'replace') {
    if (m.kind === 'delete') delete copy[key];
    else Object.defineProperty(copy, m.key, { value: m.value, enumerable: true, writable: true });
    return copy;
  }
  copy[key] = mutate(record[key] ?? null, path, m, depth + 1);
  return copy;
}

function expectSameAsSchema(frame: unknown): void {
  const text = JSON.stringify(frame);
  expect(parseFrame(text)).toStrictEqual(parseFrameSchemaOnly(text));
}

describe('overlay frame fast path', () => {
  it('takes every well-formed storm frame, with the message the schema gives', () => {
    fc.assert(
      fc.property(stormFrame, (frame) => {
        const text = JSON.stringify(frame);
        const fast = fastFrame(JSON.parse(text));
        expect(fast).not.toBeUndefined();
        const schema = parseFrameSchemaOnly(text);
        expect(schema.kind).toBe('message');
        expect(parseFrame(text)).toStrictEqual(schema);
      }),
      { numRuns: 1500 },
    );
  });

  it('answers like the schema for frames with one thing wrong anywhere', () => {
    fc.assert(
      fc.property(
        stormFrame,
        fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
        mutation,
        (frame, path, m) => expectSameAsSchema(mutate(frame as Json, path, m)),
      ),
      { numRuns: 4000 },
    );
  });

  it('answers like the schema for arbitrary JSON with a storm frame type', () => {
    const shaped = fc.record({
      type: fc.constantFrom('gift', 'combo', 'leaderboard', 'session', 'goal', 'snapshot'),
      gift: fc.jsonValue(),
      key: fc.jsonValue(),
      count: fc.jsonValue(),
      ended: fc.jsonValue(),
      period: fc.jsonValue(),
      entries: fc.jsonValue(),
      session: fc.jsonValue(),
      goal: fc.jsonValue(),
      state: fc.oneof(
        fc.jsonValue(),
        snapshotState.map((st) => ({ ...st, goal: 7 })),
      ),
    });
    fc.assert(fc.property(shaped, expectSameAsSchema), { numRuns: 1500 });
  });

  it('refuses with the schema’s reason', () => {
    const frame = (gift: Record<string, unknown>): string =>
      JSON.stringify({ type: 'gift', gift: { ...makeCounted({ sessionId: null }), ...gift } });
    expect(parseFrame(frame({}))).toMatchObject({ kind: 'message' });
    expect(parseFrame(frame({ count: 1.5 }))).toEqual({
      kind: 'invalid',
      reason: 'gift.count: Invalid input',
    });
    expect(parseFrame(frame({ pending: false }))).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('gift.pending') as unknown,
    });
    // At the limits: the longest text and address pass, one more character does not.
    const user = (over: Record<string, unknown>): Record<string, unknown> => ({
      user: { id: 'u', handle: 'h', name: 'n', ...over },
    });
    for (const [over, ok] of [
      [user({ avatar: 'h'.repeat(4_096) }), true],
      [user({ avatar: 'h'.repeat(4_097) }), false],
      [user({ name: 'n'.repeat(10_000) }), true],
      [user({ name: 'n'.repeat(10_001) }), false],
      [{ time: 1.5, deltaCount: -2, count: Number.MAX_SAFE_INTEGER }, true],
      [{ count: Number.MAX_SAFE_INTEGER + 1 }, false],
    ] as const) {
      const f = frame(over);
      expect(fastFrame(JSON.parse(f)) !== undefined).toBe(ok);
      expect(parseFrame(f)).toStrictEqual(parseFrameSchemaOnly(f));
      expect(parseFrame(f).kind).toBe(ok ? 'message' : 'invalid');
    }
    expect(parseFrame(frame({ user: { id: 'u', handle: 'h' } }))).toMatchObject({
      kind: 'invalid',
      reason: expect.stringContaining('gift.user.name') as unknown,
    });
  });
});
