import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { backupNow } from '../ledger/backup';
import type { LedgerDb } from '../ledger/db';
import { localDay, planRetention, type DatedBackup } from './retention';

/** Label of automatic backups: only these are ever pruned (manual and pre-restore ones stay). */
export const AUTO_LABEL = 'auto';
const AUTO_NAME = /^gemlight-(\d{4})-(\d{2})-(\d{2})T(\d{2})-(\d{2})-(\d{2})Z(?:-\d+)?-auto\.db$/;

/** The time encoded in an automatic backup's name, or null for any other file. */
export function autoBackupTime(file: string): number | null {
  const m = AUTO_NAME.exec(file);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number);
  if ([y, mo, d, h, mi, s].some((v) => v === undefined || Number.isNaN(v))) return null;
  return Date.UTC(y ?? 0, (mo ?? 1) - 1, d ?? 1, h ?? 0, mi ?? 0, s ?? 0);
}

/** The automatic backups in `dir`, oldest first. */
export function listAutoBackups(dir: string): DatedBackup[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: DatedBackup[] = [];
  for (const file of names) {
    const time = autoBackupTime(file);
    if (time !== null) out.push({ file, time });
  }
  return out.sort((a, b) => a.time - b.time);
}

/** Options of the automatic backup. */
export interface AutoBackupOptions {
  db: LedgerDb;
  /** The backups folder. */
  dir: string;
  now?: () => number;
  log?: (line: string) => void;
  /** How often to check whether today's backup exists (default hourly). */
  intervalMs?: number;
  /** Delay of the first check after start (default 1 minute: start-up stays quick). */
  firstDelayMs?: number;
}

/**
 * The daily backup: makes one when today has none yet (SQLite's online backup, safe while
 * ingest writes), then prunes automatic backups to 7 daily + 4 weekly.
 */
export class AutoBackup {
  private readonly now: () => number;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<string | null> | null = null;
  private stopped = false;

  constructor(private readonly options: AutoBackupOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Starts the schedule. */
  start(): this {
    const interval = this.options.intervalMs ?? 60 * 60_000;
    const tick = (): void => {
      void this.runOnce().finally(() => {
        if (this.stopped) return;
        this.timer = setTimeout(tick, interval);
        this.timer.unref();
      });
    };
    this.timer = setTimeout(tick, this.options.firstDelayMs ?? 60_000);
    this.timer.unref();
    return this;
  }

  /** Makes today's backup if it is missing and prunes; resolves with the new file, if any. */
  runOnce(): Promise<string | null> {
    this.running ??= this.check().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async check(): Promise<string | null> {
    const { db, dir } = this.options;
    const now = this.now();
    let made: string | null = null;
    try {
      const today = localDay(now);
      const existing = listAutoBackups(dir);
      if (!existing.some((b) => localDay(b.time) === today) && db.open && !this.stopped) {
        made = (await backupNow(db, dir, now, AUTO_LABEL)).file;
        this.options.log?.(`backup: made the daily backup ${made}`);
      }
      const { remove } = planRetention(listAutoBackups(dir));
      for (const file of remove) rmSync(join(dir, file), { force: true });
    } catch (error) {
      // A failed backup must never take the app down; it is tried again at the next check.
      this.options.log?.(`backup: the daily backup failed: ${String(error)}`);
    }
    return made;
  }

  /** Stops the schedule and waits for a backup in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }
}
