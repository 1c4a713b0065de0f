import type { RatesDto } from '../../../shared/api';
import type { Rates } from '../../../shared/earnings';
import * as Q from '../../../shared/rational';
import { fail, ok, type Result } from '../../../shared/result';

/** Rates → the API's exact string form ("n/d" or decimals); also how the ledger stores them. */
export function ratesToDto(r: Rates): RatesDto {
  return {
    effectiveFrom: r.effectiveFrom,
    diamondsPerCoin: Q.toJSON(r.diamondsPerCoin),
    usdPerDiamond: Q.toJSON(r.usdPerDiamond),
    creatorSharePercent: Q.toJSON(r.creatorSharePercent),
    agencyCutPercent: Q.toJSON(r.agencyCutPercent),
    payoutFeePercent: Q.toJSON(r.payoutFeePercent),
    payoutFeeFixedMinor: Number(r.payoutFeeFixedMinor),
    usdToLocal: Q.toJSON(r.usdToLocal),
  };
}

/** Parses rates from their exact string form; refuses anything that is not an exact number. */
export function ratesFromDto(d: RatesDto): Result<Rates> {
  const fields = [
    'diamondsPerCoin',
    'usdPerDiamond',
    'creatorSharePercent',
    'agencyCutPercent',
    'payoutFeePercent',
    'usdToLocal',
  ] as const;
  const parsed: Partial<Record<(typeof fields)[number], Q.Rational>> = {};
  for (const f of fields) {
    const value = Q.fromJSON(d[f]);
    if (!value || value.n < 0n) {
      return fail('invalid_request', `${f} must be a non-negative exact number such as "0.005".`);
    }
    parsed[f] = value;
  }
  const pct = ['creatorSharePercent', 'agencyCutPercent', 'payoutFeePercent'] as const;
  for (const f of pct) {
    const v = parsed[f];
    if (v && Q.compare(v, Q.rational(100)) > 0) {
      return fail('invalid_request', `${f} cannot be more than 100.`);
    }
  }
  if (!Number.isSafeInteger(d.payoutFeeFixedMinor) || d.payoutFeeFixedMinor < 0) {
    return fail('invalid_request', 'payoutFeeFixedMinor must be a non-negative integer.');
  }
  return ok({
    effectiveFrom: d.effectiveFrom,
    diamondsPerCoin: parsed.diamondsPerCoin ?? Q.ONE,
    usdPerDiamond: parsed.usdPerDiamond ?? Q.ZERO,
    creatorSharePercent: parsed.creatorSharePercent ?? Q.ZERO,
    agencyCutPercent: parsed.agencyCutPercent ?? Q.ZERO,
    payoutFeePercent: parsed.payoutFeePercent ?? Q.ZERO,
    payoutFeeFixedMinor: BigInt(d.payoutFeeFixedMinor),
    usdToLocal: parsed.usdToLocal ?? Q.ONE,
  });
}

/** Parsed stored rates by their text: a ledger holds only a handful of distinct schedules. */
const parsedRates = new Map<string, Rates>();

/** Parses the stored JSON form; the ledger wrote it, so a failure is corruption. */
export function ratesFromJson(text: string): Rates {
  const known = parsedRates.get(text);
  if (known) return known;
  const r = ratesFromDto(JSON.parse(text) as RatesDto);
  if (!r.ok) throw new Error(`Stored rates are corrupt: ${r.error.message}`);
  if (parsedRates.size >= 256) parsedRates.clear();
  parsedRates.set(text, r.value);
  return r.value;
}

/** The stored JSON form of rates. */
export const ratesToJson = (r: Rates): string => JSON.stringify(ratesToDto(r));
