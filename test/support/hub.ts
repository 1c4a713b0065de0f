import type { Settings } from '../../shared/api';
import { CashBook } from '../../electron/services/ledger/cashBook';
import type { LedgerDb } from '../../electron/services/ledger/db';
import { writerFromStoredSettings } from '../../electron/services/ledger/storedWriter';
import type { LedgerWriter } from '../../electron/services/ledger/writer';
import type { LiveHubContext } from '../../electron/services/live/hub';

/**
 * A live hub's context on a real ledger, outside the running app (tests and the hub benchmark):
 * the writer and settings the ledger stores, its cash book, no goal, and the caller's clock.
 */
export function storedHubContext(
  db: LedgerDb,
  now: () => number,
): { ctx: LiveHubContext; writer: LedgerWriter; settings: Settings } {
  const { writer, settings } = writerFromStoredSettings(db);
  const ctx: LiveHubContext = {
    db,
    writer,
    cash: new CashBook(db, settings.currency),
    settings: () => settings,
    goal: () => null,
    now,
  };
  return { ctx, writer, settings };
}
