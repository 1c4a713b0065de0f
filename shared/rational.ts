/**
 * Exact rational numbers over bigint. Money in Gemlight is never a float: rates are rationals
 * (USD 0.005 per diamond is 1/200), amounts are integers, and rounding happens only when an
 * amount is formatted or reported in minor units.
 */
export interface Rational {
  readonly n: bigint;
  /** Always positive; the fraction is always in lowest terms. */
  readonly d: bigint;
}

const abs = (x: bigint): bigint => (x < 0n ? -x : x);

function gcd(a: bigint, b: bigint): bigint {
  a = abs(a);
  b = abs(b);
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export function rational(n: bigint | number, d: bigint | number = 1n): Rational {
  const nn = toBigInt(n);
  let dd = toBigInt(d);
  if (dd === 0n) throw new RangeError('Rational with a zero denominator');
  let num = nn;
  if (dd < 0n) {
    num = -num;
    dd = -dd;
  }
  const g = gcd(num, dd) || 1n;
  return { n: num / g, d: dd / g };
}

function toBigInt(x: bigint | number): bigint {
  if (typeof x === 'bigint') return x;
  if (!Number.isSafeInteger(x)) throw new RangeError(`Not a safe integer: ${x}`);
  return BigInt(x);
}

export const ZERO: Rational = { n: 0n, d: 1n };
export const ONE: Rational = { n: 1n, d: 1n };

export const add = (a: Rational, b: Rational): Rational =>
  rational(a.n * b.d + b.n * a.d, a.d * b.d);
export const sub = (a: Rational, b: Rational): Rational =>
  rational(a.n * b.d - b.n * a.d, a.d * b.d);
export const mul = (a: Rational, b: Rational): Rational => rational(a.n * b.n, a.d * b.d);
export function div(a: Rational, b: Rational): Rational {
  if (b.n === 0n) throw new RangeError('Division by zero');
  return rational(a.n * b.d, a.d * b.n);
}
export const compare = (a: Rational, b: Rational): -1 | 0 | 1 => {
  const l = a.n * b.d;
  const r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
};
export const equals = (a: Rational, b: Rational): boolean => a.n === b.n && a.d === b.d;
export const isZero = (a: Rational): boolean => a.n === 0n;
export const sum = (xs: Iterable<Rational>): Rational => {
  let acc = ZERO;
  for (const x of xs) acc = add(acc, x);
  return acc;
};

/** Rounds to the nearest integer, ties to even (banker's rounding). */
export function roundHalfEven(a: Rational): bigint {
  const { n, d } = a;
  let q = n / d; // truncates toward zero
  let r = n % d;
  if (r < 0n) {
    q -= 1n;
    r += d;
  }
  // now n = q*d + r with 0 <= r < d; compare r/d with 1/2
  const twice = 2n * r;
  if (twice > d) return q + 1n;
  if (twice < d) return q;
  return q % 2n === 0n ? q : q + 1n;
}

/** Largest integer not above a. */
export function floor(a: Rational): bigint {
  const q = a.n / a.d;
  return a.n < 0n && q * a.d !== a.n ? q - 1n : q;
}

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

/** Parses a plain decimal string ("0.005", "-12", "1.50") exactly; null for anything else. */
export function parseDecimal(text: string): Rational | null {
  const m = DECIMAL.exec(text.trim());
  if (!m) return null;
  const [, sign, whole = '0', frac = ''] = m;
  if (whole.length + frac.length > 60) return null;
  const n = BigInt(whole + frac) * (sign ? -1n : 1n);
  return rational(n, 10n ** BigInt(frac.length));
}

/**
 * Writes a rational as a decimal string. Exact when the denominator has only factors 2 and 5;
 * otherwise rounded half-even to `maxDigits` fraction digits.
 */
export function toDecimal(a: Rational, maxDigits = 12): string {
  let digits = 0;
  let scale = 1n;
  while (digits < maxDigits && (a.n * scale) % a.d !== 0n) {
    digits++;
    scale *= 10n;
  }
  const scaled = roundHalfEven(rational(a.n * scale, a.d));
  const neg = scaled < 0n;
  const text = abs(scaled)
    .toString()
    .padStart(digits + 1, '0');
  const whole = text.slice(0, text.length - digits);
  const frac = digits > 0 ? '.' + text.slice(text.length - digits) : '';
  return (neg ? '-' : '') + whole + frac;
}

/** Converts to a float for display-only uses such as progress bars and charts. */
export function toNumber(a: Rational): number {
  const n = Number(a.n);
  const d = Number(a.d);
  if (Number.isFinite(n) && Number.isFinite(d)) return n / d;
  // Beyond the float range the two parts overflow on their own (∞/∞ is NaN): drop the same low
  // bits from both, which keeps their ratio.
  const bits = Math.max(abs(a.n).toString(2).length, a.d.toString(2).length);
  const shift = BigInt(bits - 1000);
  return Number(a.n >> shift) / Number(a.d >> shift);
}

/** Serialized form for JSON: "n/d" or "n". */
export const toJSON = (a: Rational): string => (a.d === 1n ? `${a.n}` : `${a.n}/${a.d}`);

/**
 * Most digits accepted in each part of "n/d". Running sums over sessions valued at different
 * rates have denominators that are the product of theirs, so this is far above any real value
 * (toJSON must round-trip) yet keeps hostile input cheap to parse.
 */
export const MAX_JSON_DIGITS = 2000;
const FRACTION = new RegExp(`^(-?\\d{1,${MAX_JSON_DIGITS}})(?:/(\\d{1,${MAX_JSON_DIGITS}}))?$`);

/** Parses "n/d", "n" or a decimal string; null when it is not an exact finite number. */
export function fromJSON(text: string): Rational | null {
  if (text.length > 2 * MAX_JSON_DIGITS + 8) return null;
  const fraction = FRACTION.exec(text.trim());
  if (fraction) {
    const d = BigInt(fraction[2] ?? '1');
    if (d === 0n) return null;
    return rational(BigInt(fraction[1] ?? '0'), d);
  }
  return parseDecimal(text);
}
