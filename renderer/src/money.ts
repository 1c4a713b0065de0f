import type { RatesDto } from '../../shared/api';
import type { Currency, Rates } from '../../shared/earnings';
import * as Q from '../../shared/rational';

/**
 * Parses what a creator types as an amount of money ("100", "99.5", "1 234,50") into exact minor
 * units; null when it is not a non-negative amount with at most the currency's decimals.
 */
export function parseMoneyInput(text: string, currency: Currency): number | null {
  let t = text.replace(/[\s\u00a0\u202f']/g, '');
  if (!t) return null;
  // "1.234,50" and "1,234.50": the last separator is the decimal point.
  const lastDot = t.lastIndexOf('.');
  const lastComma = t.lastIndexOf(',');
  if (lastComma > lastDot) t = t.replace(/\./g, '').replace(',', '.');
  else t = t.replace(/,/g, '');
  const value = Q.parseDecimal(t);
  if (!value || Q.compare(value, Q.ZERO) < 0) return null;
  const minor = Q.mul(value, Q.rational(10n ** BigInt(currency.exponent)));
  if (minor.d !== 1n || minor.n > BigInt(Number.MAX_SAFE_INTEGER)) return null;
  return Number(minor.n);
}

/** Minor units as a plain decimal for an input field ("100.00"). */
export function minorToInput(minor: number, currency: Currency): string {
  const digits = String(Math.abs(Math.trunc(minor))).padStart(currency.exponent + 1, '0');
  const whole = digits.slice(0, digits.length - currency.exponent);
  const frac = currency.exponent > 0 ? `.${digits.slice(digits.length - currency.exponent)}` : '';
  return `${minor < 0 ? '-' : ''}${whole}${frac}`;
}

/** Parses a whole, non-negative number typed by the creator ("12,500" → 12500). */
export function parseCount(text: string): number | null {
  const t = text.replace(/[\s\u00a0\u202f,.']/g, '');
  if (!/^\d{1,15}$/.test(t)) return null;
  return Number(t);
}

const parseRate = (text: string, what: string): Q.Rational => {
  const r = Q.fromJSON(text);
  if (!r) throw new Error(`The saved ${what} "${text}" is not a number.`);
  return r;
};

/** The API's rates as the earnings engine's exact rates. */
export function ratesFromDto(dto: RatesDto): Rates {
  return {
    effectiveFrom: dto.effectiveFrom,
    diamondsPerCoin: parseRate(dto.diamondsPerCoin, 'diamonds per coin'),
    usdPerDiamond: parseRate(dto.usdPerDiamond, 'USD per diamond'),
    creatorSharePercent: parseRate(dto.creatorSharePercent, 'creator share'),
    agencyCutPercent: parseRate(dto.agencyCutPercent, 'agency cut'),
    payoutFeePercent: parseRate(dto.payoutFeePercent, 'payout fee'),
    payoutFeeFixedMinor: BigInt(dto.payoutFeeFixedMinor),
    usdToLocal: parseRate(dto.usdToLocal, 'exchange rate'),
  };
}

/** An exact rate as a decimal string when that is exact, else as "n/d" (both are accepted by the API). */
export function rateToText(r: Q.Rational): string {
  const decimal = Q.toDecimal(r, 18);
  const back = Q.parseDecimal(decimal);
  return back && Q.equals(back, r) ? decimal : Q.toJSON(r);
}

/** A local date input ("2026-11-25") as the start of that day in ms. */
export function dayStartOf(value: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return null;
  const t = new Date(`${value}T00:00:00`).getTime();
  return Number.isFinite(t) ? t : null;
}

/** Today (or a time) as the value of a date input. */
export function dateInputValue(ms: number = Date.now()): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
