import type { Statement } from 'better-sqlite3';
import type { LedgerDb } from './db';

const cache = new WeakMap<LedgerDb, Map<string, Statement<unknown[], unknown>>>();

/**
 * A prepared statement for `sql` on `db`, prepared once and reused: read queries run on every
 * API call and live update, and preparing costs more than running most of them.
 */
export function prepared<P extends unknown[] = unknown[], R = unknown>(
  db: LedgerDb,
  sql: string,
): Statement<P, R> {
  let byText = cache.get(db);
  if (!byText) {
    byText = new Map();
    cache.set(db, byText);
  }
  let statement = byText.get(sql);
  if (!statement) {
    statement = db.prepare<unknown[], unknown>(sql);
    byText.set(sql, statement);
  }
  return statement as unknown as Statement<P, R>;
}
