import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Q from '../../shared/rational';

const q = (n: bigint | number, d: bigint | number = 1n): Q.Rational => Q.rational(n, d);

/** Any rational with a bounded numerator and a positive denominator. */
const arbRational = fc
  .tuple(
    fc.bigInt({ min: -(10n ** 30n), max: 10n ** 30n }),
    fc.bigInt({ min: 1n, max: 10n ** 12n }),
  )
  .map(([n, d]) => Q.rational(n, d));

describe('rational construction', () => {
  it('keeps fractions in lowest terms with a positive denominator', () => {
    expect(q(6, 4)).toEqual({ n: 3n, d: 2n });
    expect(q(3, -6)).toEqual({ n: -1n, d: 2n });
    expect(q(-3, -6)).toEqual({ n: 1n, d: 2n });
    expect(q(0, -7)).toEqual({ n: 0n, d: 1n });
  });

  it('refuses a zero denominator and unsafe or fractional numbers', () => {
    expect(() => q(1, 0)).toThrow(RangeError);
    expect(() => q(0.5)).toThrow(RangeError);
    expect(() => q(Number.MAX_SAFE_INTEGER + 1)).toThrow(RangeError);
    expect(() => q(Number.NaN)).toThrow(RangeError);
    expect(q(Number.MAX_SAFE_INTEGER).n).toBe(BigInt(Number.MAX_SAFE_INTEGER));
  });
});

describe('rational arithmetic', () => {
  it('adds, subtracts, multiplies and divides exactly', () => {
    expect(Q.add(q(1, 3), q(1, 6))).toEqual(q(1, 2));
    expect(Q.sub(q(1, 3), q(1, 2))).toEqual(q(-1, 6));
    expect(Q.mul(q(2, 3), q(9, 4))).toEqual(q(3, 2));
    expect(Q.div(q(1, 200), q(1, 2))).toEqual(q(1, 100));
    expect(() => Q.div(Q.ONE, Q.ZERO)).toThrow(RangeError);
    expect(Q.sum([q(1, 2), q(1, 3), q(1, 6)])).toEqual(Q.ONE);
    expect(Q.sum([])).toEqual(Q.ZERO);
  });

  it('compares and tests equality', () => {
    expect(Q.compare(q(1, 3), q(1, 2))).toBe(-1);
    expect(Q.compare(q(2, 4), q(1, 2))).toBe(0);
    expect(Q.compare(q(-1, 2), q(-2, 3))).toBe(1);
    expect(Q.equals(q(2, 4), q(1, 2))).toBe(true);
    expect(Q.equals(q(1, 3), q(1, 2))).toBe(false);
    expect(Q.isZero(q(0, 5))).toBe(true);
    expect(Q.isZero(q(1, 5))).toBe(false);
  });

  it('obeys the field laws (property)', () => {
    fc.assert(
      fc.property(arbRational, arbRational, arbRational, (a, b, c) => {
        expect(Q.add(a, b)).toEqual(Q.add(b, a));
        expect(Q.mul(a, b)).toEqual(Q.mul(b, a));
        expect(Q.add(Q.add(a, b), c)).toEqual(Q.add(a, Q.add(b, c)));
        expect(Q.mul(a, Q.add(b, c))).toEqual(Q.add(Q.mul(a, b), Q.mul(a, c)));
        expect(Q.sub(Q.add(a, b), b)).toEqual(a);
        if (!Q.isZero(b)) expect(Q.mul(Q.div(a, b), b)).toEqual(a);
        expect(Q.compare(a, b)).toBe(-Q.compare(b, a) || 0);
      }),
    );
  });
});

describe('roundHalfEven', () => {
  it.each([
    [q(5, 2), 2n],
    [q(7, 2), 4n],
    [q(1, 2), 0n],
    [q(3, 2), 2n],
    [q(-1, 2), 0n],
    [q(-3, 2), -2n],
    [q(-5, 2), -2n],
    [q(-7, 2), -4n],
    [q(26, 10), 3n],
    [q(24, 10), 2n],
    [q(-26, 10), -3n],
    [q(-24, 10), -2n],
    [q(-251, 100), -3n],
    [q(249, 100), 2n],
    [q(7), 7n],
    [q(-7), -7n],
    [Q.ZERO, 0n],
  ])('rounds %o to %s', (value, expected) => {
    expect(Q.roundHalfEven(value)).toBe(expected);
  });

  it('is within one half, breaks ties to even, and is odd-symmetric (property)', () => {
    fc.assert(
      fc.property(arbRational, (a) => {
        const r = Q.roundHalfEven(a);
        const diff = Q.sub(q(r), a);
        const half = q(1, 2);
        expect(Q.compare(diff, half)).toBeLessThanOrEqual(0);
        expect(Q.compare(diff, Q.sub(Q.ZERO, half))).toBeGreaterThanOrEqual(0);
        if (Q.equals(diff, half) || Q.equals(diff, q(-1, 2))) expect(r % 2n).toBe(0n);
        expect(Q.roundHalfEven(Q.sub(Q.ZERO, a))).toBe(-r);
      }),
    );
  });

  it('floor is the largest integer not above', () => {
    expect(Q.floor(q(7, 2))).toBe(3n);
    expect(Q.floor(q(-7, 2))).toBe(-4n);
    expect(Q.floor(q(-4))).toBe(-4n);
    fc.assert(
      fc.property(arbRational, (a) => {
        const f = Q.floor(a);
        expect(Q.compare(q(f), a)).toBeLessThanOrEqual(0);
        expect(Q.compare(q(f + 1n), a)).toBe(1);
      }),
    );
  });
});

describe('decimal text', () => {
  it('parses plain decimals exactly', () => {
    expect(Q.parseDecimal('0.005')).toEqual(q(1, 200));
    expect(Q.parseDecimal('-12')).toEqual(q(-12));
    expect(Q.parseDecimal(' 1.50 ')).toEqual(q(3, 2));
    expect(Q.parseDecimal('-0')).toEqual(Q.ZERO);
    expect(Q.parseDecimal('0.1')).toEqual(q(1, 10));
  });

  it.each([
    '',
    '.5',
    '1.',
    '1e3',
    '+1',
    '0x10',
    'NaN',
    'Infinity',
    '1,5',
    '1.2.3',
    '--1',
    '1'.repeat(61),
  ])('refuses %j', (text) => {
    expect(Q.parseDecimal(text)).toBeNull();
  });

  it('writes terminating decimals exactly and others rounded half-even', () => {
    expect(Q.toDecimal(q(1, 200))).toBe('0.005');
    expect(Q.toDecimal(q(-1, 2))).toBe('-0.5');
    expect(Q.toDecimal(q(12))).toBe('12');
    expect(Q.toDecimal(q(1, 3))).toBe('0.333333333333');
    expect(Q.toDecimal(q(2, 3))).toBe('0.666666666667');
    expect(Q.toDecimal(q(-2, 3), 2)).toBe('-0.67');
    expect(Q.toDecimal(q(5, 2), 0)).toBe('2');
    expect(Q.toDecimal(q(-1, 1000), 2)).toBe('0.00');
    expect(Q.toDecimal(q(12345, 100), 2)).toBe('123.45');
  });

  it('round-trips every terminating decimal (property)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }),
        fc.integer({ min: 0, max: 12 }),
        (n, digits) => {
          const a = q(n, 10n ** BigInt(digits));
          const text = Q.toDecimal(a);
          expect(Q.parseDecimal(text)).toEqual(a);
          expect(Q.fromJSON(text)).toEqual(a);
        },
      ),
    );
  });

  it('round-trips every rational through JSON (property)', () => {
    fc.assert(
      fc.property(arbRational, (a) => {
        const text = Q.toJSON(a);
        expect(Q.fromJSON(text)).toEqual(a);
      }),
    );
    expect(Q.toJSON(q(1, 200))).toBe('1/200');
    expect(Q.toJSON(q(-4))).toBe('-4');
  });

  it('round-trips the long fractions that running sums over many rates produce', () => {
    const big = q(10n ** 150n + 7n, 3n ** 200n);
    expect(Q.toJSON(big).length).toBeGreaterThan(100);
    expect(Q.fromJSON(Q.toJSON(big))).toEqual(big);
    const bigInt = q(-(10n ** 100n) - 1n);
    expect(Q.fromJSON(Q.toJSON(bigInt))).toEqual(bigInt);
    expect(Q.fromJSON(`1/${'9'.repeat(Q.MAX_JSON_DIGITS + 1)}`)).toBeNull();
    expect(Q.fromJSON('1'.repeat(100_000))).toBeNull();
  });

  it('refuses malformed JSON rationals', () => {
    expect(Q.fromJSON('1/0')).toBeNull();
    expect(Q.fromJSON('1/-2')).toBeNull();
    expect(Q.fromJSON('a/b')).toBeNull();
    expect(Q.fromJSON('1/2/3')).toBeNull();
    expect(Q.fromJSON('0.25')).toEqual(q(1, 4));
    expect(Q.fromJSON(' 3/6 ')).toEqual(q(1, 2));
  });

  it('converts to a float for display', () => {
    expect(Q.toNumber(q(1, 4))).toBe(0.25);
    expect(Q.toNumber(q(-3, 2))).toBe(-1.5);
    // Far beyond the float range, numerator and denominator overflow separately; the ratio must not.
    const huge = 10n ** 400n;
    expect(Q.toNumber(q(huge * 3n, huge * 2n + 1n))).toBeCloseTo(1.5, 10);
    expect(Q.toNumber(q(huge))).toBe(Number.POSITIVE_INFINITY);
  });
});
