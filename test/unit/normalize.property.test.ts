import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { LiveEvent } from '../../shared/events';
import {
  MAX_COINS,
  MAX_COUNT,
  MAX_ID_LENGTH,
  MAX_TEXT_CODE_POINTS,
  MAX_URL_LENGTH,
  normalizeEvent,
} from '../../shared/normalize';
import type { ErrorCode } from '../../shared/result';
import { canonicalGift, makeContext, tikfinity, v1Gift, v2Gift, v3Gift } from './samples';

const ctx = makeContext();
const MIN_TIME = Date.UTC(2016, 0, 1);
const MAX_TIME = Date.UTC(2100, 0, 1);
const NORMALIZER_CODES: ErrorCode[] = ['invalid_event', 'unknown_gift'];

const codePoints = (s: string): number => [...s].length;

/** Everything downstream relies on these bounds; a normalized event must always satisfy them. */
function expectWellFormed(e: LiveEvent): void {
  expect(typeof e.id).toBe('string');
  expect(e.id.length).toBeGreaterThan(0);
  expect(e.id.length).toBeLessThanOrEqual(MAX_ID_LENGTH);
  expect(Number.isSafeInteger(e.time)).toBe(true);
  expect(e.time).toBeGreaterThanOrEqual(MIN_TIME);
  expect(e.time).toBeLessThanOrEqual(MAX_TIME);
  expect(['live', 'simulated', 'replay', 'test']).toContain(e.origin);
  if (e.type === 'gift' || e.type === 'like' || e.type === 'follow' || e.type === 'share') {
    expect(e.user.id.length).toBeGreaterThan(0);
    expect(e.user.id.length).toBeLessThanOrEqual(MAX_ID_LENGTH);
    expect(codePoints(e.user.handle)).toBeLessThanOrEqual(MAX_TEXT_CODE_POINTS);
    expect(codePoints(e.user.name)).toBeLessThanOrEqual(MAX_TEXT_CODE_POINTS);
    if (e.user.avatar !== undefined) {
      expect(e.user.avatar).toMatch(/^https?:\/\//i);
      expect(e.user.avatar.length).toBeLessThanOrEqual(MAX_URL_LENGTH);
    }
    expect(Number.isSafeInteger(e.count)).toBe(true);
    expect(e.count).toBeGreaterThanOrEqual(1);
    expect(e.count).toBeLessThanOrEqual(MAX_COUNT);
  }
  if (e.type === 'gift') {
    expect(Number.isSafeInteger(e.gift.id)).toBe(true);
    expect(e.gift.id).toBeGreaterThanOrEqual(0);
    expect(Number.isSafeInteger(e.gift.coins)).toBe(true);
    expect(e.gift.coins).toBeGreaterThanOrEqual(0);
    expect(e.gift.coins).toBeLessThanOrEqual(MAX_COINS);
    expect(codePoints(e.gift.name)).toBeLessThanOrEqual(MAX_TEXT_CODE_POINTS);
    if (e.gift.image !== undefined) expect(e.gift.image).toMatch(/^https?:\/\//i);
    expect(typeof e.gift.streakable).toBe('boolean');
    if (e.streak) {
      expect(typeof e.streak.id).toBe('string');
      expect(e.streak.id.length).toBeLessThanOrEqual(MAX_ID_LENGTH);
      expect(typeof e.streak.end).toBe('boolean');
    }
  }
  if (e.type === 'viewers') {
    expect(Number.isSafeInteger(e.count)).toBe(true);
    expect(e.count).toBeGreaterThanOrEqual(0);
  }
}

/** Runs the normalizer and checks that it answered (never threw) with a well-formed result. */
function checkAnswer(input: unknown): void {
  const r = normalizeEvent(input, ctx);
  if (r.ok) {
    if (r.value.kind === 'event') expectWellFormed(r.value.event);
    else expect(typeof r.value.reason).toBe('string');
  } else {
    expect(NORMALIZER_CODES).toContain(r.error.code);
    expect(typeof r.error.message).toBe('string');
    expect(r.error.message.length).toBeLessThan(500);
  }
}

/** Values that break parsers: wrong types, huge and tiny numbers, NaN strings, long strings. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({ maxDepth: 3 }),
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    -0,
    -1,
    0.5,
    2 ** 53,
    1e300,
    -1e300,
    'NaN',
    '',
    '0',
    '-1',
    '1e3',
    '１２３',
    '9'.repeat(40),
    'x'.repeat(200_000),
    '\u202e\u0000',
    10n ** 40n,
    -1n,
    null,
    [],
    {},
    true,
  ),
  fc.integer(),
  fc.double(),
  fc.string(),
);

const samples: Record<string, unknown>[] = [
  canonicalGift(),
  canonicalGift({ time: '2023-08-22T17:36:13.880Z' }),
  { type: 'session', action: 'start' },
  { type: 'like', count: 3, user: { id: 'u' } },
  { type: 'viewers', count: 10 },
  v1Gift(),
  v2Gift(),
  v3Gift(),
  tikfinity('gift', v1Gift()),
  tikfinity('like', { likeCount: 5, userId: '1' }),
  tikfinity('roomUser', { viewerCount: 5 }),
  tikfinity('streamEnd', {}),
];

type Path = (string | number)[];

function paths(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      const p = [...prefix, Array.isArray(value) ? Number(k) : k];
      out.push(p);
      paths(v, p, out);
    }
  }
  return out;
}

/** A deep copy with the value at `path` replaced (or deleted when `replacement` is the marker). */
const DELETE = Symbol('delete');
function mutate(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy: unknown[] = [...(value as unknown[])];
    copy[Number(head)] = mutate(copy[Number(head)], rest, replacement);
    return copy;
  }
  const copy = { ...(value as Record<string, unknown>) };
  const key = String(head);
  if (rest.length === 0 && replacement === DELETE) delete copy[key];
  else copy[key] = mutate(copy[key], rest, replacement);
  return copy;
}

describe('normalizeEvent never throws', () => {
  it('on arbitrary values', () => {
    fc.assert(fc.property(fc.anything(), checkAnswer), { numRuns: 2000 });
  });

  it('on arbitrary JSON values', () => {
    fc.assert(fc.property(fc.jsonValue(), checkAnswer), { numRuns: 1000 });
  });

  it('on objects that look like events but carry arbitrary fields', () => {
    const shaped = fc.record(
      {
        type: fc.constantFrom('gift', 'session', 'like', 'follow', 'share', 'viewers', 'x'),
        event: fc.constantFrom('gift', 'like', 'follow', 'share', 'roomUser', 'streamEnd', 'chat'),
        data: fc.dictionary(fc.string(), hostileValue),
        id: hostileValue,
        msgId: hostileValue,
        giftId: hostileValue,
        userId: hostileValue,
        user: hostileValue,
        gift: hostileValue,
        giftDetails: hostileValue,
        common: hostileValue,
        count: hostileValue,
        repeatCount: hostileValue,
        time: hostileValue,
      },
      { requiredKeys: [] },
    );
    fc.assert(fc.property(shaped, checkAnswer), { numRuns: 2000 });
  });

  it('on real payloads with one field mutated, deleted or truncated', () => {
    const mutation = fc
      .integer({ min: 0, max: samples.length - 1 })
      .chain((i) => {
        const sample = samples[i];
        const all = paths(sample);
        return fc.tuple(
          fc.constant(sample),
          all.length > 0 ? fc.constantFrom(...all) : fc.constant<Path>([]),
          fc.oneof(hostileValue, fc.constant(DELETE)),
        );
      })
      .map(([sample, path, replacement]) => mutate(sample, path, replacement));
    fc.assert(fc.property(mutation, checkAnswer), { numRuns: 3000 });
  });

  it('on real payloads with several fields mutated at once', () => {
    const mutation = fc
      .integer({ min: 0, max: samples.length - 1 })
      .chain((i) => {
        const sample = samples[i];
        const all = paths(sample);
        return fc.tuple(
          fc.constant(sample),
          fc.array(fc.tuple(fc.constantFrom(...all), hostileValue), { minLength: 1, maxLength: 5 }),
        );
      })
      .map(([sample, edits]) =>
        edits.reduce<unknown>((acc, [path, value]) => {
          try {
            return mutate(acc, path, value);
          } catch {
            return acc; // the path no longer exists after an earlier edit
          }
        }, sample),
      );
    fc.assert(fc.property(mutation, checkAnswer), { numRuns: 2000 });
  });

  it('on deeply nested input', () => {
    let deep: unknown = { type: 'gift' };
    for (let i = 0; i < 10_000; i++) deep = { user: deep, gift: deep };
    checkAnswer(deep);
    let arr: unknown = [];
    for (let i = 0; i < 10_000; i++) arr = [arr];
    checkAnswer({ event: 'gift', data: { giftId: arr, userId: arr, msgId: arr } });
  });

  it('every valid canonical gift is accepted and keeps its values (property)', () => {
    const gift = fc.record({
      id: fc.string({ minLength: 1, maxLength: MAX_ID_LENGTH }),
      time: fc.integer({ min: MIN_TIME, max: MAX_TIME }),
      user: fc.record({ id: fc.string({ minLength: 1, maxLength: MAX_ID_LENGTH }) }),
      gift: fc.record({
        id: fc.integer({ min: 0, max: 2 ** 40 }),
        coins: fc.integer({ min: 0, max: MAX_COINS }),
        streakable: fc.boolean(),
      }),
      count: fc.integer({ min: 1, max: MAX_COUNT }),
    });
    fc.assert(
      fc.property(gift, (g) => {
        const r = normalizeEvent({ type: 'gift', ...g }, ctx);
        expect(r.ok).toBe(true);
        if (r.ok && r.value.kind === 'event' && r.value.event.type === 'gift') {
          const e = r.value.event;
          expectWellFormed(e);
          expect(e).toMatchObject({
            id: g.id,
            time: g.time,
            count: g.count,
            user: { id: g.user.id },
            gift: g.gift,
          });
        }
      }),
      { numRuns: 500 },
    );
  });
});
