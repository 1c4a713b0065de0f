import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_RATES, withRates, ratesAt, type RateSchedule } from '../../shared/earnings';
import type { EventOrigin, GiftEvent } from '../../shared/events';
import * as Q from '../../shared/rational';
import { StreakBook } from '../../shared/streaks';
import { CashBook } from '../../electron/services/ledger/cashBook';
import { addRates, loadSchedule } from '../../electron/services/ledger/config';
import { LedgerTooNewError, openLedger, type LedgerDb } from '../../electron/services/ledger/db';
import { MIGRATIONS, SCHEMA_VERSION } from '../../electron/services/ledger/migrations';
import { RangeGifterCounts } from '../../electron/services/ledger/rangeGifters';
import { rebuildDerived } from '../../electron/services/ledger/rebuild';
import {
  LedgerWriter,
  type LedgerEffect,
  type LedgerRecord,
  type WriterConfig,
} from '../../electron/services/ledger/writer';

const T0 = Date.UTC(2025, 2, 3, 18, 0, 0);
const MIN = 60_000;

let dir: string;
let db: LedgerDb;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gemlight-ledger-'));
  db = openLedger(join(dir, 'gemlight.db'));
});
afterEach(() => {
  if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

function config(over: Partial<{ idle: number; streak: number; schedule: RateSchedule }> = {}) {
  const c: WriterConfig = {
    ratesAt: (t) => ratesAt(over.schedule ?? [DEFAULT_RATES], t),
    sessionIdleTimeoutMs: () => over.idle ?? 30 * MIN,
    streakTimeoutMs: () => over.streak ?? 15_000,
  };
  return c;
}

let seq = 0;
function gift(
  over: Partial<Omit<GiftEvent, 'gift' | 'user'>> & {
    user?: string;
    giftId?: number;
    coins?: number;
    streakable?: boolean;
  } = {},
): GiftEvent {
  const { user = 'u1', giftId = 5655, coins = 1, streakable = true, ...rest } = over;
  return {
    type: 'gift',
    id: `m${seq++}`,
    time: T0,
    user: { id: user, handle: `h${user}`, name: `Name ${user}` },
    gift: { id: giftId, name: `Gift ${giftId}`, coins, streakable },
    count: 1,
    origin: 'live',
    ...rest,
  };
}

/** Appends records in one transaction, as the pipeline does; returns null for duplicates. */
function append(w: LedgerWriter, records: LedgerRecord[], at = T0): (LedgerEffect[] | null)[] {
  return db.transaction(() =>
    records.map((r) => w.append(r, { source: 'test', receivedAt: at, raw: JSON.stringify(r) })),
  )();
}

const totals = () =>
  db
    .prepare(
      'SELECT count(*) AS sessions, sum(coins) AS coins, sum(gift_count) AS gifts FROM sessions WHERE simulated = 0',
    )
    .get() as { sessions: number; coins: number | null; gifts: number | null };

/** Every derived table, in a stable order, for before/after comparisons. */
function dumpDerived(): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const t of [
    'sessions',
    'gaps',
    'streaks',
    'users',
    'session_gifters',
    'gifter_returns',
    'user_last_session',
    'session_gifts',
    'minute_rollups',
    'day_gifters',
    'all_gifters',
  ]) {
    out[t] = db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all();
  }
  return out;
}

describe('ledger file', () => {
  it('is WAL with synchronous=FULL and STRICT tables at the current schema version', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const tables = db
      .prepare<[], { name: string; sql: string }>(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
      )
      .all();
    expect(tables.length).toBeGreaterThan(10);
    for (const t of tables) expect(t.sql, t.name).toMatch(/\)\s*STRICT/);
    expect(() =>
      db
        .prepare(
          'INSERT INTO raw_events (msg_id, kind, source, origin, received_at, raw, event) VALUES (1, 2, 3, 4, ?, 6, 7)',
        )
        .run('not a number'),
    ).toThrow();
  });

  it('refuses a database written by a newer schema, leaving it untouched', () => {
    db.pragma(`user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    expect(() => openLedger(join(dir, 'gemlight.db'))).toThrow(LedgerTooNewError);
    expect(() => openLedger(join(dir, 'gemlight.db'))).toThrow(/newer Gemlight/);
    const raw = new Database(join(dir, 'gemlight.db'));
    expect(raw.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 5);
    raw.close();
  });

  it('backs the file up before migrating and rolls a failed migration back', () => {
    db.close();
    const file = join(dir, 'gemlight.db');
    const extra = {
      version: SCHEMA_VERSION + 1,
      description: 'test',
      sql: 'CREATE TABLE extra (x INTEGER) STRICT;',
    };
    const broken = {
      version: SCHEMA_VERSION + 2,
      description: 'broken',
      sql: 'CREATE TABLE half (x INTEGER) STRICT; THIS IS NOT SQL;',
    };
    expect(() => openLedger(file, { migrations: [...MIGRATIONS, extra, broken] })).toThrow();
    const check = new Database(file);
    expect(check.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION + 1);
    const names = check
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'")
      .all()
      .map((r) => r.name);
    expect(names).toContain('extra');
    expect(names).not.toContain('half');
    check.close();
    const backups = readdirSync(join(dir, 'backups'));
    expect(backups.some((b) => b.includes(`.v${SCHEMA_VERSION}.`))).toBe(true);
    expect(backups).toHaveLength(1);
    db = openLedger(file, { migrations: [...MIGRATIONS, extra] });
  });
});

describe('streak accounting in the ledger', () => {
  it('counts a streak once at its highest count, whatever the order and repeats', () => {
    const w = new LedgerWriter(db, config());
    const s = { id: 'g1', end: false };
    const msgs = [
      gift({ count: 1, streak: s }),
      gift({ count: 3, streak: s }),
      gift({ count: 2, streak: s }), // late, out of order
      gift({ count: 7, streak: { id: 'g1', end: true } }),
      gift({ count: 5, streak: s }), // after the end, lower
    ];
    const results = append(w, [...msgs, msgs[1] as GiftEvent]);
    expect(results[5]).toBeNull(); // duplicate message id
    expect(totals()).toEqual({ sessions: 1, coins: 7, gifts: 7 });
    const streak = db.prepare('SELECT count, coins, ended FROM streaks').all();
    expect(streak).toEqual([{ count: 7, coins: 7, ended: 1 }]);
  });

  it('matches the in-memory StreakBook on random traffic, and a rebuild gives identical tables', () => {
    const w = new LedgerWriter(db, config({ streak: 3_600_000 }));
    const book = new StreakBook();
    let rnd = 42;
    const next = () => (rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const events: GiftEvent[] = [];
    for (let s = 0; s < 60; s++) {
      const user = `u${Math.floor(next() * 12)}`;
      const kind = next();
      if (kind < 0.5) {
        const n = 1 + Math.floor(next() * 8);
        for (let c = 1; c <= n; c++) {
          events.push(
            gift({
              user,
              count: c,
              streak: { id: `g${s}`, end: c === n },
              time: T0 + s * 1000 + c,
            }),
          );
        }
      } else if (kind < 0.75) {
        // A connector without group ids: running counts and a final repeatEnd.
        const n = 1 + Math.floor(next() * 5);
        for (let c = 1; c <= n; c++) {
          events.push(
            gift({
              user,
              giftId: 5487,
              coins: 5,
              count: c,
              streak: { id: '', end: c === n },
              time: T0 + s * 1000 + c,
            }),
          );
        }
      } else {
        events.push(
          gift({ user, giftId: 6089, coins: 7000, streakable: false, time: T0 + s * 1000 }),
        );
      }
    }
    // Shuffle neighbours and repeat some messages, as reconnects do.
    for (let i = 0; i + 1 < events.length; i += 3) {
      if (next() < 0.4)
        [events[i], events[i + 1]] = [events[i + 1] as GiftEvent, events[i] as GiftEvent];
    }
    const withRepeats = events.flatMap((e) => (next() < 0.15 ? [e, e] : [e]));
    for (const e of withRepeats) {
      book.apply(e);
      append(w, [e]);
    }
    expect(totals().coins).toBe(book.totalCoins);
    expect(totals().gifts).toBe(book.totalGifts);
    const allBoard = db.prepare('SELECT sum(coins) AS c FROM all_gifters').get() as { c: number };
    expect(allBoard.c).toBe(book.totalCoins);
    // Each viewer's biggest gift, kept as it goes, is the one a full search of the streaks finds.
    const best = db
      .prepare<[], { user_id: string; best_streak_id: number | null; best_coins: number }>(
        'SELECT user_id, best_streak_id, best_coins FROM all_gifters ORDER BY user_id',
      )
      .all();
    expect(best.length).toBeGreaterThan(5);
    for (const row of best) {
      const searched = db
        .prepare<[string], { id: number; coins: number }>(
          `SELECT id, coins FROM streaks WHERE user_id = ? AND simulated = 0
           ORDER BY coins DESC, first_at, id LIMIT 1`,
        )
        .get(row.user_id);
      expect({ id: row.best_streak_id, coins: row.best_coins }, row.user_id).toEqual(searched);
    }
    const before = dumpDerived();
    const { records } = rebuildDerived(db, config({ streak: 3_600_000 }), T0 + 5 * MIN);
    expect(records).toBe(events.length);
    expect(dumpDerived()).toEqual(before);
  });

  it('closes a streak whose end never came, and a group-less message after it starts anew', () => {
    const w = new LedgerWriter(db, config({ streak: 15_000 }));
    append(w, [gift({ count: 3, streak: { id: '', end: false }, time: T0 })], T0);
    const effects = db.transaction(() => w.expireStreaks(T0 + 20_000))();
    expect(effects).toEqual([{ type: 'streakClosed', key: 's1', count: 3 }]);
    append(w, [gift({ count: 2, streak: { id: '', end: true }, time: T0 + 21_000 })], T0 + 21_000);
    expect(totals().coins).toBe(5);
    // Rebuilding decides staleness on arrival times too, so it agrees.
    const before = dumpDerived();
    rebuildDerived(db, config({ streak: 15_000 }), T0 + 60_000);
    expect(dumpDerived()).toEqual(before);
  });
});

describe('sessions', () => {
  it('open on the first gift, close when idle, and a later gift opens the next one', () => {
    const w = new LedgerWriter(db, config({ idle: 30 * MIN }));
    append(w, [gift({ count: 1, streakable: false })], T0);
    append(w, [gift({ count: 2, streakable: false })], T0 + 10 * MIN);
    append(w, [gift({ count: 4, streakable: false })], T0 + 41 * MIN);
    const rows = db
      .prepare('SELECT id, started_at, ended_at, end_reason, coins FROM sessions ORDER BY id')
      .all();
    expect(rows).toEqual([
      { id: 1, started_at: T0, ended_at: T0 + 10 * MIN, end_reason: 'idle', coins: 3 },
      { id: 2, started_at: T0 + 41 * MIN, ended_at: null, end_reason: null, coins: 4 },
    ]);
  });

  it('follow session start/end and streamEnd, and record gaps from disconnects', () => {
    const w = new LedgerWriter(db, config());
    const ev = (action: 'start' | 'end', id: string): LedgerRecord => ({
      type: 'session',
      id,
      time: T0,
      action,
      origin: 'live',
    });
    append(w, [ev('start', 's1')], T0);
    append(
      w,
      [
        {
          type: 'connection',
          id: 'c1',
          source: 'tiktok',
          state: 'disconnected',
          time: T0,
          origin: 'live',
        },
      ],
      T0 + 1000,
    );
    append(
      w,
      [
        {
          type: 'connection',
          id: 'c2',
          source: 'tiktok',
          state: 'connected',
          time: T0,
          origin: 'live',
        },
      ],
      T0 + 41_000,
    );
    append(w, [gift({ coins: 10, streakable: false })], T0 + 50_000);
    append(w, [ev('end', 's2')], T0 + 60_000);
    append(w, [ev('end', 's3')], T0 + 61_000); // nothing open: no effect
    const s = db.prepare('SELECT id, started_at, ended_at, end_reason, coins FROM sessions').all();
    expect(s).toEqual([
      { id: 1, started_at: T0, ended_at: T0 + 60_000, end_reason: 'ended', coins: 10 },
    ]);
    expect(db.prepare('SELECT from_at, to_at FROM gaps').all()).toEqual([
      { from_at: T0 + 1000, to_at: T0 + 41_000 },
    ]);
  });

  it('keep simulated and replayed gifts in their own session, off the earnings boards', () => {
    const w = new LedgerWriter(db, config());
    const sim = (origin: EventOrigin) => gift({ coins: 100, streakable: false, origin });
    append(w, [gift({ coins: 5, streakable: false }), sim('simulated'), sim('replay')], T0);
    const rows = db.prepare('SELECT simulated, coins FROM sessions ORDER BY id').all();
    expect(rows).toEqual([
      { simulated: 0, coins: 5 },
      { simulated: 1, coins: 200 },
    ]);
    expect(db.prepare('SELECT sum(coins) AS c FROM all_gifters').get()).toEqual({ c: 5 });
    expect(db.prepare('SELECT sum(coins) AS c FROM day_gifters').get()).toEqual({ c: 5 });
    // A simulated session ends after five quiet minutes; the LIVE one waits the full timeout.
    append(w, [sim('simulated'), gift({ coins: 1, streakable: false })], T0 + 6 * MIN);
    const after = db.prepare('SELECT simulated, ended_at FROM sessions ORDER BY id').all();
    expect(after).toEqual([
      { simulated: 0, ended_at: null },
      { simulated: 1, ended_at: T0 },
      { simulated: 1, ended_at: null },
    ]);
  });
});

describe('cash', () => {
  it('rounds per session with running totals so sessions sum to the range exactly', () => {
    const w = new LedgerWriter(db, config({ idle: MIN }));
    // 3 coins at 1/2 minor per diamond = 1.5 minor each: naive rounding would drift.
    for (let i = 0; i < 7; i++) {
      append(w, [gift({ coins: 3, streakable: false })], T0 + i * 10 * MIN);
    }
    const cash = new CashBook(db, { code: 'USD', exponent: 2 });
    const ids = (db.prepare('SELECT id FROM sessions ORDER BY id').all() as { id: number }[]).map(
      (r) => r.id,
    );
    expect(ids).toHaveLength(7);
    const each = ids.map((id) => cash.rounded(id));
    expect(each.reduce((a, b) => a + b, 0n)).toBe(cash.rangeRounded(null, null));
    expect(cash.rangeRounded(null, null)).toBe(Q.roundHalfEven(Q.rational(21, 2)));
    // Any contiguous range adds up too.
    expect(each.slice(2, 5).reduce((a, b) => a + b, 0n)).toBe(
      cash.rangeRounded(T0 + 20 * MIN, T0 + 50 * MIN),
    );
    for (const c of each) expect(c === 1n || c === 2n).toBe(true);
  });

  it('values sessions at the rates in force when they started, also after a past-dated rate', () => {
    const w = new LedgerWriter(db, config({ idle: MIN, schedule: loadSchedule(db) }));
    append(w, [gift({ coins: 1000, streakable: false })], T0);
    append(w, [gift({ coins: 1000, streakable: false })], T0 + 10 * MIN);
    const doubled = {
      ...DEFAULT_RATES,
      effectiveFrom: T0 + 5 * MIN,
      usdPerDiamond: Q.rational(1, 100),
    };
    db.transaction(() => addRates(db, doubled, loadSchedule(db)))();
    expect(loadSchedule(db)).toEqual(withRates([DEFAULT_RATES], doubled));
    const cash = new CashBook(db, { code: 'USD', exponent: 2 });
    expect(cash.rounded(1)).toBe(500n);
    expect(cash.rounded(2)).toBe(1000n);
    const before = dumpDerived();
    const schedule = loadSchedule(db);
    rebuildDerived(db, config({ idle: MIN, schedule }), T0 + 10 * MIN);
    expect(dumpDerived()).toEqual(before);
  });
});

describe('file on disk', () => {
  it('is created with mode 0600', () => {
    expect(existsSync(join(dir, 'gemlight.db'))).toBe(true);
    if (process.platform !== 'win32') {
      expect(statSync(join(dir, 'gemlight.db')).mode & 0o777).toBe(0o600);
    }
  });
});

describe('distinct gifters over ranges', () => {
  it('match a plain DISTINCT count for random ranges, also while gifts keep arriving', () => {
    const w = new LedgerWriter(db, config({ idle: MIN }));
    const counts = new RangeGifterCounts(db);
    let rnd = 7;
    const next = () => (rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const sql = (from: number, to: number) =>
      (
        db
          .prepare(
            `SELECT count(DISTINCT g.user_id) AS n FROM session_gifters g JOIN sessions s ON s.id = g.session_id
             WHERE s.simulated = 0 AND s.started_at >= ? AND s.started_at < ?`,
          )
          .get(from, to) as { n: number }
      ).n;
    const check = (sessions: number) => {
      for (let q = 0; q < 30; q++) {
        const a = T0 + Math.floor(next() * (sessions + 2)) * 10 * MIN - 5 * MIN;
        const b = a + Math.floor(next() * (sessions + 2)) * 10 * MIN;
        expect(counts.count(a, b), `${a}..${b}`).toBe(sql(a, b));
      }
    };
    const feed = (writer: LedgerWriter, records: LedgerRecord[], at: number) => {
      for (const effects of append(writer, records, at)) if (effects) counts.committed(effects);
    };
    let session = 0;
    const play = (sessions: number) => {
      for (let s = 0; s < sessions; s++, session++) {
        const at = T0 + session * 10 * MIN;
        const batch = Array.from({ length: 1 + Math.floor(next() * 8) }, () =>
          gift({ user: `v${Math.floor(next() ** 2 * 15)}`, streakable: false }),
        );
        // A simulated gift now and then must never count.
        if (next() < 0.3) batch.push(gift({ user: 'v1', origin: 'simulated', streakable: false }));
        feed(w, batch, at);
      }
    };
    play(12);
    check(12);
    play(10); // the model was loaded: it must follow the new sessions
    check(22);
    // A late update of a streak of an old session adds a gifter there: links are redone.
    const old = gift({ user: 'late', count: 1, streak: { id: 'old', end: false }, time: T0 });
    feed(w, [old], T0 + 2 * MIN);
    feed(w, [gift({ user: 'late', streakable: false })], T0 + 300 * MIN);
    append(
      w,
      [gift({ user: 'late', count: 1, streak: { id: 'old', end: false }, time: T0 })],
      T0 + 301 * MIN,
    );
    check(32);
    const before = dumpDerived();
    rebuildDerived(db, config({ idle: MIN }), T0 + 301 * MIN);
    expect(dumpDerived()).toEqual(before);
    counts.clear();
    check(32);
  });
});
