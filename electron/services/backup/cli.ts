import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { backupNow, listBackups } from '../ledger/backup';
import { openLedger } from '../ledger/db';
import { SCHEMA_VERSION } from '../ledger/migrations';
import { exportLedger, importLedger, ImportError, parseLedgerExport } from './jsonExport';

/**
 * The backup side of `npm run serve`: `--backup`, `--restore FILE`, `--export FILE`,
 * `--import FILE`, and the explanation shown when the ledger cannot be opened at start.
 */

/** The ledger file of a data folder. */
export const ledgerFile = (dataDir: string): string => join(dataDir, 'gemlight.db');
/** The backups folder of a data folder. */
export const backupDirOf = (dataDir: string): string => join(dataDir, 'backups');

/** A refusal of a backup command, with a sentence for people. */
export class BackupCommandError extends Error {}

const stamp = (now: number): string =>
  new Date(now)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[:.]/g, '-');

/** Makes a backup of the ledger now; returns its path. */
export async function backupCommand(dataDir: string, now = Date.now()): Promise<string> {
  if (!existsSync(ledgerFile(dataDir))) {
    throw new BackupCommandError(`There is no ledger in ${dataDir} to back up.`);
  }
  const db = openLedger(ledgerFile(dataDir), { backupDir: backupDirOf(dataDir) });
  try {
    const { file } = await backupNow(db, backupDirOf(dataDir), now);
    return join(backupDirOf(dataDir), file);
  } finally {
    db.close();
  }
}

/** Checks that a file is a healthy Gemlight ledger of this schema version. */
export function checkBackupFile(file: string): void {
  if (!existsSync(file)) throw new BackupCommandError(`There is no file ${file}.`);
  let db: Database.Database | null = null;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    const integrity = db.pragma('integrity_check', { simple: true }) as string;
    if (integrity !== 'ok') throw new BackupCommandError(`${file} is damaged (${integrity}).`);
    const version = db.pragma('user_version', { simple: true }) as number;
    const hasLog = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'raw_events'")
      .get();
    if (!hasLog) throw new BackupCommandError(`${file} is not a Gemlight ledger.`);
    // An older ledger is migrated (after a copy is kept) when Gemlight next opens it.
    if (version < 1 || version > SCHEMA_VERSION) {
      throw new BackupCommandError(
        `${file} has schema version ${version}; this Gemlight restores versions 1 to ${SCHEMA_VERSION}.`,
      );
    }
  } catch (error) {
    if (error instanceof BackupCommandError) throw error;
    throw new BackupCommandError(`${file} is not a readable ledger: ${(error as Error).message}`);
  } finally {
    db?.close();
  }
}

function removeLedgerFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
}

/**
 * Replaces the ledger with a backup file. Gemlight must not be running. The current ledger is
 * kept: backed up when it still opens, moved aside (`gemlight.db.damaged-…`) when it does not.
 */
export async function restoreCommand(
  dataDir: string,
  backup: string,
  now = Date.now(),
): Promise<{ restored: string; kept: string | null }> {
  const source = resolve(backup);
  checkBackupFile(source);
  const target = ledgerFile(dataDir);
  let kept: string | null = null;
  if (existsSync(target)) {
    try {
      const db = openLedger(target, { backupDir: backupDirOf(dataDir) });
      try {
        kept = join(
          backupDirOf(dataDir),
          (await backupNow(db, backupDirOf(dataDir), now, 'pre-restore')).file,
        );
      } finally {
        db.close();
      }
    } catch {
      kept = `${target}.damaged-${stamp(now)}`;
      renameSync(target, kept);
      for (const suffix of ['-wal', '-shm']) {
        if (existsSync(target + suffix)) renameSync(target + suffix, kept + suffix);
      }
    }
  }
  removeLedgerFiles(target);
  const partial = `${target}.restoring`;
  copyFileSync(source, partial);
  renameSync(partial, target);
  return { restored: source, kept };
}

/** Writes the whole ledger as JSON; returns the number of rows. */
export function exportCommand(dataDir: string, out: string, now = Date.now()): number {
  if (!existsSync(ledgerFile(dataDir))) {
    throw new BackupCommandError(`There is no ledger in ${dataDir} to export.`);
  }
  const db = openLedger(ledgerFile(dataDir), { backupDir: backupDirOf(dataDir) });
  try {
    const data = exportLedger(db, now);
    writeFileSync(out, JSON.stringify(data));
    return Object.values(data.tables).reduce((n, t) => n + t.rows.length, 0);
  } finally {
    db.close();
  }
}

/** Replaces the ledger's contents with a JSON export (after backing the current one up). */
export async function importCommand(
  dataDir: string,
  file: string,
  now = Date.now(),
): Promise<{ rows: number; kept: string }> {
  if (!existsSync(file)) throw new BackupCommandError(`There is no file ${file}.`);
  let data;
  try {
    data = parseLedgerExport(readFileSync(file, 'utf8'));
  } catch (error) {
    if (error instanceof ImportError) throw new BackupCommandError(error.message);
    throw error;
  }
  const db = openLedger(ledgerFile(dataDir), { backupDir: backupDirOf(dataDir) });
  try {
    const kept = (await backupNow(db, backupDirOf(dataDir), now, 'pre-import')).file;
    try {
      return { ...importLedger(db, data), kept: join(backupDirOf(dataDir), kept) };
    } catch (error) {
      if (error instanceof ImportError) throw new BackupCommandError(error.message);
      throw error;
    }
  } finally {
    db.close();
  }
}

const OPEN_FAILURES: Record<string, string> = {
  SQLITE_NOTADB: 'the file is not a database (it is damaged or was overwritten)',
  SQLITE_CORRUPT: 'the database file is damaged',
  SQLITE_BUSY: 'another program holds it locked (is Gemlight already running?)',
  SQLITE_LOCKED: 'another program holds it locked (is Gemlight already running?)',
  SQLITE_CANTOPEN: 'the file cannot be opened (check the folder and its permissions)',
  SQLITE_IOERR: 'reading the file failed (disk error)',
  SQLITE_READONLY: 'the file or its folder is read-only',
};

/**
 * When starting failed because the ledger could not be opened: a clear explanation and the
 * command that restores the latest backup. Null for any other failure.
 */
export function describeOpenFailure(error: unknown, dataDir: string): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  const base = Object.keys(OPEN_FAILURES).find((k) => code === k || code.startsWith(`${k}_`));
  if (!base) return null;
  const lines = [`The ledger ${ledgerFile(dataDir)} could not be opened: ${OPEN_FAILURES[base]}.`];
  const latest = listBackups(backupDirOf(dataDir))[0];
  if (base === 'SQLITE_BUSY' || base === 'SQLITE_LOCKED') {
    lines.push('Close the other program (or the other Gemlight) and start again.');
  }
  if (latest) {
    const path = join(backupDirOf(dataDir), latest.file);
    lines.push(
      `The latest backup is ${basename(path)} (${new Date(latest.time).toISOString()}).`,
      `To restore it (the current file is kept aside): npm run serve -- --data-dir "${dataDir}" --restore "${path}"`,
    );
  } else {
    lines.push(`There is no backup in ${backupDirOf(dataDir)} to restore.`);
  }
  return lines.join('\n');
}

/** The backup options of `npm run serve`. */
export interface BackupCliOptions {
  backup?: boolean;
  restore?: string;
  export?: string;
  import?: string;
}

/** Usage lines of the backup options, for `--help`. */
export const BACKUP_USAGE = `  --backup            Back the ledger up now (into <data-dir>/backups) and exit
  --restore FILE      Replace the ledger with a backup file (Gemlight must be stopped) and exit
  --export FILE       Write the whole ledger as JSON and exit
  --import FILE       Replace the ledger's contents with a JSON export (a backup is made first) and exit`;

/**
 * Runs the backup command given on the command line, if any: prints what it did and sets the
 * exit code. Returns false when none was given (the server starts as usual).
 */
export async function runBackupCli(
  options: BackupCliOptions,
  dataDir: string,
  out: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  err: (line: string) => void = (line) => process.stderr.write(`gemlight: ${line}\n`),
): Promise<boolean> {
  const given = [options.backup, options.restore, options.export, options.import].filter(
    (v) => v !== undefined && v !== false,
  );
  if (given.length === 0) return false;
  if (given.length > 1) {
    err('give one of --backup, --restore, --export and --import at a time.');
    process.exitCode = 2;
    return true;
  }
  try {
    if (options.backup) {
      out(`backup ${await backupCommand(dataDir)}`);
    } else if (options.restore !== undefined) {
      const { restored, kept } = await restoreCommand(dataDir, options.restore);
      out(`restored ${restored}`);
      if (kept) out(`kept ${kept}`);
    } else if (options.export !== undefined) {
      const rows = exportCommand(dataDir, options.export);
      out(`exported ${rows} rows to ${resolve(options.export)}`);
    } else if (options.import !== undefined) {
      const { rows, kept } = await importCommand(dataDir, options.import);
      out(`imported ${rows} rows`);
      out(`kept ${kept}`);
    }
    process.exitCode = 0;
  } catch (error) {
    const explained = describeOpenFailure(error, dataDir);
    err(
      error instanceof BackupCommandError
        ? error.message
        : (explained ?? `the command failed: ${(error as Error).message}`),
    );
    process.exitCode = 1;
  }
  return true;
}
