import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GiftEvent } from '../../shared/events';
import {
  DEFAULT_STREAK_TIMEOUT_MS,
  StreakBook,
  applyToStreak,
  closeStreak,
  continuesStreak,
  isStreakStale,
  streakLookupKey,
} from '../../shared/streaks';

const T0 = Date.UTC(2024, 0, 1);

interface GiftSpec {
  id: string;
  user?: string;
  giftId?: number;
  coins?: number;
  count?: number;
  streakable?: boolean;
  group?: string | null;
  end?: boolean;
  time?: number;
}

/** A gift message; `group: null` leaves the streak out entirely. */
function gift(spec: GiftSpec): GiftEvent {
  const event: GiftEvent = {
    type: 'gift',
    id: spec.id,
    time: spec.time ?? T0,
    user: { id: spec.user ?? 'u1', handle: 'h', name: 'n' },
    gift: {
      id: spec.giftId ?? 5655,
      name: 'Rose',
      coins: spec.coins ?? 1,
      streakable: spec.streakable ?? true,
    },
    count: spec.count ?? 1,
    origin: 'live',
  };
  if (spec.group !== null) event.streak = { id: spec.group ?? 'g1', end: spec.end ?? false };
  return event;
}

describe('streak keys', () => {
  it('a streak is one sender, gift and group; a plain gift is its own message', () => {
    const a = streakLookupKey(gift({ id: 'm1' }));
    expect(streakLookupKey(gift({ id: 'm2' }))).toBe(a);
    expect(streakLookupKey(gift({ id: 'm3', user: 'u2' }))).not.toBe(a);
    expect(streakLookupKey(gift({ id: 'm4', giftId: 5487 }))).not.toBe(a);
    expect(streakLookupKey(gift({ id: 'm5', group: 'g2' }))).not.toBe(a);
    expect(streakLookupKey(gift({ id: 'm6', streakable: false }))).not.toBe(
      streakLookupKey(gift({ id: 'm7', streakable: false })),
    );
    expect(streakLookupKey(gift({ id: 'm8', group: null }))).not.toBe(
      streakLookupKey(gift({ id: 'm9', group: null })),
    );
  });

  it('keys of different streaks differ even when ids share digits', () => {
    const a = streakLookupKey(gift({ id: 'x', user: '12', giftId: 5655, group: '3' }));
    const b = streakLookupKey(gift({ id: 'y', user: '1', giftId: 5655, group: '23' }));
    expect(a).not.toBe(b);
  });
});

describe('applyToStreak', () => {
  it('counts price × the rise of the highest count', () => {
    const first = applyToStreak(undefined, gift({ id: 'm1', count: 2, coins: 5 }));
    expect(first).toMatchObject({ deltaCount: 2, deltaCoins: 10, started: true, closed: false });
    const higher = applyToStreak(first.next, gift({ id: 'm2', count: 5, coins: 5 }));
    expect(higher).toMatchObject({ deltaCount: 3, deltaCoins: 15, started: false, closed: false });
    const lower = applyToStreak(higher.next, gift({ id: 'm3', count: 4, coins: 5, end: true }));
    expect(lower).toMatchObject({ deltaCount: 0, deltaCoins: 0, closed: true });
    expect(lower.next).toMatchObject({ count: 5, ended: true });
    const again = applyToStreak(lower.next, gift({ id: 'm4', count: 5, end: true }));
    expect(again).toMatchObject({ deltaCount: 0, closed: false });
  });

  it('keeps the price of the first message and the earliest and latest times', () => {
    const a = applyToStreak(undefined, gift({ id: 'm1', coins: 5, time: T0 + 10 }));
    const b = applyToStreak(a.next, gift({ id: 'm2', coins: 9, count: 2, time: T0 + 5 }));
    expect(b.deltaCoins).toBe(5);
    expect(b.next).toMatchObject({ coinsEach: 5, firstAt: T0 + 5, lastAt: T0 + 10 });
  });

  it('a non-streakable gift is a finished streak at once', () => {
    const step = applyToStreak(
      undefined,
      gift({ id: 'm1', streakable: false, count: 3, coins: 100 }),
    );
    expect(step).toMatchObject({ deltaCount: 3, deltaCoins: 300, started: true, closed: true });
    expect(step.next.streakable).toBe(false);
    const bare = applyToStreak(undefined, gift({ id: 'm2', group: null, count: 2 }));
    expect(bare).toMatchObject({ deltaCount: 2, closed: true });
  });

  it('a streak with a group continues forever; without one it ends at its end', () => {
    const grouped = applyToStreak(undefined, gift({ id: 'm1', end: true })).next;
    expect(continuesStreak(grouped, gift({ id: 'm2', count: 2, time: T0 + 1000 }))).toBe(true);
    const bare = applyToStreak(undefined, gift({ id: 'm1', group: '', count: 3, end: true })).next;
    expect(continuesStreak(bare, gift({ id: 'm2', group: '', count: 1, time: T0 + 1000 }))).toBe(
      false,
    );
    const open = applyToStreak(undefined, gift({ id: 'm1', group: '' })).next;
    expect(continuesStreak(open, gift({ id: 'm2', group: '', count: 2 }))).toBe(true);
  });

  it('a late update of an ended streak without a group is not a new streak', () => {
    const book = new StreakBook();
    book.apply(gift({ id: 'm1', group: '', count: 1, time: T0 }));
    book.apply(gift({ id: 'm3', group: '', count: 3, end: true, time: T0 + 200 }));
    const late = book.apply(gift({ id: 'm2', group: '', count: 2, time: T0 + 100 }));
    expect(late).toMatchObject({ deltaCount: 0, started: false });
    expect(book.totalGifts).toBe(3);
    const next = book.apply(gift({ id: 'm4', group: '', count: 1, time: T0 + 5000 }));
    expect(next).toMatchObject({ deltaCount: 1, started: true });
    expect(book.totalGifts).toBe(4);
  });
});

describe('stale streaks', () => {
  it('an open streak is stale after the timeout; closing keeps its count', () => {
    const s = applyToStreak(undefined, gift({ id: 'm1', count: 4, time: T0 })).next;
    expect(isStreakStale(s, T0 + DEFAULT_STREAK_TIMEOUT_MS - 1)).toBe(false);
    expect(isStreakStale(s, T0 + DEFAULT_STREAK_TIMEOUT_MS)).toBe(true);
    expect(isStreakStale(s, T0 + 10, 10)).toBe(true);
    const closed = closeStreak(s);
    expect(closed).toEqual({ ...s, ended: true });
    expect(isStreakStale(closed, T0 + 10 ** 9)).toBe(false);
  });

  it('StreakBook.expire closes only idle open streaks and changes no total', () => {
    const book = new StreakBook();
    book.apply(gift({ id: 'a1', user: 'a', count: 3, time: T0 }));
    book.apply(gift({ id: 'b1', user: 'b', count: 2, time: T0 + 10_000 }));
    book.apply(gift({ id: 'c1', user: 'c', count: 1, time: T0, end: true }));
    const closed = book.expire(T0 + DEFAULT_STREAK_TIMEOUT_MS);
    expect(closed.map((s) => s.userId)).toEqual(['a']);
    expect(closed[0]?.count).toBe(3);
    expect(book.totalGifts).toBe(6);
    expect(book.expire(T0 + 60_000).map((s) => s.userId)).toEqual(['b']);
    expect(book.streaks().every((s) => s.ended)).toBe(true);
    expect(book.totalGifts).toBe(6);
  });
});

describe('StreakBook', () => {
  it('counts the Rose streak 1,2,3,(dup 2),end 5 as five roses', () => {
    const book = new StreakBook();
    const steps = [
      book.apply(gift({ id: 'm1', count: 1 })),
      book.apply(gift({ id: 'm2', count: 2 })),
      book.apply(gift({ id: 'm3', count: 3 })),
      book.apply(gift({ id: 'm2', count: 2 })),
      book.apply(gift({ id: 'm9', count: 2 })),
      book.apply(gift({ id: 'm5', count: 5, end: true })),
    ];
    expect(steps.map((s) => s?.deltaCount ?? null)).toEqual([1, 1, 1, null, 0, 2]);
    expect(book.totalCoins).toBe(5);
    expect(book.totalGifts).toBe(5);
    expect(book.streaks()).toHaveLength(1);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over random interleavings.

const GIFTS = [
  { id: 5655, coins: 1 },
  { id: 5487, coins: 5 },
  { id: 5658, coins: 20 },
  { id: 7168, coins: 500 },
  { id: 6369, coins: 29999 },
];

interface StreakPlan {
  user: string;
  giftIndex: number;
  group: string;
  /** Running counts delivered (a non-empty subset of 1..n, each possibly more than once). */
  counts: number[];
  withEnd: boolean;
}

interface Delivery {
  msg: GiftEvent;
  streak: number | null;
  /** Sort key for the random interleaving. */
  order: number;
}

const streakPlan: fc.Arbitrary<StreakPlan> = fc
  .record({
    user: fc.constantFrom('u1', 'u2', 'u3', '6809568862012081157'),
    giftIndex: fc.integer({ min: 0, max: GIFTS.length - 1 }),
    group: fc.string({ minLength: 1, maxLength: 13 }),
    n: fc.integer({ min: 1, max: 30 }),
    keep: fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
    resend: fc.array(fc.integer({ min: 0, max: 29 }), { maxLength: 6 }),
    withEnd: fc.boolean(),
  })
  .map(({ user, giftIndex, group, n, keep, resend, withEnd }) => {
    const counts = [];
    for (let c = 1; c <= n; c++) if (keep[c - 1] || c === 1) counts.push(c);
    for (const r of resend) if (r < n) counts.push(r + 1);
    return { user, giftIndex, group, counts, withEnd };
  });

const plainGift = fc.record({
  user: fc.constantFrom('u1', 'u2', 'u9'),
  giftIndex: fc.integer({ min: 0, max: GIFTS.length - 1 }),
  count: fc.integer({ min: 1, max: 5 }),
});

const scenario = fc
  .record({
    streaks: fc.uniqueArray(streakPlan, {
      maxLength: 8,
      selector: (s) => `${s.user}|${GIFTS[s.giftIndex]?.id}|${s.group}`,
    }),
    plain: fc.array(plainGift, { maxLength: 6 }),
    seed: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 400, maxLength: 400 }),
    dupes: fc.array(fc.nat(), { maxLength: 10 }),
  })
  .map(({ streaks, plain, seed, dupes }) => {
    let msgNo = 0;
    let r = 0;
    const rand = (): number => seed[r++ % seed.length] ?? 0.5;
    const deliveries: Delivery[] = [];
    streaks.forEach((plan, si) => {
      const price = GIFTS[plan.giftIndex] ?? { id: 1, coins: 1 };
      const top = Math.max(...plan.counts);
      let endSent = false;
      for (const c of plan.counts) {
        const end = plan.withEnd && c === top && !endSent;
        if (end) endSent = true;
        deliveries.push({
          msg: gift({
            id: `m${msgNo++}`,
            user: plan.user,
            giftId: price.id,
            coins: price.coins,
            count: c,
            group: plan.group,
            end,
            time: T0 + c * 100 + si,
          }),
          streak: si,
          order: rand(),
        });
      }
    });
    for (const p of plain) {
      const price = GIFTS[p.giftIndex] ?? { id: 1, coins: 1 };
      deliveries.push({
        msg: gift({
          id: `m${msgNo++}`,
          user: p.user,
          giftId: price.id,
          coins: price.coins,
          count: p.count,
          streakable: false,
          group: null,
          time: T0,
        }),
        streak: null,
        order: rand(),
      });
    }
    // Exact duplicates: the same message id delivered again, anywhere in the stream.
    const copies = dupes
      .filter(() => deliveries.length > 0)
      .map((d) => ({ ...(deliveries[d % deliveries.length] as Delivery), order: rand() }));
    const all = [...deliveries, ...copies].sort((a, b) => a.order - b.order);
    return { streaks, plain, all };
  });

describe('StreakBook properties', () => {
  it('every streak counts price × its highest count exactly once, whatever the interleaving', () => {
    fc.assert(
      fc.property(scenario, ({ streaks, plain, all }) => {
        const book = new StreakBook();
        const highest = new Map<number, number>();
        const seen = new Set<string>();
        let total = 0;
        for (const d of all) {
          const before = book.totalCoins;
          const step = book.apply(d.msg);
          const price = d.msg.gift.coins;
          if (seen.has(d.msg.id)) {
            // A message id seen before changes nothing.
            expect(step).toBeNull();
            expect(book.totalCoins).toBe(before);
            continue;
          }
          seen.add(d.msg.id);
          expect(step).not.toBeNull();
          const delta = book.totalCoins - before;
          expect(delta).toBeGreaterThanOrEqual(0);
          if (d.streak === null) {
            expect(delta).toBe(price * d.msg.count);
          } else {
            // Grows live, by exactly the rise of the highest count (never more).
            const prev = highest.get(d.streak) ?? 0;
            const next = Math.max(prev, d.msg.count);
            highest.set(d.streak, next);
            expect(delta).toBe(price * (next - prev));
          }
          total += delta;
        }
        const expected =
          streaks.reduce(
            (acc, s) => acc + (GIFTS[s.giftIndex]?.coins ?? 0) * Math.max(...s.counts),
            0,
          ) + plain.reduce((acc, p) => acc + (GIFTS[p.giftIndex]?.coins ?? 0) * p.count, 0);
        expect(book.totalCoins).toBe(expected);
        expect(total).toBe(expected);
        expect(book.totalGifts).toBe(
          streaks.reduce((a, s) => a + Math.max(...s.counts), 0) +
            plain.reduce((a, p) => a + p.count, 0),
        );
        // One streak state per planned streak and per plain gift: nothing counted as two.
        expect(book.streaks()).toHaveLength(streaks.length + plain.length);

        // Streaks whose end never arrived close after the timeout with their highest count,
        // and closing changes no total.
        const totalsBefore = [book.totalCoins, book.totalGifts];
        const closed = book.expire(T0 + 10 ** 7);
        for (const s of closed) expect(s.ended).toBe(true);
        expect(closed.length).toBe(streaks.filter((s) => !s.withEnd).length);
        for (const s of book.streaks()) {
          expect(s.ended).toBe(true);
          const plan = streaks.find(
            (p) =>
              p.user === s.userId && GIFTS[p.giftIndex]?.id === s.giftId && p.group === s.groupId,
          );
          if (plan) expect(s.count).toBe(Math.max(...plan.counts));
        }
        expect([book.totalCoins, book.totalGifts]).toEqual(totalsBefore);
      }),
      { numRuns: 400 },
    );
  });

  it('replaying the whole stream again changes nothing', () => {
    fc.assert(
      fc.property(scenario, ({ all }) => {
        const book = new StreakBook();
        for (const d of all) book.apply(d.msg);
        const totals = [book.totalCoins, book.totalGifts];
        for (const d of all) expect(book.apply(d.msg)).toBeNull();
        expect([book.totalCoins, book.totalGifts]).toEqual(totals);
      }),
      { numRuns: 100 },
    );
  });

  it('re-sends with new message ids never add more than the rise of the highest count', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 60 }),
        (counts) => {
          const book = new StreakBook();
          counts.forEach((c, i) => book.apply(gift({ id: `r${i}`, count: c, coins: 3 })));
          expect(book.totalCoins).toBe(3 * Math.max(...counts));
        },
      ),
    );
  });

  it('streaks without a group id, in order, count each streak once (property)', () => {
    const runs = fc.array(
      fc.record({
        n: fc.integer({ min: 1, max: 10 }),
        withEnd: fc.boolean(),
        lateSwap: fc.boolean(),
      }),
      { minLength: 1, maxLength: 6 },
    );
    fc.assert(
      fc.property(runs, (plans) => {
        const book = new StreakBook();
        let t = T0;
        let msg = 0;
        let expected = 0;
        for (const p of plans) {
          const msgs: GiftEvent[] = [];
          for (let c = 1; c <= p.n; c++) {
            t += 100;
            msgs.push(
              gift({ id: `b${msg++}`, group: '', count: c, end: p.withEnd && c === p.n, time: t }),
            );
          }
          // An intermediate update overtaken by the end message arrives late.
          if (p.lateSwap && msgs.length >= 3) {
            const [late] = msgs.splice(msgs.length - 2, 1);
            if (late) msgs.push(late);
          }
          for (const m of msgs) book.apply(m);
          if (!p.withEnd) book.expire(t + DEFAULT_STREAK_TIMEOUT_MS);
          t += DEFAULT_STREAK_TIMEOUT_MS;
          expected += p.n;
        }
        expect(book.totalGifts).toBe(expected);
      }),
    );
  });
});
