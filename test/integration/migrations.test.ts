import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportLedger, importLedger, ImportError } from '../../electron/services/backup/jsonExport';
import { restoreInto, RestoreError } from '../../electron/services/ledger/backup';
import { openLedger } from '../../electron/services/ledger/db';
import { MIGRATIONS, SCHEMA_VERSION } from '../../electron/services/ledger/migrations';
import { gifterProfile } from '../../electron/services/ledger/queries';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gemlight-migrations-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2025, 5, 1, 20);

/** A ledger at schema version 1 (before the biggest gift moved onto all_gifters), with gifts. */
function versionOneLedger(file: string): void {
  const db = openLedger(file, { migrations: MIGRATIONS.filter((m) => m.version === 1) });
  db.prepare(
    `INSERT INTO sessions (id, started_at, simulated, rates, last_event_at) VALUES (1, ?, 0, '{}', ?)`,
  ).run(T0, T0);
  db.prepare(
    `INSERT INTO sessions (id, started_at, simulated, rates, last_event_at) VALUES (2, ?, 1, '{}', ?)`,
  ).run(T0, T0);
  const streak = db.prepare(
    `INSERT INTO streaks (id, lookup, session_id, simulated, user_id, gift_id, gift_name, group_id,
       coins_each, count, coins, ended, streakable, first_at, last_at, last_seen_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, '', ?, ?, ?, 1, 0, ?, ?, ?)`,
  );
  // ann: two 500-coin gifts (the earlier one is her biggest) and a bigger simulated one.
  streak.run(1, 'a1', 1, 0, 'ann', 7, 'Later', 500, 1, 500, T0 + 5, T0 + 5, T0 + 5);
  streak.run(2, 'a2', 1, 0, 'ann', 8, 'Earlier', 500, 1, 500, T0 + 1, T0 + 1, T0 + 1);
  streak.run(3, 'a3', 2, 1, 'ann', 9, 'Simulated', 9000, 1, 9000, T0, T0, T0);
  streak.run(4, 'b1', 1, 0, 'bob', 5655, 'Rose', 1, 30, 30, T0 + 2, T0 + 3, T0 + 3);
  const user = db.prepare(
    `INSERT INTO users (id, handle, name, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)`,
  );
  user.run('ann', 'ann', 'Ann', T0, T0 + 5);
  user.run('bob', 'bob', 'Bob', T0, T0 + 3);
  const all = db.prepare(
    `INSERT INTO all_gifters (user_id, coins, gifts, reached_at) VALUES (?, ?, ?, ?)`,
  );
  all.run('ann', 1000, 2, T0 + 5);
  all.run('bob', 30, 30, T0 + 3);
  db.close();
}

describe('schema migrations of an existing ledger', () => {
  it('moves each viewer’s biggest gift onto all_gifters and drops the per-user streak index', () => {
    const file = join(dir, 'gemlight.db');
    versionOneLedger(file);
    const db = openLedger(file, { backupDir: join(dir, 'backups') });
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      const rows = db
        .prepare('SELECT user_id, best_streak_id, best_coins, best_first_at FROM all_gifters')
        .all();
      expect(rows).toEqual([
        { user_id: 'ann', best_streak_id: 2, best_coins: 500, best_first_at: T0 + 1 },
        { user_id: 'bob', best_streak_id: 4, best_coins: 30, best_first_at: T0 + 2 },
      ]);
      const indexes = db
        .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'index'")
        .all()
        .map((r) => r.name);
      expect(indexes).not.toContain('streaks_user');
      expect(gifterProfile(db, 'ann')?.biggestGift).toEqual({
        giftId: 8,
        name: 'Earlier',
        coins: 500,
        time: T0 + 1,
      });
    } finally {
      db.close();
    }
    // The version-1 file was kept before it was migrated.
    expect(readdirSync(join(dir, 'backups')).some((f) => f.includes('.v1.'))).toBe(true);
  });

  it('imports a JSON export of an older schema, migrated like a ledger file', () => {
    const oldFile = join(dir, 'old.db');
    versionOneLedger(oldFile);
    const old = openLedger(oldFile, { migrations: MIGRATIONS.filter((m) => m.version === 1) });
    const data = exportLedger(old);
    old.close();
    expect(data.schemaVersion).toBe(1);
    const db = openLedger(join(dir, 'live', 'gemlight.db'));
    try {
      const { rows } = importLedger(db, data);
      expect(rows).toBeGreaterThan(8);
      expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
      expect(gifterProfile(db, 'ann')?.biggestGift?.name).toBe('Earlier');
      expect(() => importLedger(db, { ...data, schemaVersion: SCHEMA_VERSION + 1 })).toThrow(
        ImportError,
      );
      expect(db.prepare('SELECT count(*) AS n FROM streaks').get()).toEqual({ n: 4 });
    } finally {
      db.close();
    }
  });

  it('restores a backup of an older schema into a running ledger, migrating a copy', () => {
    const old = join(dir, 'old-backup.db');
    versionOneLedger(old);
    const db = openLedger(join(dir, 'live', 'gemlight.db'));
    try {
      restoreInto(db, old);
      expect(gifterProfile(db, 'bob')?.biggestGift?.name).toBe('Rose');
      expect(db.prepare('SELECT count(*) AS n FROM streaks').get()).toEqual({ n: 4 });
      // The backup file itself is left as it was.
      const check = new Database(old, { readonly: true });
      expect(check.pragma('user_version', { simple: true })).toBe(1);
      check.close();
      // A backup from a newer Gemlight is refused and changes nothing.
      const newer = join(dir, 'newer.db');
      const n = new Database(newer);
      n.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
      n.close();
      expect(() => restoreInto(db, newer)).toThrow(RestoreError);
      expect(db.prepare('SELECT count(*) AS n FROM streaks').get()).toEqual({ n: 4 });
    } finally {
      db.close();
    }
  });
});
