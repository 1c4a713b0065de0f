import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedger, type LedgerDb, type OpenLedgerOptions } from './db';
import { SCHEMA_VERSION } from './migrations';

/** Backup files are plain names in the backups folder; nothing else may be restored. */
const BACKUP_NAME = /^gemlight-[0-9TZ-]+(?:-[a-z-]+)?\.db$/;

/** Whether `name` is a backup file name this app writes. */
export const isBackupName = (name: string): boolean => BACKUP_NAME.test(name);

const stampOf = (time: number): string =>
  new Date(time)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[:.]/g, '-');

/** Copies the live ledger with SQLite's online backup (safe while it is being written). */
export async function backupNow(
  db: LedgerDb,
  dir: string,
  now: number,
  label = '',
): Promise<{ file: string; bytes: number }> {
  mkdirSync(dir, { recursive: true });
  const suffix = label ? `-${label}` : '';
  let name = `gemlight-${stampOf(now)}${suffix}.db`;
  for (let i = 2; existsIn(dir, name); i++) name = `gemlight-${stampOf(now)}-${i}${suffix}.db`;
  await db.backup(join(dir, name));
  return { file: name, bytes: statSync(join(dir, name)).size };
}

function existsIn(dir: string, name: string): boolean {
  try {
    statSync(join(dir, name));
    return true;
  } catch {
    return false;
  }
}

/** The backups in `dir`, newest first. */
export function listBackups(dir: string): { file: string; time: number; bytes: number }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter(isBackupName)
    .map((file) => {
      const st = statSync(join(dir, file));
      return { file, time: st.mtimeMs, bytes: st.size };
    })
    .sort((a, b) => b.time - a.time || (a.file < b.file ? 1 : -1));
}

/** Raised when a backup cannot be restored (wrong schema, not a ledger). */
export class RestoreError extends Error {}

/**
 * Replaces every table of the open ledger with the backup's, in one transaction, so that all
 * prepared statements and handles stay valid. The caller refreshes its caches afterwards.
 */
export function restoreInto(
  db: LedgerDb,
  file: string,
  options: Pick<OpenLedgerOptions, 'nativeBinding'> = {},
): void {
  const version = versionOf(db, file);
  if (version < 1 || version > SCHEMA_VERSION) {
    throw new RestoreError(
      `The backup has schema version ${version}; this Gemlight restores versions 1 to ${SCHEMA_VERSION}.`,
    );
  }
  if (version < SCHEMA_VERSION) {
    // An older backup is brought up to this schema on a copy (the backup itself stays as it is).
    const work = mkdtempSync(join(tmpdir(), 'gemlight-restore-'));
    try {
      const copy = join(work, 'ledger.db');
      copyFileSync(file, copy);
      openLedger(copy, { ...options, backupDir: work }).close();
      copyTables(db, copy);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    return;
  }
  copyTables(db, file);
}

function versionOf(db: LedgerDb, file: string): number {
  db.prepare('ATTACH DATABASE ? AS restore_src').run(file);
  try {
    return (db.prepare('PRAGMA restore_src.user_version').get() as { user_version: number })
      .user_version;
  } finally {
    db.exec('DETACH DATABASE restore_src');
  }
}

function copyTables(db: LedgerDb, file: string): void {
  db.prepare('ATTACH DATABASE ? AS restore_src').run(file);
  try {
    const tables = db
      .prepare<[], { name: string }>(
        "SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
      )
      .all()
      .map((t) => t.name);
    db.transaction(() => {
      db.pragma('defer_foreign_keys = ON');
      for (const t of tables) db.exec(`DELETE FROM main."${t}"`);
      for (const t of tables) db.exec(`INSERT INTO main."${t}" SELECT * FROM restore_src."${t}"`);
    })();
  } finally {
    db.exec('DETACH DATABASE restore_src');
  }
}
