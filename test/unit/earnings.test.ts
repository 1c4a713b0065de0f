import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RATES,
  DEFAULT_SCHEDULE,
  USD,
  coinsToDiamonds,
  coinsToMinor,
  diamondsToMinor,
  effectiveRate,
  formatExact,
  formatMinor,
  minorPerDiamond,
  payoutNet,
  ratesAt,
  roundRunning,
  usdPerDiamondFor,
  withRates,
  type Currency,
  type Rates,
} from '../../shared/earnings';
import * as Q from '../../shared/rational';

const q = (n: bigint | number, d: bigint | number = 1n): Q.Rational => Q.rational(n, d);
const JPY: Currency = { code: 'JPY', exponent: 0 };
const KWD: Currency = { code: 'KWD', exponent: 3 };
const EUR: Currency = { code: 'EUR', exponent: 2 };
const rates = (over: Partial<Rates> = {}): Rates => ({ ...DEFAULT_RATES, ...over });

describe('defaults', () => {
  it('1 diamond per coin and USD 0.005 per diamond: 1,000 coins are 500 cents', () => {
    expect(DEFAULT_RATES.diamondsPerCoin).toEqual(Q.ONE);
    expect(DEFAULT_RATES.usdPerDiamond).toEqual(q(1, 200));
    expect(DEFAULT_RATES.creatorSharePercent).toEqual(q(100));
    expect(DEFAULT_RATES.agencyCutPercent).toEqual(Q.ZERO);
    expect(DEFAULT_RATES.payoutFeePercent).toEqual(Q.ZERO);
    expect(DEFAULT_RATES.payoutFeeFixedMinor).toBe(0n);
    expect(DEFAULT_RATES.usdToLocal).toEqual(Q.ONE);
    expect(coinsToDiamonds(1000, DEFAULT_RATES)).toEqual(q(1000));
    expect(minorPerDiamond(DEFAULT_RATES, USD)).toEqual(q(1, 2));
    expect(coinsToMinor(1000, DEFAULT_RATES, USD)).toEqual(q(500));
    expect(coinsToMinor(1, DEFAULT_RATES, USD)).toEqual(q(1, 2));
    expect(DEFAULT_SCHEDULE).toEqual([DEFAULT_RATES]);
  });
});

describe('conversion', () => {
  it('applies creator share, agency cut, exchange rate and the minor-unit exponent', () => {
    // A Lion (29,999 coins) with 53% scaled rewards, a 20% agency cut, in euros at 0.92 per dollar.
    const r = rates({
      creatorSharePercent: q(53),
      agencyCutPercent: q(20),
      usdToLocal: q(92, 100),
    });
    // 29999 × 0.005 × 0.53 × 0.8 × 0.92 × 100 = 5851.00496 cents exactly
    expect(coinsToMinor(29999, r, EUR)).toEqual(q(585100496n, 100_000n));
    expect(formatExact(coinsToMinor(29999, r, EUR), EUR, 'en-US')).toBe('€58.51');
    expect(diamondsToMinor(q(29999), r, EUR)).toEqual(coinsToMinor(29999, r, EUR));
  });

  it('handles currencies without and with three minor digits', () => {
    const yen = rates({ usdToLocal: q(150) });
    expect(minorPerDiamond(yen, JPY)).toEqual(q(3, 4));
    expect(coinsToMinor(1000, yen, JPY)).toEqual(q(750));
    expect(minorPerDiamond(rates({ usdToLocal: q(307, 1000) }), KWD)).toEqual(q(307, 200));
  });

  it('fractional diamond rates give exact fractional diamonds', () => {
    expect(coinsToDiamonds(3, rates({ diamondsPerCoin: q(1, 2) }))).toEqual(q(3, 2));
    expect(coinsToDiamonds(10n ** 30n, DEFAULT_RATES)).toEqual(q(10n ** 30n));
  });

  it('is exact for huge coin counts where a float would drift', () => {
    const coins = 10n ** 30n + 1n;
    const minor = coinsToMinor(coins, DEFAULT_RATES, USD);
    expect(minor).toEqual(q(coins, 2n));
    expect(Q.roundHalfEven(minor)).toBe(5n * 10n ** 29n); // 5e29 + 0.5 → ties to even
    const float = Number(coins) * 0.005 * 100;
    expect(BigInt(Math.round(float))).not.toBe(Q.roundHalfEven(minor));
    // 0.1 + 0.2 style drift never happens: 3 × 1/10 is exactly 3/10.
    const tenth = rates({ usdPerDiamond: q(1, 1000) });
    expect(coinsToMinor(3, tenth, USD)).toEqual(q(3, 10));
  });

  it('payout fees: percent, then fixed, never below zero', () => {
    const r = rates({ payoutFeePercent: q(2), payoutFeeFixedMinor: 25n });
    expect(payoutNet(q(10_000), r)).toEqual(q(9775));
    expect(payoutNet(q(20), r)).toEqual(Q.ZERO);
    expect(payoutNet(q(1001, 2), rates())).toEqual(q(1001, 2));
  });
});

describe('rate schedule', () => {
  const jan = Date.UTC(2025, 0, 1);
  const jun = Date.UTC(2025, 5, 1);
  const a = rates({ effectiveFrom: 0 });
  const b = rates({ effectiveFrom: jan, creatorSharePercent: q(53) });
  const c = rates({ effectiveFrom: jun, creatorSharePercent: q(40) });

  it('picks the entry in force, the first one for earlier times', () => {
    const schedule = [a, b, c];
    expect(ratesAt(schedule, -5)).toBe(a);
    expect(ratesAt(schedule, jan - 1)).toBe(a);
    expect(ratesAt(schedule, jan)).toBe(b);
    expect(ratesAt(schedule, jun - 1)).toBe(b);
    expect(ratesAt(schedule, jun + 1e9)).toBe(c);
    expect(ratesAt([], jan)).toBe(DEFAULT_RATES);
    expect(ratesAt([b, c], 0)).toBe(b);
  });

  it('does not depend on the order of the list it is given', () => {
    expect(ratesAt([c, a, b], jan + 1)).toBe(b);
    expect(ratesAt([c, b, a], jun)).toBe(c);
    expect(ratesAt([c, b], 0)).toBe(b);
  });

  it('withRates adds in order and replaces an entry with the same effective time', () => {
    const s = withRates(withRates(withRates(DEFAULT_SCHEDULE, c), b), a);
    expect(s).toEqual([a, b, c]);
    const b2 = rates({ effectiveFrom: jan, creatorSharePercent: q(10) });
    expect(withRates(s, b2)).toEqual([a, b2, c]);
  });

  it('adding a rate effective today changes no earlier session (property)', () => {
    const entry = fc.record({
      effectiveFrom: fc.integer({ min: 0, max: 10 ** 12 }),
      share: fc.integer({ min: 0, max: 100 }),
    });
    fc.assert(
      fc.property(
        fc.array(entry, { minLength: 1, maxLength: 6 }),
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 10 ** 12 }), coins: fc.nat(10 ** 9) }), {
          maxLength: 20,
        }),
        fc.integer({ min: 0, max: 10 ** 12 }),
        fc.integer({ min: 0, max: 100 }),
        (entries, sessions, today, share) => {
          let schedule = DEFAULT_SCHEDULE;
          for (const e of entries)
            schedule = withRates(
              schedule,
              rates({ effectiveFrom: e.effectiveFrom, creatorSharePercent: q(e.share) }),
            );
          const value = (s: { at: number; coins: number }, sched: readonly Rates[]): Q.Rational =>
            coinsToMinor(s.coins, ratesAt(sched, s.at), USD);
          const before = sessions.map((s) => value(s, schedule));
          const later = withRates(
            schedule,
            rates({ effectiveFrom: today, creatorSharePercent: q(share) }),
          );
          sessions.forEach((s, i) => {
            if (s.at < today) expect(value(s, later)).toEqual(before[i]);
            else expect(ratesAt(later, s.at).effectiveFrom).toBeGreaterThanOrEqual(today);
          });
        },
      ),
    );
  });
});

// ---------------------------------------------------------------------------------------------
// Money properties.

const arbPercent = fc.integer({ min: 0, max: 10_000 }).map((n) => q(n, 100));
const arbPositive = fc
  .tuple(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 1_000_000 }))
  .map(([n, d]) => q(n, d));
const arbRates: fc.Arbitrary<Rates> = fc.record({
  effectiveFrom: fc.constant(0),
  diamondsPerCoin: arbPositive,
  usdPerDiamond: arbPositive,
  creatorSharePercent: arbPercent,
  agencyCutPercent: arbPercent,
  payoutFeePercent: arbPercent,
  payoutFeeFixedMinor: fc.bigInt({ min: 0n, max: 10_000n }),
  usdToLocal: arbPositive,
});
const arbCurrency: fc.Arbitrary<Currency> = fc.constantFrom(USD, JPY, KWD, EUR);
const arbCoins = fc.bigInt({ min: 0n, max: 10n ** 18n });

describe('money properties', () => {
  it('per-session running-rounded cash sums to the rounded cash of the whole range, for any split', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(arbCoins, arbRates), { minLength: 1, maxLength: 40 }),
        fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
        arbCurrency,
        (gifts, cuts, currency) => {
          // Group consecutive gifts into sessions wherever `cuts` says so; each gift is valued at
          // its own rates (a session's rates are whatever was in force, they may differ).
          const sessions: Q.Rational[] = [];
          let acc = Q.ZERO;
          gifts.forEach(([coins, r], i) => {
            acc = Q.add(acc, coinsToMinor(coins, r, currency));
            if (cuts[i] || i === gifts.length - 1) {
              sessions.push(acc);
              acc = Q.ZERO;
            }
          });
          const total = Q.sum(sessions);
          const cash = roundRunning(sessions);
          expect(cash.reduce((a, b) => a + b, 0n)).toBe(Q.roundHalfEven(total));
          // Each session's cash is within one minor unit of its exact value.
          cash.forEach((c, i) => {
            const diff = Q.sub(q(c), sessions[i] ?? Q.ZERO);
            expect(Q.compare(diff, q(1))).toBeLessThanOrEqual(0);
            expect(Q.compare(diff, q(-1))).toBeGreaterThanOrEqual(0);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('any contiguous range of sessions adds up to that range rounded after what came before', () => {
    fc.assert(
      fc.property(
        fc.array(arbPositive, { minLength: 1, maxLength: 30 }),
        fc.nat(),
        fc.nat(),
        (amounts, x, y) => {
          const cash = roundRunning(amounts);
          const i = x % amounts.length;
          const j = i + (y % (amounts.length - i));
          const before = Q.sum(amounts.slice(0, i));
          const range = Q.sum(amounts.slice(i, j + 1));
          const rangeCash = cash.slice(i, j + 1).reduce((a, b) => a + b, 0n);
          expect(rangeCash).toBe(roundRunning([range], before)[0]);
          // And resuming the rounding mid-way gives the same items as rounding from the start.
          expect(roundRunning(amounts.slice(i), before)).toEqual(cash.slice(i));
        },
      ),
    );
  });

  it('roundRunning examples: a third of a cent three times is one cent', () => {
    expect(roundRunning([q(1, 3), q(1, 3), q(1, 3)])).toEqual([0n, 1n, 0n]);
    expect(roundRunning([q(1, 2), q(1, 2), q(1, 2), q(1, 2)])).toEqual([0n, 1n, 1n, 0n]);
    expect(roundRunning([])).toEqual([]);
    expect(roundRunning([q(5, 2)], q(1, 2))).toEqual([3n]);
  });

  it('conversion is monotonic in coins and in every rate', () => {
    fc.assert(
      fc.property(
        arbCoins,
        arbCoins,
        arbRates,
        arbPositive,
        arbCurrency,
        (c1, c2, r, bump, cur) => {
          const value = (coins: bigint, rr: Rates): Q.Rational => coinsToMinor(coins, rr, cur);
          const [lo, hi] = c1 <= c2 ? [c1, c2] : [c2, c1];
          const v = value(hi, r);
          expect(Q.compare(value(lo, r), v)).toBeLessThanOrEqual(0);
          expect(Q.roundHalfEven(value(lo, r)) <= Q.roundHalfEven(v)).toBe(true);
          const up = (x: Q.Rational): Q.Rational => Q.add(x, bump);
          const capped = (x: Q.Rational): Q.Rational =>
            Q.compare(up(x), q(100)) > 0 ? q(100) : up(x);
          // Higher rates never pay less...
          for (const rr of [
            { ...r, diamondsPerCoin: up(r.diamondsPerCoin) },
            { ...r, usdPerDiamond: up(r.usdPerDiamond) },
            { ...r, creatorSharePercent: capped(r.creatorSharePercent) },
            { ...r, usdToLocal: up(r.usdToLocal) },
          ])
            expect(Q.compare(value(hi, rr), v)).toBeGreaterThanOrEqual(0);
          // ...and a bigger agency cut or payout fee never pays more.
          expect(
            Q.compare(value(hi, { ...r, agencyCutPercent: capped(r.agencyCutPercent) }), v),
          ).toBeLessThanOrEqual(0);
          const gross = v;
          const net = payoutNet(gross, r);
          expect(
            Q.compare(
              payoutNet(gross, { ...r, payoutFeePercent: capped(r.payoutFeePercent) }),
              net,
            ),
          ).toBeLessThanOrEqual(0);
          expect(
            Q.compare(
              payoutNet(gross, { ...r, payoutFeeFixedMinor: r.payoutFeeFixedMinor + 1n }),
              net,
            ),
          ).toBeLessThanOrEqual(0);
          expect(Q.compare(net, Q.ZERO)).toBeGreaterThanOrEqual(0);
          expect(Q.compare(net, gross)).toBeLessThanOrEqual(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('conversion is additive: two gifts are worth the same as one gift of their sum', () => {
    fc.assert(
      fc.property(arbCoins, arbCoins, arbRates, arbCurrency, (a, b, r, cur) => {
        expect(Q.add(coinsToMinor(a, r, cur), coinsToMinor(b, r, cur))).toEqual(
          coinsToMinor(a + b, r, cur),
        );
      }),
    );
  });
});

describe('formatting', () => {
  it('formats minor units exactly, at the edge only', () => {
    expect(formatMinor(12345n, USD, 'en-US')).toBe('$123.45');
    expect(formatMinor(-5n, USD, 'en-US')).toBe('-$0.05');
    expect(formatMinor(0n, USD, 'en-US')).toBe('$0.00');
    expect(formatMinor(1235n, JPY, 'en-US')).toBe('¥1,235');
    expect(formatMinor(1234n, KWD, 'en-US')).toBe('KWD\u00a01.234');
    expect(formatMinor(123456789012345678901n, USD, 'en-US')).toBe('$1,234,567,890,123,456,789.01');
    expect(formatMinor(12345n, EUR, 'de-DE')).toBe('123,45\u00a0€');
  });

  it('rounds exact amounts half-even when formatting', () => {
    expect(formatExact(q(1, 2), USD, 'en-US')).toBe('$0.00');
    expect(formatExact(q(3, 2), USD, 'en-US')).toBe('$0.02');
    expect(formatExact(q(5, 2), USD, 'en-US')).toBe('$0.02');
    expect(formatExact(q(-5, 2), USD, 'en-US')).toBe('-$0.02');
    expect(formatExact(q(2501, 1000), USD, 'en-US')).toBe('$0.03');
  });
});

describe('withdrawals', () => {
  it('the effective rate is what arrived per diamond, gross adds the fees back', () => {
    expect(effectiveRate([])).toBeNull();
    expect(
      effectiveRate([{ id: 'w', time: 0, diamonds: 0, receivedMinor: 0n, feeMinor: 0n }]),
    ).toBeNull();
    const r = effectiveRate([
      { id: 'w1', time: 1, diamonds: 10_000, receivedMinor: 4_700n, feeMinor: 300n },
      { id: 'w2', time: 2, diamonds: 20_000, receivedMinor: 9_500n, feeMinor: 500n },
    ]);
    expect(r).toEqual({ receivedPerDiamond: q(14_200, 30_000), grossPerDiamond: q(1, 2) });
  });

  it('usdPerDiamondFor inverts minorPerDiamond', () => {
    const r = rates({
      creatorSharePercent: q(53),
      agencyCutPercent: q(10),
      usdToLocal: q(92, 100),
    });
    const observed = q(47, 100);
    const usd = usdPerDiamondFor(observed, r, EUR);
    expect(minorPerDiamond({ ...r, usdPerDiamond: usd }, EUR)).toEqual(observed);
    const zeroShare = rates({ creatorSharePercent: Q.ZERO });
    expect(usdPerDiamondFor(observed, zeroShare, USD)).toBe(zeroShare.usdPerDiamond);
    fc.assert(
      fc.property(arbRates, arbPositive, arbCurrency, (rr, obs, cur) => {
        const u = usdPerDiamondFor(obs, rr, cur);
        if (!Q.isZero(minorPerDiamond({ ...rr, usdPerDiamond: Q.ONE }, cur)))
          expect(minorPerDiamond({ ...rr, usdPerDiamond: u }, cur)).toEqual(obs);
      }),
    );
  });
});
