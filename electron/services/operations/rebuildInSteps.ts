import type { LedgerDb } from '../ledger/db';
import { DERIVED_TABLES } from '../ledger/migrations';
import { LedgerWriter, type LedgerRecord, type WriterConfig } from '../ledger/writer';

/**
 * `rebuildDerived` (ledger/rebuild.ts) for a running app: the same regeneration of every derived
 * table from the raw log, in arrival order, through the same writer, in one transaction — but it
 * hands the event loop back between pages, so the app stays responsive and can report progress.
 * The caller keeps every other writer away until it settles (the transaction spans the yields).
 */
export async function rebuildDerivedInSteps(
  db: LedgerDb,
  config: WriterConfig,
  now: number,
  options: {
    pageSize: number;
    /** After every page: records done, and how far through the log (0..1). */
    onProgress: (records: number, fraction: number) => void;
    /** Awaited between pages (gives the event loop back). */
    between: () => Promise<void>;
  },
): Promise<{ records: number }> {
  const last =
    db.prepare<[], { last: number | null }>('SELECT MAX(seq) AS last FROM raw_events').get()
      ?.last ?? 0;
  const page = db.prepare<[number, number], { seq: number; received_at: number; event: string }>(
    'SELECT seq, received_at, event FROM raw_events WHERE seq > ? ORDER BY seq LIMIT ?',
  );
  let records = 0;
  db.exec('BEGIN IMMEDIATE');
  try {
    for (const t of DERIVED_TABLES) db.exec(`DELETE FROM "${t}"`);
    const writer = new LedgerWriter(db, config);
    let after = 0;
    for (;;) {
      const rows = page.all(after, options.pageSize);
      writer.batch(() => {
        for (const row of rows) {
          writer.apply(JSON.parse(row.event) as LedgerRecord, row.received_at);
          after = row.seq;
          records++;
        }
      });
      options.onProgress(records, last > 0 ? Math.min(1, after / last) : 1);
      if (rows.length < options.pageSize) break;
      await options.between();
    }
    writer.closeIdle(now);
    writer.expireStreaks(now);
    db.exec('COMMIT');
  } catch (error) {
    if (db.inTransaction) db.exec('ROLLBACK');
    throw error;
  }
  return { records };
}
