/**
 * Normalizer and streak accounting together: the same streaks, each message sent in a random
 * connector shape, duplicated and shuffled, always total price × highest count per streak.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeEvent } from '../../shared/normalize';
import { StreakBook } from '../../shared/streaks';
import {
  canonicalGift,
  expectGift,
  makeContext,
  tikfinity,
  v1Gift,
  v2Gift,
  v3Gift,
} from './samples';

const T0 = Date.UTC(2024, 3, 1);
const SHAPES = ['canonical', 'v1', 'v2', 'v3', 'tikfinity'] as const;
type Shape = (typeof SHAPES)[number];

interface Msg {
  msgId: string;
  userId: string;
  giftId: number;
  coins: number;
  count: number;
  group: string;
  end: boolean;
  time: number;
}

function render(m: Msg, shape: Shape): unknown {
  switch (shape) {
    case 'canonical':
      return canonicalGift({
        id: m.msgId,
        time: m.time,
        user: { id: m.userId },
        gift: { id: m.giftId, coins: m.coins, streakable: true },
        count: m.count,
        streak: { id: m.group, end: m.end },
      });
    case 'v1':
    case 'tikfinity': {
      const flat = v1Gift({
        msgId: m.msgId,
        createTime: String(m.time),
        userId: m.userId,
        giftId: m.giftId,
        diamondCount: m.coins,
        repeatCount: m.count,
        repeatEnd: m.end,
        groupId: m.group,
      });
      return shape === 'v1' ? flat : tikfinity('gift', flat);
    }
    case 'v2':
      return v2Gift({
        common: { msgId: m.msgId, createTime: String(m.time) },
        giftId: m.giftId,
        repeatCount: m.count,
        repeatEnd: m.end ? 1 : 0,
        groupId: m.group,
        user: { userId: m.userId, uniqueId: 'x' },
        giftDetails: { giftName: 'G', giftType: 1, diamondCount: m.coins },
      });
    case 'v3':
      return v3Gift({
        common: { msgId: m.msgId, createTime: String(m.time) },
        giftId: String(m.giftId),
        repeatCount: m.count,
        repeatEnd: m.end ? 1 : 0,
        groupId: m.group,
        user: { idStr: m.userId, displayId: 'x' },
        gift: { id: String(m.giftId), name: 'G', type: 1, diamondCount: m.coins },
      });
  }
}

const streak = fc.record({
  userId: fc.constantFrom('1', '2', '6809568862012081157'),
  giftId: fc.constantFrom(5655, 5487, 999001),
  coins: fc.integer({ min: 1, max: 100 }),
  group: fc.bigInt({ min: 1n, max: 10n ** 13n }).map(String),
  counts: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 8 }),
  withEnd: fc.boolean(),
});

describe('normalize → StreakBook', () => {
  it('totals are the same whatever shapes, duplicates and order the messages come in', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(streak, {
          maxLength: 6,
          selector: (s) => `${s.userId}|${s.giftId}|${s.group}`,
        }),
        fc.array(fc.constantFrom(...SHAPES), { minLength: 60, maxLength: 60 }),
        fc.array(fc.nat(), { minLength: 60, maxLength: 60 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        (streaks, shapes, order, dupes) => {
          // A streak's price is the same in all its messages.
          const msgs: Msg[] = [];
          streaks.forEach((s, si) => {
            const top = Math.max(...s.counts);
            s.counts.forEach((count, k) =>
              msgs.push({
                msgId: `${si}-${k}`,
                userId: s.userId,
                giftId: s.giftId,
                coins: s.coins,
                count,
                group: s.group,
                end: s.withEnd && count === top,
                time: T0 + count * 250,
              }),
            );
          });
          const frames = msgs.map((m, i) => ({ m, shape: shapes[i % shapes.length] ?? 'v1' }));
          // Re-deliveries of the same message id, possibly in another shape.
          for (const d of dupes) {
            const f = frames[d % Math.max(1, frames.length)];
            if (f) frames.push({ m: f.m, shape: shapes[d % shapes.length] ?? 'v3' });
          }
          const shuffled = frames
            .map((f, i) => ({ f, key: order[i % order.length] ?? i }))
            .sort((a, b) => a.key - b.key)
            .map((x) => x.f);

          const ctx = makeContext();
          const book = new StreakBook();
          for (const { m, shape } of shuffled) {
            book.apply(expectGift(normalizeEvent(render(m, shape), ctx)));
          }
          const expected = streaks.reduce((a, s) => a + s.coins * Math.max(...s.counts), 0);
          expect(book.totalCoins).toBe(expected);
          expect(book.streaks()).toHaveLength(streaks.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});
