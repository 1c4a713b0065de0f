import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bundledCatalog } from '../../shared/catalog';
import {
  MAX_COINS,
  MAX_COUNT,
  MAX_ID_LENGTH,
  MAX_URL_LENGTH,
  MAX_VIEWERS,
  acceptsCanonicalFast,
  normalizeEvent,
  normalizeEventZodOnly,
} from '../../shared/normalize';
import { canonicalGift, expectGift, makeContext } from './samples';

/**
 * The canonical fast path must be invisible: for any input, normalizeEvent answers exactly what
 * the zod-only path answers (same event, or same error code and message), and the fast path
 * accepts exactly the inputs the schema accepts.
 */

const MIN_TIME = Date.UTC(2016, 0, 1);
const MAX_TIME = Date.UTC(2100, 0, 1);
const CATALOG_IDS = [...bundledCatalog.keys()];

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether the zod schema accepted the input: an event, or a price the catalog lacks. */
function schemaAccepted(input: unknown): boolean {
  const r = normalizeEventZodOnly(input, makeContext());
  return r.ok || r.error.code === 'unknown_gift';
}

/** Both paths on fresh contexts (their generated ids then match) give deeply equal answers. */
function expectSameAsZod(input: unknown): void {
  const fast = normalizeEvent(input, makeContext());
  const strict = normalizeEventZodOnly(input, makeContext());
  expect(fast).toStrictEqual(strict);
  if (isRec(input) && typeof input.type === 'string') {
    expect(acceptsCanonicalFast(input)).toBe(schemaAccepted(input));
  }
}

// ---------------------------------------------------------------------------------------------
// Valid canonical events with random optional fields.

/** Ids: any text without control characters, up to the length limit, some exotic. */
const idString = fc.oneof(
  fc.string({ minLength: 1, maxLength: MAX_ID_LENGTH, unit: 'binary' }),
  fc.string({ minLength: 1, maxLength: 24 }),
  fc.constantFrom('0', '7270201542891817761', 'x'.repeat(MAX_ID_LENGTH), '😀', '\u202e', '\ud800'),
);
const noControl = (s: string): boolean => /^\P{Cc}+$/u.test(s);
const validId = idString.filter(noControl);

const inWindow = fc.integer({ min: MIN_TIME, max: MAX_TIME });
const validTime = fc.oneof(
  inWindow,
  fc.constantFrom(MIN_TIME, MAX_TIME),
  inWindow.map((t) => new Date(t).toISOString()),
  inWindow.map((t) => new Date(t).toISOString().replace('Z', '+00:00')),
  fc.constantFrom('2023-08-22T17:36:13.880+02:00', '2016-01-01T00:00:00Z', '2100-01-01T00:00:00Z'),
);
const origin = fc.constantFrom('live', 'simulated', 'replay', 'test');
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 150 }),
  fc.constant(''),
);
const url = fc.oneof(
  fc.webUrl(),
  fc.constantFrom('', 'javascript:alert(1)', `https://x/${'a'.repeat(MAX_URL_LENGTH - 10)}`),
);
const giftId = fc.oneof(
  fc.constantFrom(...CATALOG_IDS),
  fc.integer({ min: 0, max: 2 ** 31 }),
  fc.constantFrom(0, Number.MAX_SAFE_INTEGER),
);

const user = fc.record(
  { id: validId, handle: text, name: text, avatar: url },
  { requiredKeys: ['id'] },
);

const validGift = fc.record(
  {
    type: fc.constant('gift'),
    id: validId,
    time: validTime,
    user,
    gift: fc.record(
      {
        id: giftId,
        name: text,
        coins: fc.oneof(fc.integer({ min: 0, max: MAX_COINS }), fc.constantFrom(0, MAX_COINS)),
        image: url,
        streakable: fc.boolean(),
      },
      { requiredKeys: ['id'] },
    ),
    count: fc.oneof(fc.integer({ min: 1, max: MAX_COUNT }), fc.constantFrom(1, MAX_COUNT)),
    streak: fc.record({ id: validId, end: fc.boolean() }),
    origin,
  },
  { requiredKeys: ['type', 'id', 'user', 'gift'] },
);

const validOther = fc.oneof(
  fc.record(
    {
      type: fc.constant('session'),
      action: fc.constantFrom('start', 'end'),
      id: validId,
      time: validTime,
      origin,
    },
    { requiredKeys: ['type', 'action'] },
  ),
  fc.record(
    {
      type: fc.constantFrom('like', 'follow', 'share'),
      id: validId,
      time: validTime,
      user,
      count: fc.integer({ min: 1, max: MAX_COUNT }),
      origin,
    },
    { requiredKeys: ['type'] },
  ),
  fc.record(
    {
      type: fc.constant('viewers'),
      id: validId,
      time: validTime,
      count: fc.oneof(fc.integer({ min: 0, max: MAX_VIEWERS }), fc.constantFrom(0, MAX_VIEWERS)),
      origin,
    },
    { requiredKeys: ['type', 'count'] },
  ),
);

// ---------------------------------------------------------------------------------------------
// Mutations: what a hostile or buggy client sends instead.

/** Every numeric bound of the schema, and the numbers on, just inside and just past it. */
const BOUNDS = [
  0,
  1,
  MAX_COUNT,
  MAX_COINS,
  MAX_VIEWERS,
  MIN_TIME,
  MAX_TIME,
  Number.MAX_SAFE_INTEGER,
];
const boundaryNumber = fc.constantFrom(
  ...BOUNDS.flatMap((b) => [b - 1, b, b + 1, b + 0.5]),
  -0,
  Number.NaN,
  Number.POSITIVE_INFINITY,
);

/** Values at or just past every bound the schema has, plus wrong types and nested junk. */
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: boundaryNumber },
  fc.constantFrom(
    undefined,
    null,
    true,
    false,
    0,
    -0,
    -1,
    0.5,
    1.5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    MAX_COUNT,
    MAX_COUNT + 1,
    MAX_COINS + 1,
    MAX_VIEWERS + 1,
    MIN_TIME - 1,
    MAX_TIME + 1,
    Math.floor(MIN_TIME / 1000),
    Number.MAX_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER + 1,
    2 ** 53 + 2,
    1e300,
    10n,
    '',
    ' ',
    '1',
    '12',
    'a\u0000b',
    '\n',
    '\t',
    '\u007f',
    '\u0085',
    '\u009f',
    '\u00a0',
    '\ud800',
    'x'.repeat(MAX_ID_LENGTH + 1),
    'x'.repeat(MAX_URL_LENGTH + 1),
    'x'.repeat(100_001),
    'gift',
    'session',
    'start',
    'live',
    'LIVE',
    '2023-08-22',
    '2023-08-22T17:36:13',
    '2023-08-22T17:36:13.880Z',
    '2023-08-22T17:36:13+0200',
    '2023-08-22 17:36:13Z',
    '2015-12-31T23:59:59.999Z',
    '2100-01-01T00:00:00.001Z',
    '2100-01-01T01:00:00+01:00',
    '0001-01-01T00:00:00Z',
    'not a date',
    [],
    [1],
    {},
    { id: 'u' },
    { id: 'g', end: true },
  ),
  { weight: 2, arbitrary: fc.constantFrom(...[1, 127, 128, 129].map((n) => 'i'.repeat(n))) },
  fc.integer(),
  fc.double(),
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 8 }),
  fc.anything({ maxDepth: 2 }),
);

/** Keys the schema does not know, including ones that trip naive code. */
const extraKey = fc.oneof(
  fc.constantFrom('extra', '__proto__', 'constructor', 'toString', 'ID', 'type ', ''),
  fc.string({ maxLength: 6 }),
);

type Path = string[];

/** Paths of every object (to add keys to) and every field (to replace or delete). */
function objectPaths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (!isRec(value)) return out;
  out.push(prefix);
  for (const [k, v] of Object.entries(value)) objectPaths(v, [...prefix, k], out);
  return out;
}
const fieldPaths = (value: unknown): Path[] =>
  objectPaths(value).flatMap((p) => {
    let at: unknown = value;
    for (const k of p) at = isRec(at) ? at[k] : undefined;
    return isRec(at) ? Object.keys(at).map((k) => [...p, k]) : [];
  });

type Edit =
  | { kind: 'set'; path: Path; value: unknown }
  | { kind: 'delete'; path: Path }
  | { kind: 'add'; path: Path; key: string; value: unknown };

/** A copy of `value` with one edit; copies follow the edited path, the rest is shared. */
function applyEdit(value: unknown, edit: Edit, depth = 0): unknown {
  if (!isRec(value)) return value;
  const copy: Rec = { ...value };
  const key = edit.path.at(depth);
  if (key !== undefined) {
    if (edit.kind === 'delete' && depth === edit.path.length - 1) delete copy[key];
    else if (edit.kind === 'set' && depth === edit.path.length - 1) copy[key] = edit.value;
    else copy[key] = applyEdit(copy[key], edit, depth + 1);
  } else if (edit.kind === 'add') {
    // defineProperty: a plain assignment of '__proto__' would swap the prototype instead.
    Object.defineProperty(copy, edit.key, {
      value: edit.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

function mutated(valid: fc.Arbitrary<Rec>): fc.Arbitrary<unknown> {
  return valid.chain((base) => {
    const fields = fieldPaths(base);
    const objects = objectPaths(base);
    const edit: fc.Arbitrary<Edit> = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record({
          kind: fc.constant('set' as const),
          path: fc.constantFrom(...fields),
          value: hostile,
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('delete' as const),
          path: fc.constantFrom(...fields),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          kind: fc.constant('add' as const),
          path: fc.constantFrom(...objects),
          key: extraKey,
          value: hostile,
        }),
      },
    );
    return fc
      .array(edit, { minLength: 1, maxLength: 3 })
      .map((edits) => edits.reduce<unknown>((acc, e) => applyEdit(acc, e), base));
  });
}

describe('canonical fast path matches the zod-only path', () => {
  it('valid gifts with random optional fields: the fast path takes them, the answers are equal', () => {
    fc.assert(
      fc.property(validGift, (g) => {
        expect(acceptsCanonicalFast(g)).toBe(true);
        expectSameAsZod(g);
      }),
      { numRuns: 2000 },
    );
  });

  it('valid sessions, likes, follows, shares and viewer counts', () => {
    fc.assert(
      fc.property(validOther, (e) => {
        expect(acceptsCanonicalFast(e)).toBe(true);
        expectSameAsZod(e);
      }),
      { numRuns: 1000 },
    );
  });

  it('gifts with one to three fields replaced, deleted or added', () => {
    fc.assert(fc.property(mutated(validGift), expectSameAsZod), { numRuns: 4000 });
  });

  it('other canonical events with fields replaced, deleted or added', () => {
    fc.assert(fc.property(mutated(validOther), expectSameAsZod), { numRuns: 2000 });
  });

  it('every numeric and string field at, inside and just past its bounds', () => {
    const lengths = (...ns: number[]): string[] => ns.map((n) => 'i'.repeat(n));
    const idValues = lengths(0, 1, MAX_ID_LENGTH, MAX_ID_LENGTH + 1);
    const textValues = lengths(0, 100_000, 100_001);
    const urlValues = ['', ...lengths(MAX_URL_LENGTH, MAX_URL_LENGTH + 1)];
    const fields: [Path, readonly unknown[]][] = [
      [['id'], idValues],
      [['user', 'id'], idValues],
      [['streak', 'id'], idValues],
      [['user', 'handle'], textValues],
      [['user', 'name'], textValues],
      [['gift', 'name'], textValues],
      [['user', 'avatar'], urlValues],
      [['gift', 'image'], urlValues],
    ];
    const numericPaths: Path[] = [['time'], ['count'], ['gift', 'id'], ['gift', 'coins']];
    const numbers = BOUNDS.flatMap((b) => [b - 1, b, b + 1, b + 0.5]);
    const edit = fc.oneof(
      fc.tuple(fc.constantFrom(...numericPaths), fc.constantFrom(...numbers)),
      fc
        .constantFrom(...fields)
        .chain(([path, values]) => fc.tuple(fc.constant(path), fc.constantFrom(...values))),
    );
    const viewers = fc.constantFrom(...numbers).map((count) => ({ type: 'viewers', count }));
    const input = fc.oneof(
      fc
        .tuple(validGift, edit)
        .map(([g, [path, value]]) => applyEdit(g, { kind: 'set', path, value })),
      viewers,
    );
    fc.assert(fc.property(input, expectSameAsZod), { numRuns: 3000 });
  });

  it('canonical-looking objects with arbitrary fields', () => {
    const shaped = fc.record(
      {
        type: fc.constantFrom('gift', 'session', 'like', 'follow', 'share', 'viewers'),
        id: hostile,
        action: hostile,
        time: hostile,
        user: hostile,
        gift: hostile,
        count: hostile,
        streak: hostile,
        origin: hostile,
      },
      { requiredKeys: ['type'] },
    );
    fc.assert(fc.property(shaped, expectSameAsZod), { numRuns: 2000 });
  });
});

describe('canonical fast path examples', () => {
  const ctx = makeContext();

  it('takes the documented gift and builds the same event as zod', () => {
    const input = canonicalGift();
    expect(acceptsCanonicalFast(input)).toBe(true);
    expect(normalizeEvent(input, ctx)).toStrictEqual(normalizeEventZodOnly(input, makeContext()));
  });

  it('the event shares no object with the input', () => {
    const input = canonicalGift();
    const e = expectGift(normalizeEvent(input, ctx));
    expect(e.streak).toEqual(input.streak);
    expect(e.streak).not.toBe(input.streak);
    expect(e.user).not.toBe(input.user);
    expect(e.gift).not.toBe(input.gift);
  });

  it('leaves every refusal to zod, with its message', () => {
    const cases: [Rec, string][] = [
      [canonicalGift({ extra: 1 }), 'Unrecognized key: "extra"'],
      [canonicalGift({ id: 'a\u0000b' }), 'id: Invalid string'],
      [canonicalGift({ id: '' }), 'id: Too small'],
      [canonicalGift({ count: MAX_COUNT + 1 }), 'count: Too big'],
      [canonicalGift({ count: 1.5 }), 'count: Invalid input: expected int'],
      [
        canonicalGift({ time: '2015-12-31T23:59:59Z' }),
        'time: Time must be between 2016 and 2100.',
      ],
      [canonicalGift({ time: '2023-08-22' }), 'time: Invalid'],
      [canonicalGift({ origin: 'LIVE' }), 'origin: Invalid option'],
      [canonicalGift({ user: { id: 'u', nick: 'x' } }), 'user: Unrecognized key: "nick"'],
      [canonicalGift({ streak: { id: 'g' } }), 'streak.end: Invalid input'],
      [{ type: 'viewers', count: -1 }, 'count: Too small'],
      [{ type: 'viewers', count: MAX_VIEWERS + 1 }, 'count: Too big'],
      [{ type: 'session', action: 'pause' }, 'action: Invalid option'],
    ];
    for (const [input, message] of cases) {
      expect(acceptsCanonicalFast(input)).toBe(false);
      const r = normalizeEvent(input, ctx);
      expect(r).toStrictEqual(normalizeEventZodOnly(input, ctx));
      expect(r.ok ? '' : `${r.error.code}: ${r.error.message}`).toContain(message);
      expect(r.ok ? '' : r.error.code).toBe('invalid_event');
    }
  });

  it('an own __proto__ key (as JSON.parse makes it) is an unknown key', () => {
    const input: unknown = JSON.parse(
      '{"type":"gift","id":"m","user":{"id":"u"},"gift":{"id":5655},"__proto__":{"x":1}}',
    );
    expect(isRec(input) && acceptsCanonicalFast(input)).toBe(false);
    expectSameAsZod(input);
  });

  it('inherited enumerable keys count, as in zod; a null prototype is fine', () => {
    const inherited: Rec = Object.create({ extra: 1 }) as Rec;
    Object.assign(inherited, canonicalGift());
    expect(acceptsCanonicalFast(inherited)).toBe(false);
    expectSameAsZod(inherited);
    const bare: Rec = Object.assign(Object.create(null) as Rec, canonicalGift());
    expect(acceptsCanonicalFast(bare)).toBe(true);
    expectSameAsZod(bare);
  });

  it('explicit undefined in optional fields means absent', () => {
    const input = canonicalGift({ time: undefined, count: undefined, streak: undefined });
    expect(acceptsCanonicalFast(input)).toBe(true);
    expectSameAsZod(input);
  });

  it('an unknown gift without a price passes the shape check and is unknown_gift on both paths', () => {
    const input = { type: 'gift', id: 'm', user: { id: 'u' }, gift: { id: 999_999_999 } };
    expect(acceptsCanonicalFast(input)).toBe(true);
    const r = normalizeEvent(input, ctx);
    expect(r.ok ? null : r.error.code).toBe('unknown_gift');
    expect(r).toStrictEqual(normalizeEventZodOnly(input, ctx));
  });

  it('an ISO time with an offset is checked by the same rule as in zod', () => {
    const input = canonicalGift({ time: '2023-08-22T17:36:13.880+02:00' });
    expect(acceptsCanonicalFast(input)).toBe(true);
    expect(expectGift(normalizeEvent(input, ctx)).time).toBe(
      Date.UTC(2023, 7, 22, 15, 36, 13, 880),
    );
  });

  it('a type the fast path does not know is not accepted', () => {
    expect(acceptsCanonicalFast({ type: 'chat' })).toBe(false);
  });
});
