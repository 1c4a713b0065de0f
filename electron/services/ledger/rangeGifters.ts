import type { LedgerDb } from './db';
import type { LedgerEffect } from './writer';

interface Entry {
  from: number;
  to: number;
  count: number;
}

/** Ranges remembered at once; the dashboard asks for a handful (week, month, year, custom). */
const MAX_ENTRIES = 32;

/**
 * Distinct gifters over counted sessions that started in a range. Counting them cold reads every
 * gifter row of the range, so answers are remembered and kept exact as gifts arrive: a viewer new
 * to a session adds one to a remembered range only if no other session of that range has them.
 */
export class RangeGifterCounts {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly db: LedgerDb) {}

  /** Distinct gifters of counted sessions that started in [from, to). */
  count(from: number, to: number): number {
    const key = `${from}|${to}`;
    const hit = this.entries.get(key);
    if (hit) {
      // Refresh its place: the map keeps insertion order, so the oldest is evicted first.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.count;
    }
    const count =
      this.db
        .prepare<[number, number], { n: number }>(
          `SELECT count(DISTINCT g.user_id) AS n FROM session_gifters g
           WHERE g.session_id IN (
             SELECT id FROM sessions WHERE simulated = 0 AND started_at >= ? AND started_at < ?)`,
        )
        .get(from, to)?.n ?? 0;
    this.entries.set(key, { from, to, count });
    if (this.entries.size > MAX_ENTRIES) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return count;
  }

  /** Keeps remembered ranges exact after a commit. */
  committed(effects: readonly LedgerEffect[]): void {
    if (this.entries.size === 0) return;
    const fresh = effects.filter(
      (e): e is Extract<LedgerEffect, { type: 'newGifter' }> => e.type === 'newGifter',
    );
    if (fresh.length === 0) return;
    const users = new Set(fresh.map((e) => e.userId));
    if (users.size < fresh.length) {
      // One viewer new to two sessions in one batch: recount rather than reason about it.
      this.clear();
      return;
    }
    const startOf = this.db.prepare<[number], { started_at: number }>(
      'SELECT started_at FROM sessions WHERE id = ?',
    );
    const elsewhere = this.db.prepare<[string, number, number, number], { one: number }>(
      `SELECT 1 AS one FROM session_gifters g JOIN sessions s ON s.id = g.session_id
       WHERE g.user_id = ? AND g.session_id != ? AND s.simulated = 0
         AND s.started_at >= ? AND s.started_at < ? LIMIT 1`,
    );
    for (const e of fresh) {
      const start = startOf.get(e.sessionId)?.started_at;
      if (start === undefined) continue;
      for (const entry of this.entries.values()) {
        if (start < entry.from || start >= entry.to) continue;
        if (!elsewhere.get(e.userId, e.sessionId, entry.from, entry.to)) entry.count++;
      }
    }
  }

  /** Forgets everything (after a rebuild or a restore). */
  clear(): void {
    this.entries.clear();
  }
}
