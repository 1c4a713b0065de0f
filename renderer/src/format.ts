import type { Currency } from '../../shared/earnings';
import { formatMinor, formatExact } from '../../shared/earnings';
import * as Q from '../../shared/rational';

/** Formatting for one locale and currency; built once per settings change, passed by context. */
export interface Formatter {
  readonly locale: string;
  readonly currency: Currency;
  /** 12345 → "12,345". */
  int: (n: number) => string;
  /** Minor units → "$123.45". */
  cash: (minor: number | bigint) => string;
  /** An exact amount of minor units, rounded half-even at the edge. */
  exact: (minor: Q.Rational) => string;
  date: (ms: number) => string;
  dateTime: (ms: number) => string;
  time: (ms: number) => string;
  /** 5_430_000 → "1 h 30 min". */
  duration: (ms: number) => string;
  /** "3 min ago". */
  ago: (ms: number, now: number) => string;
  percent: (fraction: number) => string;
}

/** Builds the formatter for the creator's locale and currency. */
export function createFormatter(locale: string | undefined, currency: Currency): Formatter {
  const resolved = safeLocale(locale);
  const ints = new Intl.NumberFormat(resolved, { maximumFractionDigits: 0 });
  const dates = new Intl.DateTimeFormat(resolved, { dateStyle: 'medium' });
  const dateTimes = new Intl.DateTimeFormat(resolved, { dateStyle: 'medium', timeStyle: 'short' });
  const times = new Intl.DateTimeFormat(resolved, { timeStyle: 'medium' });
  const percents = new Intl.NumberFormat(resolved, { style: 'percent', maximumFractionDigits: 1 });
  const relative = new Intl.RelativeTimeFormat(resolved, { numeric: 'auto', style: 'short' });
  return {
    locale: resolved,
    currency,
    int: (n) => ints.format(n),
    cash: (minor) => formatMinor(BigInt(minor), currency, resolved),
    exact: (minor) => formatExact(minor, currency, resolved),
    date: (ms) => dates.format(ms),
    dateTime: (ms) => dateTimes.format(ms),
    time: (ms) => times.format(ms),
    duration: (ms) => formatDuration(ms),
    ago: (ms, now) => {
      const s = Math.round((ms - now) / 1000);
      if (Math.abs(s) < 60) return relative.format(s, 'second');
      if (Math.abs(s) < 3600) return relative.format(Math.round(s / 60), 'minute');
      if (Math.abs(s) < 86_400) return relative.format(Math.round(s / 3600), 'hour');
      return relative.format(Math.round(s / 86_400), 'day');
    },
    percent: (f) => percents.format(f),
  };
}

function safeLocale(locale: string | undefined): string {
  try {
    return Intl.NumberFormat.supportedLocalesOf(locale ? [locale] : [])[0] ?? navigator.language;
  } catch {
    // A locale string from settings that Intl refuses falls back to the browser's.
    return navigator.language;
  }
}

/** A duration as hours and minutes ("2 h 05 min", "45 min", "30 s"). */
export function formatDuration(ms: number): string {
  const totalSeconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min`;
  return `${s} s`;
}

/** Cash per hour, exact until formatting: minor × 3.6e6 / duration. */
export function perHour(minor: number, durationMs: number): Q.Rational | null {
  if (durationMs <= 0) return null;
  return Q.rational(BigInt(minor) * 3_600_000n, BigInt(Math.round(durationMs)));
}
