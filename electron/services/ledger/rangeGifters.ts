import type { LedgerDb } from './db';
import type { LedgerEffect } from './writer';
import { prepared } from './statements';

/**
 * The return links of all counted sessions, in memory: session j (in chronological order) has
 * `gifters[j]` distinct gifters, `returns[j]` of whom came back from an earlier session, listed
 * as (earlier session's index, how many).
 */
interface Model {
  ids: number[];
  starts: number[];
  index: Map<number, number>;
  gifters: number[];
  returnFrom: number[][];
  returnCount: number[][];
}

/**
 * Distinct gifters over counted sessions that started in a range, without reading every gifter
 * row of the range. Each viewer's first gift in a counted session links it to their previous
 * counted session. For sessions l..r (chronological indices), the distinct gifters are
 *
 *   Σ gifters(j) over l ≤ j ≤ r  −  #links (p → j) with l ≤ p and j ≤ r
 *
 * since a viewer with k sessions in the range has k − 1 links inside it. The links are kept
 * aggregated per pair of sessions (`gifter_returns`), loaded once and updated as gifts arrive, so
 * a query touches at most the pairs of its range.
 */
export class RangeGifterCounts {
  private model: Model | null = null;
  /** Set when session ids do not follow chronological order (clock changes): count in SQL. */
  private unsupported = false;

  constructor(private readonly db: LedgerDb) {}

  /** Distinct gifters of counted sessions that started in [from, to). */
  count(from: number, to: number): number {
    const m = this.ensure();
    if (!m) return this.countInSql(from, to);
    const l = lowerBound(m.starts, from);
    const r = lowerBound(m.starts, to) - 1;
    let total = 0;
    for (let j = l; j <= r; j++) {
      total += m.gifters[j] ?? 0;
      const from_ = m.returnFrom[j];
      const count = m.returnCount[j];
      if (!from_ || !count) continue;
      for (let k = 0; k < from_.length; k++) {
        if ((from_[k] ?? -1) >= l) total -= count[k] ?? 0;
      }
    }
    return total;
  }

  private countInSql(from: number, to: number): number {
    return (
      prepared<[number, number], { n: number }>(
        this.db,
        `SELECT count(DISTINCT g.user_id) AS n FROM session_gifters g
           WHERE g.session_id IN (
             SELECT id FROM sessions WHERE simulated = 0 AND started_at >= ? AND started_at < ?)`,
      ).get(from, to)?.n ?? 0
    );
  }

  private ensure(): Model | null {
    if (this.model) return this.model;
    if (this.unsupported) return null;
    const sessions = prepared<[], { id: number; started_at: number; gifter_count: number }>(
      this.db,
      'SELECT id, started_at, gifter_count FROM sessions WHERE simulated = 0 ORDER BY started_at, id',
    ).all();
    const m: Model = {
      ids: [],
      starts: [],
      index: new Map(),
      gifters: [],
      returnFrom: [],
      returnCount: [],
    };
    let lastId = -Infinity;
    for (const s of sessions) {
      if (s.id < lastId) {
        this.unsupported = true;
        return null;
      }
      lastId = s.id;
      m.index.set(s.id, m.ids.length);
      m.ids.push(s.id);
      m.starts.push(s.started_at);
      m.gifters.push(s.gifter_count);
      m.returnFrom.push([]);
      m.returnCount.push([]);
    }
    // Streamed, not `.all()`: a big ledger has ~150k links, and materializing them at once left
    // ~20 MiB more resident memory after start-up (benchmark 5).
    const links = prepared<[], { prev_session_id: number; session_id: number; n: number }>(
      this.db,
      'SELECT prev_session_id, session_id, n FROM gifter_returns WHERE n != 0',
    ).iterate();
    for (const link of links) this.addLink(m, link.prev_session_id, link.session_id, link.n);
    this.model = m;
    return m;
  }

  private addLink(m: Model, prevId: number, sessionId: number, delta: number): void {
    const p = m.index.get(prevId);
    const j = m.index.get(sessionId);
    if (p === undefined || j === undefined) return;
    const from = m.returnFrom[j];
    const count = m.returnCount[j];
    if (!from || !count) return;
    const at = from.indexOf(p);
    if (at >= 0) count[at] = (count[at] ?? 0) + delta;
    else {
      from.push(p);
      count.push(delta);
    }
  }

  /** Keeps the model exact after a commit. */
  committed(effects: readonly LedgerEffect[]): void {
    const m = this.model;
    if (!m) return;
    for (const e of effects) {
      if (e.type === 'newGifter') {
        let j = m.index.get(e.sessionId);
        if (j === undefined) {
          const row = prepared<[number], { started_at: number }>(
            this.db,
            'SELECT started_at FROM sessions WHERE id = ?',
          ).get(e.sessionId);
          const lastStart = m.starts[m.starts.length - 1] ?? -Infinity;
          const lastId = m.ids[m.ids.length - 1] ?? -Infinity;
          if (!row || row.started_at < lastStart || e.sessionId < lastId) {
            // Not the newest session: reload everything on the next question.
            this.model = null;
            return;
          }
          j = m.ids.length;
          m.index.set(e.sessionId, j);
          m.ids.push(e.sessionId);
          m.starts.push(row.started_at);
          m.gifters.push(0);
          m.returnFrom.push([]);
          m.returnCount.push([]);
        }
        m.gifters[j] = (m.gifters[j] ?? 0) + 1;
      } else if (e.type === 'gifterReturn') {
        if (!m.index.has(e.sessionId) || !m.index.has(e.prevSessionId)) {
          this.model = null;
          return;
        }
        this.addLink(m, e.prevSessionId, e.sessionId, e.delta);
      }
    }
  }

  /** Forgets everything (after a rebuild, a restore or a rolled-back commit). */
  clear(): void {
    this.model = null;
    this.unsupported = false;
  }
}

function lowerBound(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((values[mid] ?? Infinity) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
