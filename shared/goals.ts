import * as Q from './rational';
import type { Rational } from './rational';

/** A payout or milestone goal. Targets are diamonds or minor units of the creator's currency. */
export interface Goal {
  id: string;
  label: string;
  kind: 'diamonds' | 'cash';
  /** Diamonds, or minor units of the local currency. */
  target: number;
  /** When reached, start again toward the next multiple of the target. */
  rollover: boolean;
  createdAt: number;
}

/** Where a goal stands. */
export interface GoalProgress {
  goal: Goal;
  /** Progress toward the current target, in the goal's unit (diamonds or minor units). */
  current: number;
  /** The current target (target × round for rollover goals). */
  target: number;
  /** 0..1, for bars. */
  fraction: number;
  reached: boolean;
  /** For rollover goals: how many times the target has been reached. */
  completions: number;
}

/** Balance = earned − withdrawn, never below zero (withdrawals recorded out of order can overshoot). */
export const balance = (earned: Rational, withdrawn: Rational): Rational =>
  Q.compare(earned, withdrawn) > 0 ? Q.sub(earned, withdrawn) : Q.ZERO;

/** Progress of a goal given the balance in the goal's unit. */
export function goalProgress(goal: Goal, amount: Rational): GoalProgress {
  // A negative amount (more withdrawn than earned) is no progress, not negative progress.
  const floored = Q.floor(amount);
  const have = floored > 0n ? floored : 0n;
  // A target that is not a whole number ≥ 1 (a bad setting) counts as 1 instead of throwing.
  const target = BigInt(
    Number.isFinite(goal.target) && goal.target >= 1 ? Math.floor(goal.target) : 1,
  );
  let completions = 0n;
  let current = have;
  if (goal.rollover) {
    completions = have / target;
    current = have - completions * target;
  } else if (have >= target) {
    completions = 1n;
  }
  const reached = goal.rollover ? completions > 0n : have >= target;
  const shown = goal.rollover ? current : have < target ? have : target;
  return {
    goal,
    current: Number(shown),
    target: Number(target),
    fraction: Math.min(1, Number(shown) / Number(target)),
    reached,
    completions: Number(completions),
  };
}

/** An earning rate: how much was earned over how long. */
export interface EarningRate {
  /** Units (diamonds or minor units) per streamed hour, from recent sessions. */
  perStreamedHour: Rational;
  /** Units per calendar day over the recent window. */
  perDay: Rational;
}

const HOUR = 3_600_000;
const DAY = 86_400_000;

/**
 * The recent earning rate from sessions in a window ending at `now` (default: the last 28 days).
 * Sessions give their earnings and streamed duration.
 */
export function recentRate(
  sessions: readonly { startedAt: number; endedAt: number | null; earned: Rational }[],
  now: number,
  windowMs = 28 * DAY,
): EarningRate {
  const from = now - windowMs;
  let earned = Q.ZERO;
  let streamed = 0;
  for (const s of sessions) {
    if (s.startedAt < from || s.startedAt > now) continue;
    earned = Q.add(earned, s.earned);
    streamed += Math.max(0, (s.endedAt ?? now) - s.startedAt);
  }
  return {
    perStreamedHour: streamed > 0 ? Q.div(earned, Q.rational(streamed, HOUR)) : Q.ZERO,
    perDay: windowMs > 0 ? Q.div(earned, Q.rational(windowMs, DAY)) : Q.ZERO,
  };
}

/**
 * When the remaining amount will be earned at `perDay`; null when it will not (no recent
 * earnings). Returns `now` when nothing remains.
 */
export function projectEta(remaining: Rational, perDay: Rational, now: number): number | null {
  if (Q.compare(remaining, Q.ZERO) <= 0) return now;
  if (Q.compare(perDay, Q.ZERO) <= 0) return null;
  const days = Q.div(remaining, perDay);
  const ms = Q.roundHalfEven(Q.mul(days, Q.rational(DAY)));
  const eta = now + Number(ms);
  return Number.isSafeInteger(eta) ? eta : null;
}
