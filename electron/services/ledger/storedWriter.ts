import type { Settings } from '../../../shared/api';
import { ratesAt } from '../../../shared/earnings';
import { loadSettings } from '../config/settings';
import { loadSchedule } from './config';
import type { LedgerDb } from './db';
import { LedgerWriter, type WriterConfig } from './writer';

/**
 * The writer settings the ledger itself stores (its settings and rate schedule, read once), for
 * writing or rebuilding outside the running app: seeding, benchmarks and tests. The app's own
 * writer follows settings as they change instead.
 */
export function storedWriterConfig(db: LedgerDb): { config: WriterConfig; settings: Settings } {
  const settings = loadSettings(db);
  const schedule = loadSchedule(db);
  const config: WriterConfig = {
    ratesAt: (time) => ratesAt(schedule, time),
    sessionIdleTimeoutMs: () => settings.sessionIdleTimeoutMs,
    streakTimeoutMs: () => settings.streakTimeoutMs,
  };
  return { config, settings };
}

/** A ledger writer configured from what the ledger itself stores (see `storedWriterConfig`). */
export function writerFromStoredSettings(db: LedgerDb): {
  writer: LedgerWriter;
  settings: Settings;
} {
  const { config, settings } = storedWriterConfig(db);
  return { writer: new LedgerWriter(db, config), settings };
}
