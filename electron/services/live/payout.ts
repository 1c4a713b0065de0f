import type { PayoutStatus, WithdrawalDto } from '../../../shared/api';
import {
  coinsToDiamonds,
  effectiveRate,
  minorPerDiamond,
  type Currency,
  type Rates,
} from '../../../shared/earnings';
import {
  balance,
  goalProgress,
  projectEta,
  recentRate,
  type Goal,
  type GoalProgress,
} from '../../../shared/goals';
import * as Q from '../../../shared/rational';
import type { Rational } from '../../../shared/rational';
import type { CashBook } from '../ledger/cashBook';
import type { LedgerDb } from '../ledger/db';
import { prepared } from '../ledger/statements';

/** What payout numbers are computed from. */
export interface PayoutInputs {
  db: LedgerDb;
  cash: CashBook;
  currency: Currency;
  /** The rates in force now (for valuing the diamond balance in cash). */
  currentRates: Rates;
  goal: Goal | null;
  withdrawals: readonly WithdrawalDto[];
  now: number;
}

const earnedDiamonds = (cash: CashBook): Rational => cash.totalDiamonds();

const withdrawnDiamonds = (ws: readonly WithdrawalDto[]): Rational =>
  Q.rational(ws.reduce((sum, w) => sum + BigInt(w.diamonds), 0n));

/**
 * The balance a goal measures: diamonds earned (counted sessions only) minus diamonds withdrawn;
 * a cash goal values that balance at the rates in force now.
 */
function goalAmount(inputs: PayoutInputs, goal: Goal, balanceDiamonds: Rational): Rational {
  return goal.kind === 'diamonds'
    ? balanceDiamonds
    : Q.mul(balanceDiamonds, minorPerDiamond(inputs.currentRates, inputs.currency));
}

/** Progress of the active goal, or null without one. */
export function currentGoalProgress(inputs: PayoutInputs): GoalProgress | null {
  if (!inputs.goal) return null;
  const bal = balance(earnedDiamonds(inputs.cash), withdrawnDiamonds(inputs.withdrawals));
  return goalProgress(inputs.goal, goalAmount(inputs, inputs.goal, bal));
}

const DAY = 86_400_000;

/** Balance, goal, projection and the rate withdrawals imply. */
export function payoutStatus(inputs: PayoutInputs): PayoutStatus {
  const earned = earnedDiamonds(inputs.cash);
  const withdrawn = withdrawnDiamonds(inputs.withdrawals);
  const bal = balance(earned, withdrawn);
  const mpd = minorPerDiamond(inputs.currentRates, inputs.currency);
  const windowFrom = inputs.now - 28 * DAY;
  const recent = prepared<
    [number],
    {
      id: number;
      started_at: number;
      ended_at: number | null;
      last_event_at: number;
      coins: number;
      rates: string;
    }
  >(
    inputs.db,
    'SELECT id, started_at, ended_at, last_event_at, coins, rates FROM sessions WHERE simulated = 0 AND started_at >= ?',
  ).all(windowFrom);
  const cashRate = recentRate(
    recent.map((s) => ({
      startedAt: s.started_at,
      endedAt: s.ended_at ?? s.last_event_at,
      earned: inputs.cash.exact(s.id),
    })),
    inputs.now,
  );
  const entries = new Map(inputs.cash.sessions().map((s) => [s.id, s]));
  const diamondRate = recentRate(
    recent.map((s) => {
      const e = entries.get(s.id);
      return {
        startedAt: s.started_at,
        endedAt: s.ended_at ?? s.last_event_at,
        earned: e ? coinsToDiamonds(e.coins, e.rates) : Q.ZERO,
      };
    }),
    inputs.now,
  );
  const goal = inputs.goal ? goalProgress(inputs.goal, goalAmount(inputs, inputs.goal, bal)) : null;
  let projectedAt: number | null = null;
  if (goal && inputs.goal) {
    const remaining = Q.rational(Math.max(0, goal.target - goal.current));
    projectedAt = projectEta(
      remaining,
      inputs.goal.kind === 'diamonds' ? diamondRate.perDay : cashRate.perDay,
      inputs.now,
    );
  }
  const implied = effectiveRate(
    inputs.withdrawals.map((w) => ({
      ...w,
      receivedMinor: BigInt(w.receivedMinor),
      feeMinor: BigInt(w.feeMinor),
    })),
  );
  const cash = (minor: bigint) => ({ currency: inputs.currency.code, minor: Number(minor) });
  return {
    currency: inputs.currency,
    earnedDiamonds: Number(Q.floor(earned)),
    withdrawnDiamonds: Number(withdrawn.n),
    balanceDiamonds: Number(Q.floor(bal)),
    balanceCash: cash(Q.roundHalfEven(Q.mul(bal, mpd))),
    goal,
    projectedAt,
    perStreamedHour: cash(Q.roundHalfEven(cashRate.perStreamedHour)),
    perDay: cash(Q.roundHalfEven(cashRate.perDay)),
    configuredRate: Q.toDecimal(mpd),
    effectiveRate: implied ? Q.toDecimal(implied.grossPerDiamond) : null,
  };
}
