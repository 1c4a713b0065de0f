import type { Settings } from '../../../shared/api';
import { ratesAt } from '../../../shared/earnings';
import { loadSettings } from '../config/settings';
import { loadSchedule } from './config';
import type { LedgerDb } from './db';
import { LedgerWriter } from './writer';

/**
 * A ledger writer configured from what the ledger itself stores (its settings and rate schedule,
 * read once), for writing outside the running app: seeding, benchmarks and tests. The app's own
 * writer follows settings as they change instead.
 */
export function writerFromStoredSettings(db: LedgerDb): {
  writer: LedgerWriter;
  settings: Settings;
} {
  const settings = loadSettings(db);
  const schedule = loadSchedule(db);
  const writer = new LedgerWriter(db, {
    ratesAt: (time) => ratesAt(schedule, time),
    sessionIdleTimeoutMs: () => settings.sessionIdleTimeoutMs,
    streakTimeoutMs: () => settings.streakTimeoutMs,
  });
  return { writer, settings };
}
