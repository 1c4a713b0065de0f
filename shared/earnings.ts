import * as Q from './rational';
import type { Rational } from './rational';

/**
 * The earnings engine: coins → diamonds → cash, exactly. Every rate is a setting, because
 * sources disagree about TikTok's rates and TikTok changes them; the defaults are documented in
 * docs/earnings.md. Rates form a schedule: a session is valued at the rates in force when it
 * started, so changing today's rate never rewrites history.
 */
export interface Rates {
  /** When these rates take effect, ms since epoch. The first entry of a schedule applies to all earlier time too. */
  effectiveFrom: number;
  /** Diamonds the creator receives per coin a viewer spends. Default 1 (a gift's diamond_count is its coin price). */
  diamondsPerCoin: Rational;
  /** US dollars per diamond paid to the creator. Default 0.005 (the creator's 50% of a coin's ~USD 0.01). */
  usdPerDiamond: Rational;
  /** Share of that value the creator keeps after TikTok's program rules, in percent. Default 100. */
  creatorSharePercent: Rational;
  /** An agency's cut, in percent. Default 0. */
  agencyCutPercent: Rational;
  /** Fee on each payout, in percent. Default 0. */
  payoutFeePercent: Rational;
  /** Fixed fee on each payout, in minor units of the local currency. Default 0. */
  payoutFeeFixedMinor: bigint;
  /** Units of the local currency per US dollar. Default 1. */
  usdToLocal: Rational;
}

/** The creator's currency: ISO code and the exponent of its minor unit (USD 2, JPY 0, KWD 3). */
export interface Currency {
  code: string;
  exponent: number;
}

export const USD: Currency = { code: 'USD', exponent: 2 };

/** Rates with effective dates; kept sorted by `effectiveFrom`. Never empty. */
export type RateSchedule = readonly Rates[];

export const DEFAULT_RATES: Rates = {
  effectiveFrom: 0,
  diamondsPerCoin: Q.ONE,
  usdPerDiamond: Q.rational(1, 200),
  creatorSharePercent: Q.rational(100),
  agencyCutPercent: Q.ZERO,
  payoutFeePercent: Q.ZERO,
  payoutFeeFixedMinor: 0n,
  usdToLocal: Q.ONE,
};

export const DEFAULT_SCHEDULE: RateSchedule = [DEFAULT_RATES];

/** Returns the schedule with `rates` added (replacing an entry with the same effective time). */
export function withRates(schedule: RateSchedule, rates: Rates): RateSchedule {
  return [...schedule.filter((r) => r.effectiveFrom !== rates.effectiveFrom), rates].sort(
    (a, b) => a.effectiveFrom - b.effectiveFrom,
  );
}

/**
 * The rates in force at `time`: the latest entry that took effect at or before it (the earliest
 * entry for times before the schedule). Does not rely on the schedule being sorted, since lists
 * arrive from the API and the database in whatever order they were read.
 */
export function ratesAt(schedule: RateSchedule, time: number): Rates {
  let inForce: Rates | undefined;
  let earliest: Rates | undefined;
  for (const r of schedule) {
    if (!earliest || r.effectiveFrom < earliest.effectiveFrom) earliest = r;
    if (r.effectiveFrom <= time && (!inForce || r.effectiveFrom >= inForce.effectiveFrom))
      inForce = r;
  }
  return inForce ?? earliest ?? DEFAULT_RATES;
}

const HUNDRED = Q.rational(100);
const percentFactor = (p: Rational): Rational => Q.div(p, HUNDRED);

/** Diamonds the creator receives for `coins` (exact; may be fractional when the rate is). */
export const coinsToDiamonds = (coins: bigint | number, rates: Rates): Rational =>
  Q.mul(Q.rational(coins), rates.diamondsPerCoin);

/** Local-currency minor units per diamond at these rates (exact). */
export function minorPerDiamond(rates: Rates, currency: Currency): Rational {
  const share = percentFactor(rates.creatorSharePercent);
  const kept = Q.sub(Q.ONE, percentFactor(rates.agencyCutPercent));
  const scale = Q.rational(10n ** BigInt(currency.exponent));
  return Q.mul(Q.mul(Q.mul(Q.mul(rates.usdPerDiamond, share), kept), rates.usdToLocal), scale);
}

/** Cash for `diamonds`, in exact minor units of the local currency, before payout fees. */
export const diamondsToMinor = (diamonds: Rational, rates: Rates, currency: Currency): Rational =>
  Q.mul(diamonds, minorPerDiamond(rates, currency));

/** Cash for `coins` of gifts, in exact minor units, at the given rates. */
export const coinsToMinor = (coins: bigint | number, rates: Rates, currency: Currency): Rational =>
  diamondsToMinor(coinsToDiamonds(coins, rates), rates, currency);

/** What a payout of `grossMinor` leaves after the payout fees; never below zero. */
export function payoutNet(grossMinor: Rational, rates: Rates): Rational {
  const afterPercent = Q.mul(grossMinor, Q.sub(Q.ONE, percentFactor(rates.payoutFeePercent)));
  const net = Q.sub(afterPercent, Q.rational(rates.payoutFeeFixedMinor));
  return Q.compare(net, Q.ZERO) < 0 ? Q.ZERO : net;
}

/**
 * Rounds a sequence of exact amounts to whole minor units so that every prefix sums to the rounded
 * prefix total (running-total rounding). Each item stays within one minor unit of its exact value,
 * and the items of any contiguous range add up exactly to the rounded total of that range's ends,
 * so per-session cash always sums to the cash of the whole period.
 */
export function roundRunning(exact: readonly Rational[], before: Rational = Q.ZERO): bigint[] {
  const out: bigint[] = [];
  let acc = before;
  let prevRounded = Q.roundHalfEven(acc);
  for (const x of exact) {
    acc = Q.add(acc, x);
    const r = Q.roundHalfEven(acc);
    out.push(r - prevRounded);
    prevRounded = r;
  }
  return out;
}

/** Minor units → a localized money string, e.g. 12345n USD → "$123.45". Rounding never happens here. */
export function formatMinor(minor: bigint, currency: Currency, locale?: string): string {
  const value = Q.toDecimal(Q.rational(minor, 10n ** BigInt(currency.exponent)), currency.exponent);
  const fmt = new Intl.NumberFormat(locale, {
    style: 'currency',
    currency: currency.code,
    minimumFractionDigits: currency.exponent,
    maximumFractionDigits: currency.exponent,
  });
  // Intl formats decimal strings exactly (no float round-trip).
  return fmt.format(value as unknown as number);
}

/** An exact amount → a localized money string, rounded half-even to the minor unit. */
export const formatExact = (exactMinor: Rational, currency: Currency, locale?: string): string =>
  formatMinor(Q.roundHalfEven(exactMinor), currency, locale);

/** A withdrawal the creator recorded: diamonds taken out and the cash that arrived. */
export interface Withdrawal {
  id: string;
  time: number;
  diamonds: number;
  /** Cash received, in minor units of the local currency (after fees). */
  receivedMinor: bigint;
  /** Fees the payout cost, in minor units. */
  feeMinor: bigint;
}

/**
 * The cash per diamond the creator's recorded withdrawals imply: received and gross (received +
 * fees), in minor units per diamond. Null with no withdrawal.
 */
export function effectiveRate(
  withdrawals: readonly Withdrawal[],
): { receivedPerDiamond: Rational; grossPerDiamond: Rational } | null {
  let diamonds = 0n;
  let received = 0n;
  let fees = 0n;
  for (const w of withdrawals) {
    diamonds += BigInt(w.diamonds);
    received += w.receivedMinor;
    fees += w.feeMinor;
  }
  if (diamonds === 0n) return null;
  return {
    receivedPerDiamond: Q.rational(received, diamonds),
    grossPerDiamond: Q.rational(received + fees, diamonds),
  };
}

/**
 * The USD-per-diamond rate that makes `minorPerDiamond(rates)` equal to an observed gross rate,
 * keeping the other rates: what "use this rate from now on" writes into the schedule.
 */
export function usdPerDiamondFor(
  observedMinorPerDiamond: Rational,
  rates: Rates,
  currency: Currency,
): Rational {
  const unit = minorPerDiamond({ ...rates, usdPerDiamond: Q.ONE }, currency);
  if (Q.isZero(unit)) return rates.usdPerDiamond;
  return Q.div(observedMinorPerDiamond, unit);
}
