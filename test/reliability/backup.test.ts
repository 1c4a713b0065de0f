import { spawn } from 'node:child_process';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { AutoBackup, listAutoBackups } from '../../electron/services/backup/auto';
import {
  exportLedger,
  importLedger,
  parseLedgerExport,
} from '../../electron/services/backup/jsonExport';
import { KEEP_DAILY, KEEP_WEEKLY, planRetention } from '../../electron/services/backup/retention';
import { backupNow } from '../../electron/services/ledger/backup';
import { openLedger } from '../../electron/services/ledger/db';
import { REPO_ROOT, spawnServeProcess, startTestServer, tempDataDir } from '../support/server';
import { readLedger, report, ResendingClient, TrafficGenerator } from './support';

const DAY = 24 * 60 * 60_000;
const dirs: string[] = [];
afterEach(() => {
  while (dirs.length > 0) rmSync(dirs.pop() ?? '', { recursive: true, force: true });
});
const tempDir = (): string => {
  const d = tempDataDir('gemlight-backup-');
  dirs.push(d);
  return d;
};

/** Runs `npm run serve` entry (node + tsx) to completion with the given arguments. */
function runServe(args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'electron/serve.ts', ...args], {
      cwd: REPO_ROOT,
      env: { ...process.env, GEMLIGHT_SKIP_WEB_BUILD: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => res({ code, out, err }));
  });
}

/** Fills a ledger through a real server with generated traffic; returns the generator. */
async function fill(dataDir: string, events: number, seed: number): Promise<TrafficGenerator> {
  const s = await startTestServer({ dataDir });
  const gen = new TrafficGenerator({ seed, prefix: `b${seed}` });
  const client = new ResendingClient();
  await client.connect(s.wsUrl, s.token);
  client.push(Array.from({ length: events }, () => gen.next()));
  expect(await client.settled()).toBe('drained');
  client.close();
  await s.stop({ keep: true });
  return gen;
}

describe('retention: 7 daily + 4 weekly', () => {
  it('keeps the newest of the 7 latest days and of the 4 latest weeks, and nothing else', () => {
    const start = new Date(2026, 0, 1, 12).getTime();
    // Two backups a day for 60 days.
    const backups = Array.from({ length: 120 }, (_, i) => ({
      file: `b${String(i).padStart(3, '0')}`,
      time: start + Math.floor(i / 2) * DAY + (i % 2) * 3_600_000,
    }));
    const { keep, remove } = planRetention(backups);
    expect(keep.length + remove.length).toBe(120);
    const kept = backups.filter((b) => keep.includes(b.file));
    // The 7 latest days: the second (newer) backup of each.
    const last7 = backups.slice(-14).filter((_, i) => i % 2 === 1);
    for (const b of last7) expect(keep).toContain(b.file);
    // Weekly ones reach back ~4 weeks; nothing older than 4 weeks + 1 day survives.
    const newest = backups[backups.length - 1]?.time ?? 0;
    expect(kept.every((b) => newest - b.time < 5 * 7 * DAY)).toBe(true);
    expect(keep.length).toBeGreaterThanOrEqual(KEEP_DAILY);
    expect(keep.length).toBeLessThanOrEqual(KEEP_DAILY + KEEP_WEEKLY);
    // Days without a backup do not use up a slot.
    const sparse = [0, 3, 9, 20, 30, 41, 50, 62, 70].map((d) => ({
      file: `s${d}`,
      time: start + d * DAY,
    }));
    expect(planRetention(sparse)).toEqual({
      keep: ['s9', 's20', 's30', 's41', 's50', 's62', 's70'],
      remove: ['s0', 's3'],
    });
  });

  it('the daily job makes one backup a day while ingest runs and prunes only automatic ones', async () => {
    const dataDir = tempDir();
    await fill(dataDir, 500, 1);
    const db = openLedger(join(dataDir, 'gemlight.db'));
    const dir = join(dataDir, 'backups');
    let now = new Date(2026, 2, 2, 9).getTime();
    await backupNow(db, dir, now, '');
    const job = new AutoBackup({ db, dir, now: () => now });
    for (let day = 0; day < 45; day++) {
      expect(await job.runOnce()).not.toBeNull();
      // A second check the same day makes nothing new.
      now += 3_600_000;
      expect(await job.runOnce()).toBeNull();
      now += DAY - 3_600_000;
    }
    await job.stop();
    const autos = listAutoBackups(dir);
    expect(autos.length).toBeGreaterThanOrEqual(KEEP_DAILY);
    expect(autos.length).toBeLessThanOrEqual(KEEP_DAILY + KEEP_WEEKLY);
    expect(planRetention(autos).remove).toEqual([]);
    // The manual backup is still there.
    expect(readdirSync(dir).filter((f) => !f.endsWith('-auto.db'))).toHaveLength(1);
    // A kept backup is a complete, healthy ledger.
    const newest = autos[autos.length - 1]?.file ?? '';
    const copy = readLedger(join(dir, newest));
    expect(copy.integrity).toBe('ok');
    expect(copy.liveCoins).toBe(readLedger(join(dataDir, 'gemlight.db')).liveCoins);
    db.close();
  });
});

describe('JSON export and import', () => {
  it('round-trips the ledger exactly, integers beyond 2^53 included', async () => {
    const dataDir = tempDir();
    const gen = await fill(dataDir, 3_000, 2);
    const db = openLedger(join(dataDir, 'gemlight.db'));
    // A value no double can hold: it must survive the trip digit for digit.
    db.prepare('UPDATE sessions SET viewers = ? WHERE id = 1').run(2n ** 62n + 1n);
    const first = exportLedger(db, 1);
    const text = JSON.stringify(first);
    db.close();

    const otherDir = tempDir();
    const other = openLedger(join(otherDir, 'gemlight.db'));
    const { rows } = importLedger(other, parseLedgerExport(text));
    const second = exportLedger(other, 1);
    other.close();
    expect(JSON.stringify(second)).toBe(text);
    expect(rows).toBeGreaterThan(3_000);
    const a = readLedger(join(dataDir, 'gemlight.db'));
    const b = readLedger(join(otherDir, 'gemlight.db'));
    expect(b.integrity).toBe('ok');
    expect(b.liveCoins).toBe(gen.coins);
    expect(b.rawEvents).toBe(a.rawEvents);
    expect([...b.allGifters]).toEqual([...a.allGifters]);
    const big = new Database(join(otherDir, 'gemlight.db'), { readonly: true });
    const viewers = big
      .prepare('SELECT viewers FROM sessions WHERE id = 1')
      .safeIntegers(true)
      .get();
    big.close();
    expect(viewers).toEqual({ viewers: 2n ** 62n + 1n });
    report('export', { rows, bytes: text.length });
  });

  it('refuses files that are not an export of this schema', () => {
    expect(() => parseLedgerExport('{nope')).toThrow(/not JSON/);
    expect(() => parseLedgerExport('{"format":"x"}')).toThrow(/not a Gemlight ledger export/);
    const db = openLedger(':memory:');
    const data = exportLedger(db);
    expect(() => importLedger(db, { ...data, schemaVersion: 999 })).toThrow(/schema version/);
    const { raw_events: _dropped, ...fewer } = data.tables;
    expect(() => importLedger(db, { ...data, tables: fewer })).toThrow(/same tables/);
    db.close();
  });
});

describe('the backup CLI and a ledger that cannot be opened', () => {
  it('--backup, a corrupt ledger (clear message + restore offer), --restore, --export/--import', async () => {
    const dataDir = tempDir();
    const gen = await fill(dataDir, 1_000, 3);
    const backup = await runServe(['--data-dir', dataDir, '--backup']);
    expect(backup.code, backup.err).toBe(0);
    const path = /^backup (.+)$/m.exec(backup.out)?.[1] ?? '';
    expect(existsSync(path)).toBe(true);

    // The ledger is overwritten with garbage: starting says so and offers the latest backup.
    const ledger = join(dataDir, 'gemlight.db');
    for (const suffix of ['-wal', '-shm']) rmSync(ledger + suffix, { force: true });
    writeFileSync(ledger, Buffer.alloc(64 * 1024, 0x5a));
    const broken = await runServe(['--data-dir', dataDir, '--port', '0']);
    expect(broken.code).toBe(2);
    expect(broken.err).toMatch(/could not be opened: the file is not a database/);
    expect(broken.err).toContain(`--restore "${path}"`);
    expect(broken.err).not.toMatch(/\n\s+at /);

    const restored = await runServe(['--data-dir', dataDir, '--restore', path]);
    expect(restored.code, restored.err).toBe(0);
    expect(restored.out).toMatch(/kept .*damaged-/);
    expect(readLedger(ledger).liveCoins).toBe(gen.coins);

    const exportFile = join(dataDir, 'export.json');
    const exported = await runServe(['--data-dir', dataDir, '--export', exportFile]);
    expect(exported.code, exported.err).toBe(0);
    const otherDir = tempDir();
    const imported = await runServe(['--data-dir', otherDir, '--import', exportFile]);
    expect(imported.code, imported.err).toBe(0);
    expect(readLedger(join(otherDir, 'gemlight.db')).liveCoins).toBe(gen.coins);

    // And the restored ledger serves again.
    const server = await spawnServeProcess({
      dataDir,
      via: 'node',
      env: { GEMLIGHT_SKIP_WEB_BUILD: '1' },
    });
    expect((await fetch(`${server.baseUrl}/health`)).status).toBe(200);
    expect(await server.stop('SIGTERM')).toBe(0);
  }, 180_000);

  it('a ledger locked by another program: a clear message, no stack trace', async () => {
    const dataDir = tempDir();
    await fill(dataDir, 10, 4);
    const holder = new Database(join(dataDir, 'gemlight.db'));
    holder.pragma('locking_mode = EXCLUSIVE');
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const locked = await runServe(['--data-dir', dataDir, '--port', '0']);
      expect(locked.code).toBe(2);
      expect(locked.err).toMatch(/could not be opened: another program holds it locked/);
      expect(locked.err).not.toMatch(/\n\s+at /);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  }, 60_000);
});
