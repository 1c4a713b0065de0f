import type { LedgerDb } from './db';
import { DERIVED_TABLES } from './migrations';
import { LedgerWriter, type LedgerRecord, type WriterConfig } from './writer';

const PAGE = 5_000;

/**
 * Regenerates every derived table from the raw log, in arrival order, through the same writer
 * that built them live; then closes what has gone idle by `now`. One transaction: a failed
 * rebuild leaves the ledger as it was.
 */
export function rebuildDerived(
  db: LedgerDb,
  config: WriterConfig,
  now: number,
): { records: number } {
  let records = 0;
  db.transaction(() => {
    for (const t of DERIVED_TABLES) db.exec(`DELETE FROM "${t}"`);
    const writer = new LedgerWriter(db, config);
    const page = db.prepare<[number, number], { seq: number; received_at: number; event: string }>(
      'SELECT seq, received_at, event FROM raw_events WHERE seq > ? ORDER BY seq LIMIT ?',
    );
    let after = 0;
    for (;;) {
      // Paged, because better-sqlite3 cannot write while an iterator is open.
      const rows = page.all(after, PAGE);
      // Like the live pipeline, a page's derived rows are written once each (same end result).
      writer.batch(() => {
        for (const row of rows) {
          writer.apply(JSON.parse(row.event) as LedgerRecord, row.received_at);
          after = row.seq;
          records++;
        }
      });
      if (rows.length < PAGE) break;
    }
    writer.closeIdle(now);
    writer.expireStreaks(now);
  })();
  return { records };
}
