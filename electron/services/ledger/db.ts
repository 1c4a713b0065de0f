import { chmodSync, copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import Database from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations';

/** An open ledger database handle. */
export type LedgerDb = Database.Database;

/** Raised when the file was written by a newer Gemlight: we must not touch it. */
export class LedgerTooNewError extends Error {
  constructor(
    readonly fileVersion: number,
    readonly appVersion: number,
  ) {
    super(
      `The ledger database has schema version ${fileVersion}, but this Gemlight only knows up to ` +
        `version ${appVersion}. It was written by a newer Gemlight; update Gemlight instead of ` +
        `opening it with this one (the file was left untouched).`,
    );
    this.name = 'LedgerTooNewError';
  }
}

/** Options for opening a ledger file. */
export interface OpenLedgerOptions {
  /** Path of a better-sqlite3 native binding built for this runtime (Electron's own). */
  nativeBinding?: string;
  /** Where the pre-migration copy goes (default: a `backups` folder beside the file). */
  backupDir?: string;
  /** Clock for backup file names (tests). */
  now?: () => number;
  /** The migrations to apply (tests pass their own; default: the app's). */
  migrations?: readonly Migration[];
}

/**
 * Opens (creating when absent) the ledger at `file`: WAL, synchronous=FULL, foreign keys, and
 * every pending migration, each in its own transaction. An existing file is copied before it is
 * migrated; a file from a newer schema is refused.
 */
export function openLedger(file: string, options: OpenLedgerOptions = {}): LedgerDb {
  const existed = file !== ':memory:' && existsSync(file);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const db = new Database(
    file,
    options.nativeBinding ? { nativeBinding: options.nativeBinding } : {},
  );
  try {
    // Viewer data and earnings are the creator's business only.
    if (!existed && file !== ':memory:') chmodSync(file, 0o600);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // Checkpoint every ~16 MB of WAL instead of SQLite's default ~4 MB: the random-key indexes
    // rewrite the same pages commit after commit, and a longer WAL copies each of them back to
    // the database once per checkpoint instead of several times (the ledger writer alone is ~14%
    // faster; see BENCHMARKS.md §1). The file is cut back to 64 MiB if it ever grows past that.
    db.pragma('wal_autocheckpoint = 4000');
    db.pragma('journal_size_limit = 67108864');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    const migrations = options.migrations ?? MIGRATIONS;
    const latest = migrations.reduce((max, m) => Math.max(max, m.version), 0);
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > latest) throw new LedgerTooNewError(version, latest);
    if (version < latest && existed && version > 0) {
      backupBeforeMigrating(db, file, version, options);
    }
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (m.version <= version) continue;
      db.transaction(() => {
        db.exec(m.sql);
        db.pragma(`user_version = ${m.version}`);
      })();
    }
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function backupBeforeMigrating(
  db: LedgerDb,
  file: string,
  version: number,
  options: OpenLedgerOptions,
): void {
  const dir = options.backupDir ?? join(dirname(file), 'backups');
  mkdirSync(dir, { recursive: true });
  const stamp = new Date(options.now?.() ?? Date.now()).toISOString().replace(/[:.]/g, '-');
  // Fold the WAL into the main file first so the plain copy is complete.
  db.pragma('wal_checkpoint(TRUNCATE)');
  copyFileSync(file, join(dir, `${basename(file)}.v${version}.${stamp}.pre-migration`));
}

/** The schema version of an open ledger. */
export const schemaVersion = (db: LedgerDb): number =>
  db.pragma('user_version', { simple: true }) as number;
