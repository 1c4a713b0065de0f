import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addToGifter,
  biggestGift,
  compareGifters,
  newTopGifter,
  topGifters,
  type GifterTotal,
} from '../../shared/leaderboard';

const g = (userId: string, coins: number, reachedAt = 0): GifterTotal => ({
  userId,
  handle: userId,
  name: userId,
  coins,
  reachedAt,
});

describe('leaderboard ranking', () => {
  it('ranks by coins, then whoever reached the total first, then by id', () => {
    const ranked = topGifters([g('c', 10, 5), g('a', 50, 9), g('b', 10, 3), g('d', 10, 3)], 10);
    expect(ranked.map((x) => x.userId)).toEqual(['a', 'b', 'd', 'c']);
    expect(compareGifters(g('x', 1, 1), g('x', 1, 1))).toBe(0);
  });

  it('returns at most n and never a negative count', () => {
    const all = [g('a', 3), g('b', 2), g('c', 1)];
    expect(topGifters(all, 2).map((x) => x.userId)).toEqual(['a', 'b']);
    expect(topGifters(all, 0)).toEqual([]);
    expect(topGifters(all, -1)).toEqual([]);
    expect(topGifters([], 5)).toEqual([]);
  });

  it('the ranking is a total order that does not depend on input order (property)', () => {
    const arb = fc.uniqueArray(
      fc.record({
        userId: fc.string({ minLength: 1, maxLength: 4 }),
        handle: fc.constant('h'),
        name: fc.constant('n'),
        coins: fc.nat(100),
        reachedAt: fc.nat(10),
      }),
      { selector: (x) => x.userId, maxLength: 30 },
    );
    fc.assert(
      fc.property(arb, (list) => {
        const a = topGifters(list, 100);
        const b = topGifters([...list].reverse(), 100);
        expect(a).toEqual(b);
        for (let i = 1; i < a.length; i++) {
          const prev = a[i - 1] as GifterTotal;
          const cur = a[i] as GifterTotal;
          expect(compareGifters(prev, cur)).toBeLessThan(0);
          expect(prev.coins).toBeGreaterThanOrEqual(cur.coins);
        }
      }),
    );
  });
});

describe('gifter totals', () => {
  it('adds coins and records when the total was reached', () => {
    const who = { userId: 'u', handle: 'h', name: 'N' };
    const first = addToGifter(undefined, who, 5, 100);
    expect(first).toEqual({ ...who, coins: 5, reachedAt: 100 });
    const second = addToGifter(first, { ...who, name: 'New name' }, 10, 200);
    expect(second).toEqual({ ...who, name: 'New name', coins: 15, reachedAt: 200 });
    // A zero-coin update (a streak re-send) does not move the moment the total was reached.
    expect(addToGifter(second, who, 0, 300).reachedAt).toBe(200);
    // A late message from before the last one completes the total no earlier than that one.
    expect(addToGifter(second, who, 5, 150)).toMatchObject({ coins: 20, reachedAt: 200 });
    expect(addToGifter(undefined, { ...who, avatar: 'https://a' }, 0, 7)).toMatchObject({
      avatar: 'https://a',
      coins: 0,
      reachedAt: 7,
    });
  });

  it('reports a new number one only when it changes', () => {
    expect(newTopGifter([], [g('a', 5)])).toEqual(g('a', 5));
    expect(newTopGifter([g('a', 5)], [g('a', 9)])).toBeNull();
    expect(newTopGifter([g('a', 5)], [g('b', 6), g('a', 5)])).toEqual(g('b', 6));
    expect(newTopGifter([], [])).toBeNull();
    expect(newTopGifter([], [g('a', 0)])).toBeNull();
  });
});

describe('biggest single gift', () => {
  it('is the largest, earliest on ties', () => {
    expect(biggestGift([])).toBeNull();
    const gifts = [
      { userId: 'a', coins: 100, time: 5 },
      { userId: 'b', coins: 29999, time: 9 },
      { userId: 'c', coins: 29999, time: 7 },
      { userId: 'd', coins: 1, time: 1 },
    ];
    expect(biggestGift(gifts)?.userId).toBe('c');
  });

  it('a single big gift can beat a bigger total of small ones', () => {
    const gifts = [
      ...Array.from({ length: 400 }, (_, i) => ({ userId: 'roses', coins: 1, time: i })),
      { userId: 'lion', coins: 299, time: 50 },
    ];
    expect(biggestGift(gifts)?.userId).toBe('lion');
    const totals = new Map<string, number>();
    for (const x of gifts) totals.set(x.userId, (totals.get(x.userId) ?? 0) + x.coins);
    expect(
      topGifters(
        [...totals].map(([id, coins]) => g(id, coins)),
        1,
      )[0]?.userId,
    ).toBe('roses');
  });
});
