import type { Currency, Rates } from '../../../shared/earnings';
import { coinsToDiamonds, minorPerDiamond } from '../../../shared/earnings';
import * as Q from '../../../shared/rational';
import type { Rational } from '../../../shared/rational';
import type { LedgerDb } from './db';
import { ratesFromJson } from './ratesCodec';
import { prepared } from './statements';

interface Entry {
  id: number;
  startedAt: number;
  coins: number;
  rates: Rates;
  exact: Rational;
  /** Exact diamonds (coins × the session's diamonds per coin). */
  diamonds: Rational;
}

interface Row {
  id: number;
  started_at: number;
  coins: number;
  rates: string;
}

/**
 * Exact cash of every counted (non-simulated) session in chronological order, with prefix sums,
 * so that any session's cash is reported with running-total rounding (`roundRunning`): the
 * per-session amounts of any range add up exactly to the range's cash. Kept in memory (a creator
 * has thousands of sessions, not millions) and refreshed only from the first changed session.
 */
export class CashBook {
  private entries: Entry[] = [];
  private readonly index = new Map<number, number>();
  /** prefix[i] = exact cash of entries[0..i). Valid up to `validPrefix`. */
  private prefix: Rational[] = [Q.ZERO];
  private validPrefix = 0;
  /** Exact diamonds of all entries, kept up to date entry by entry. */
  private diamondsSum: Rational = Q.ZERO;

  constructor(
    private readonly db: LedgerDb,
    private currency: Currency,
  ) {
    this.reload();
  }

  /** Reads every counted session again (after a rate, currency or rebuild change). */
  reload(currency: Currency = this.currency): void {
    this.currency = currency;
    const rows = prepared<[], Row>(
      this.db,
      'SELECT id, started_at, coins, rates FROM sessions WHERE simulated = 0 ORDER BY started_at, id',
    ).all();
    this.entries = rows.map((r) => this.entryOf(r));
    this.diamondsSum = Q.sum(this.entries.map((e) => e.diamonds));
    this.index.clear();
    this.entries.forEach((e, i) => this.index.set(e.id, i));
    this.prefix = [Q.ZERO];
    this.validPrefix = 0;
  }

  /** Refreshes the given sessions from the database (after a commit touched them). */
  refresh(ids: Iterable<number>): void {
    const get = prepared<[number], Row & { simulated: number }>(
      this.db,
      'SELECT id, started_at, coins, rates, simulated FROM sessions WHERE id = ?',
    );
    for (const id of ids) {
      const row = get.get(id);
      if (!row || row.simulated === 1) continue;
      const at = this.index.get(id);
      if (at !== undefined) {
        const prev = this.entries[at];
        if (prev && prev.coins === row.coins && prev.startedAt === row.started_at) continue;
        const next = this.entryOf(row, prev?.rates);
        this.diamondsSum = Q.add(
          prev ? Q.sub(this.diamondsSum, prev.diamonds) : this.diamondsSum,
          next.diamonds,
        );
        this.entries[at] = next;
        this.validPrefix = Math.min(this.validPrefix, at);
        continue;
      }
      // New sessions are almost always the latest; insert in order otherwise.
      const entry = this.entryOf(row);
      this.diamondsSum = Q.add(this.diamondsSum, entry.diamonds);
      let i = this.entries.length;
      while (i > 0) {
        const before = this.entries[i - 1];
        if (!before || before.startedAt < entry.startedAt) break;
        if (before.startedAt === entry.startedAt && before.id < entry.id) break;
        i--;
      }
      this.entries.splice(i, 0, entry);
      if (i < this.entries.length - 1) {
        this.index.clear();
        this.entries.forEach((e, j) => this.index.set(e.id, j));
      } else {
        this.index.set(entry.id, i);
      }
      this.validPrefix = Math.min(this.validPrefix, i);
    }
  }

  private entryOf(row: Row, rates?: Rates): Entry {
    const r = rates ?? ratesFromJson(row.rates);
    const diamonds = coinsToDiamonds(row.coins, r);
    return {
      id: row.id,
      startedAt: row.started_at,
      coins: row.coins,
      rates: r,
      exact: Q.mul(diamonds, minorPerDiamond(r, this.currency)),
      diamonds,
    };
  }

  private prefixAt(i: number): Rational {
    if (i > this.validPrefix) {
      this.prefix.length = this.validPrefix + 1;
      for (let j = this.validPrefix; j < i; j++) {
        const e = this.entries[j];
        this.prefix.push(Q.add(this.prefix[j] ?? Q.ZERO, e ? e.exact : Q.ZERO));
      }
      this.validPrefix = i;
    }
    return this.prefix[i] ?? Q.ZERO;
  }

  /** Exact cash (minor units) of all counted sessions before this one; zero for unknown ids. */
  before(id: number): Rational {
    const i = this.index.get(id);
    return i === undefined ? Q.ZERO : this.prefixAt(i);
  }

  /** Exact cash of one session; zero for simulated or unknown sessions. */
  exact(id: number): Rational {
    const i = this.index.get(id);
    return i === undefined ? Q.ZERO : (this.entries[i]?.exact ?? Q.ZERO);
  }

  /** A session's cash with running-total rounding, in minor units. */
  rounded(id: number): bigint {
    const i = this.index.get(id);
    if (i === undefined) return 0n;
    return Q.roundHalfEven(this.prefixAt(i + 1)) - Q.roundHalfEven(this.prefixAt(i));
  }

  /** Cash of the sessions that started in [from, to): the sum of their rounded amounts. */
  rangeRounded(from: number | null, to: number | null): bigint {
    const lo = from === null ? 0 : this.lowerBound(from);
    const hi = to === null ? this.entries.length : this.lowerBound(to);
    if (hi <= lo) return 0n;
    return Q.roundHalfEven(this.prefixAt(hi)) - Q.roundHalfEven(this.prefixAt(lo));
  }

  /** Exact diamonds earned in all counted sessions. */
  totalDiamonds(): Rational {
    return this.diamondsSum;
  }

  /** Exact cash of everything counted. */
  total(): Rational {
    return this.prefixAt(this.entries.length);
  }

  /** Counted sessions with their rates and exact cash, for payouts and projections. */
  sessions(): readonly {
    id: number;
    startedAt: number;
    exact: Rational;
    coins: number;
    rates: Rates;
  }[] {
    return this.entries;
  }

  private lowerBound(time: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const e = this.entries[mid];
      if (e && e.startedAt < time) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
