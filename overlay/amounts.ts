import { formatMinor, type Currency } from '../shared/earnings';
import type { GoalProgress } from '../shared/goals';
import type { LiveSession } from '../shared/liveState';
import * as Q from '../shared/rational';

/**
 * Amounts as the overlay prints them. Coins are whole numbers; diamonds use the session's exact
 * rate and round down only here, at the edge; cash goals are minor units formatted exactly.
 */

/** How amounts are shown: the unit and the session's coin→diamond rate. */
export interface AmountFormat {
  unit: 'coins' | 'diamonds';
  diamondsPerCoin: Q.Rational;
  locale: string | undefined;
}

/** The format for a unit and the live session (rate 1 when no session is known yet). */
export function amountFormat(
  unit: 'coins' | 'diamonds',
  session: LiveSession | null,
  locale?: string,
): AmountFormat {
  const rate = session ? Q.fromJSON(session.diamondsPerCoin) : null;
  return { unit, diamondsPerCoin: rate ?? Q.ONE, locale };
}

/** Whole diamonds (rounded down) or coins, as a number to print. */
export function amountValue(coins: number, f: AmountFormat): bigint {
  if (f.unit === 'coins') return BigInt(Math.trunc(coins));
  return Q.floor(Q.mul(Q.rational(Math.trunc(coins)), f.diamondsPerCoin));
}

const formats = new Map<string, Intl.NumberFormat>();

/** "1,250" in the page's locale. Formatters are cached: building one costs more than a frame's share. */
export function formatCount(n: number | bigint, locale?: string): string {
  const id = locale ?? '';
  let f = formats.get(id);
  if (!f) {
    f = new Intl.NumberFormat(locale);
    formats.set(id, f);
  }
  return f.format(n);
}

/** "1,250 coins" / "625 diamonds". */
export function formatAmount(coins: number, f: AmountFormat): string {
  const v = amountValue(coins, f);
  const word =
    f.unit === 'coins' ? (v === 1n ? 'coin' : 'coins') : v === 1n ? 'diamond' : 'diamonds';
  return `${formatCount(v, f.locale)} ${word}`;
}

/** A goal's current and target amounts, in its own unit. */
export function formatGoalAmounts(
  g: GoalProgress,
  currency: Currency,
  locale?: string,
): { current: string; target: string } {
  if (g.goal.kind === 'cash') {
    return {
      current: formatMinor(BigInt(Math.trunc(g.current)), currency, locale),
      target: formatMinor(BigInt(Math.trunc(g.target)), currency, locale),
    };
  }
  return { current: formatCount(g.current, locale), target: formatCount(g.target, locale) };
}
