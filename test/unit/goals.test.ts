import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { balance, goalProgress, projectEta, recentRate, type Goal } from '../../shared/goals';
import * as Q from '../../shared/rational';

const q = (n: bigint | number, d: bigint | number = 1n): Q.Rational => Q.rational(n, d);
const HOUR = 3_600_000;
const DAY = 86_400_000;
const goal = (over: Partial<Goal> = {}): Goal => ({
  id: 'g',
  label: 'Payout',
  kind: 'diamonds',
  target: 1000,
  rollover: false,
  createdAt: 0,
  ...over,
});

describe('balance', () => {
  it('is earned minus withdrawn, never below zero', () => {
    expect(balance(q(100), q(30))).toEqual(q(70));
    expect(balance(q(30), q(100))).toEqual(Q.ZERO);
    expect(balance(q(5, 2), q(5, 2))).toEqual(Q.ZERO);
  });
});

describe('goalProgress', () => {
  it('a plain goal caps at its target', () => {
    expect(goalProgress(goal(), q(250))).toMatchObject({
      current: 250,
      target: 1000,
      fraction: 0.25,
      reached: false,
      completions: 0,
    });
    expect(goalProgress(goal(), q(1000))).toMatchObject({
      current: 1000,
      fraction: 1,
      reached: true,
      completions: 1,
    });
    expect(goalProgress(goal(), q(5000))).toMatchObject({
      current: 1000,
      fraction: 1,
      reached: true,
    });
    expect(goalProgress(goal(), q(1999, 2))).toMatchObject({ current: 999, reached: false });
  });

  it('a rollover goal starts again toward the next multiple', () => {
    expect(goalProgress(goal({ rollover: true }), q(2500))).toMatchObject({
      current: 500,
      target: 1000,
      fraction: 0.5,
      reached: true,
      completions: 2,
    });
    expect(goalProgress(goal({ rollover: true }), q(999))).toMatchObject({
      current: 999,
      reached: false,
      completions: 0,
    });
  });

  it('a negative amount is no progress, not negative progress', () => {
    for (const rollover of [false, true]) {
      const p = goalProgress(goal({ rollover }), q(-250));
      expect(p).toMatchObject({ current: 0, fraction: 0, reached: false, completions: 0 });
    }
  });

  it('a target that is not a whole number ≥ 1 does not throw', () => {
    for (const target of [0, -5, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      const p = goalProgress(goal({ target }), q(3));
      expect(p.target).toBeGreaterThanOrEqual(1);
      expect(p.fraction).toBeGreaterThanOrEqual(0);
      expect(p.fraction).toBeLessThanOrEqual(1);
    }
    expect(goalProgress(goal({ target: 10.7 }), q(5)).target).toBe(10);
  });

  it('fraction stays in 0..1 and current within the target (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10 ** 9 }),
        fc.boolean(),
        fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }),
        fc.bigInt({ min: 1n, max: 1000n }),
        (target, rollover, n, d) => {
          const p = goalProgress(goal({ target, rollover }), q(n, d));
          expect(p.fraction).toBeGreaterThanOrEqual(0);
          expect(p.fraction).toBeLessThanOrEqual(1);
          expect(p.current).toBeGreaterThanOrEqual(0);
          expect(p.current).toBeLessThanOrEqual(target);
          const have = Q.floor(q(n, d));
          if (rollover && have > 0n)
            expect(BigInt(p.completions) * BigInt(target) + BigInt(p.current)).toBe(have);
        },
      ),
    );
  });
});

describe('recentRate and ETA', () => {
  const now = Date.UTC(2025, 5, 30);

  it('per streamed hour and per day over the window', () => {
    const sessions = [
      { startedAt: now - 2 * DAY, endedAt: now - 2 * DAY + 2 * HOUR, earned: q(1000) },
      { startedAt: now - HOUR, endedAt: null, earned: q(400) },
      { startedAt: now - 40 * DAY, endedAt: now - 40 * DAY + HOUR, earned: q(99_999) },
      { startedAt: now + HOUR, endedAt: null, earned: q(5) },
    ];
    const r = recentRate(sessions, now);
    expect(r.perStreamedHour).toEqual(q(1400, 3));
    expect(r.perDay).toEqual(q(1400, 28));
    const week = recentRate(sessions, now, 7 * DAY);
    expect(week.perDay).toEqual(q(200));
  });

  it('is zero with no sessions and does not throw on an empty window', () => {
    expect(recentRate([], now)).toEqual({ perStreamedHour: Q.ZERO, perDay: Q.ZERO });
    expect(recentRate([{ startedAt: now, endedAt: now, earned: q(5) }], now, 0)).toEqual({
      perStreamedHour: Q.ZERO,
      perDay: Q.ZERO,
    });
  });

  it('projects the ETA from the daily rate', () => {
    expect(projectEta(q(0), q(10), now)).toBe(now);
    expect(projectEta(q(-5), Q.ZERO, now)).toBe(now);
    expect(projectEta(q(100), Q.ZERO, now)).toBeNull();
    expect(projectEta(q(100), q(50), now)).toBe(now + 2 * DAY);
    expect(projectEta(q(1), q(3), now)).toBe(now + DAY / 3);
    expect(projectEta(q(10n ** 30n), q(1, 10 ** 6), now)).toBeNull();
  });
});
