import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundledCatalog } from '../../shared/catalog';
import { DEFAULT_RATES } from '../../shared/earnings';
import type { EventOrigin, GiftEvent } from '../../shared/events';
import { IngestPipeline } from '../../electron/services/ingest/pipeline';
import { openLedger, type LedgerDb } from '../../electron/services/ledger/db';
import { DERIVED_TABLES } from '../../electron/services/ledger/migrations';
import { rebuildDerived } from '../../electron/services/ledger/rebuild';
import {
  LedgerWriter,
  type ArrivalMeta,
  type LedgerEffect,
  type LedgerRecord,
  type WriterConfig,
} from '../../electron/services/ledger/writer';

/**
 * The writer collects derived-table changes per group-commit batch and caches open streaks in
 * memory. These tests hold it to what one upsert per event gives, and check that the cache never
 * outlives a rollback or a restart.
 */

const T0 = Date.UTC(2025, 2, 3, 18, 0, 0);
const MIN = 60_000;

let dir: string;
const dbs: LedgerDb[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'gemlight-ledger-batch-'));
});
afterEach(() => {
  for (const db of dbs.splice(0)) if (db.open) db.close();
  rmSync(dir, { recursive: true, force: true });
});

function open(name: string): LedgerDb {
  const db = openLedger(join(dir, `${name}.db`));
  dbs.push(db);
  return db;
}

const config = (streakMs = 15_000, idleMs = 10 * MIN): WriterConfig => ({
  ratesAt: () => DEFAULT_RATES,
  sessionIdleTimeoutMs: () => idleMs,
  streakTimeoutMs: () => streakMs,
});

function dump(db: LedgerDb): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const t of DERIVED_TABLES) out[t] = db.prepare(`SELECT * FROM "${t}" ORDER BY 1, 2`).all();
  return out;
}

interface Arrival {
  record: LedgerRecord;
  at: number;
}

/** Mixed traffic: streaks with and without ids, repeats, reorders, silences, sessions, avatars. */
function traffic(seed: number, n: number): Arrival[] {
  let rnd = seed;
  const next = () => (rnd = (rnd * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const pick = (k: number) => Math.floor(next() * k);
  const out: Arrival[] = [];
  let at = T0;
  let id = 0;
  const open = new Map<string, { user: string; gift: number; count: number; group: string }>();
  while (out.length < n) {
    at += pick(4) === 0 ? pick(40_000) : pick(300);
    const roll = next();
    const origin: EventOrigin = next() < 0.15 ? 'simulated' : 'live';
    if (roll < 0.01) {
      out.push({
        record: {
          type: 'session',
          action: next() < 0.5 ? 'start' : 'end',
          id: `s${id++}`,
          time: at,
          origin,
        },
        at,
      });
      continue;
    }
    if (roll < 0.02) {
      out.push({
        record: {
          type: 'like',
          id: `l${id++}`,
          time: at,
          origin,
          user: { id: 'u1', handle: 'h', name: 'n' },
          count: 3,
        },
        at,
      });
      continue;
    }
    const user = `u${pick(next() < 0.5 ? 4 : 40)}`;
    const streakKey = `${user}-${pick(3)}`;
    let s = open.get(streakKey);
    if (!s || next() < 0.2) {
      s = {
        user,
        gift: [5655, 5487, 0][pick(3)] ?? 5655,
        count: 0,
        group: next() < 0.3 ? '' : `g${id}`,
      };
      open.set(streakKey, s);
    }
    s.count += 1 + pick(3);
    const end = next() < 0.25;
    const streakable = next() < 0.85;
    const e: GiftEvent = {
      type: 'gift',
      id: `m${id++}`,
      time: at - pick(2000),
      user: {
        id: s.user,
        handle: `h${s.user}${pick(2)}`,
        name: `Name ${s.user}`,
        ...(next() < 0.5 ? { avatar: `https://a.example/${pick(3)}.png` } : {}),
      },
      gift: {
        id: s.gift,
        name: `Gift ${s.gift}`,
        coins: s.gift === 0 ? 0 : s.gift === 5487 ? 5 : 1,
        streakable,
        ...(next() < 0.5 ? { image: `https://g.example/${pick(2)}.png` } : {}),
      },
      count: s.count,
      origin,
      ...(streakable ? { streak: { id: s.group, end } } : {}),
    };
    if (end) open.delete(streakKey);
    out.push({ record: e, at });
    // Repeats (reconnects) and late updates of earlier messages.
    if (next() < 0.1) out.push({ record: e, at });
    if (next() < 0.05 && out.length > 10) {
      const old = out[out.length - 1 - pick(10)];
      if (old) out.push({ record: old.record, at });
    }
  }
  return out;
}

function appendAll(
  db: LedgerDb,
  writer: LedgerWriter,
  arrivals: Arrival[],
  batchSizes: () => number,
  batched: boolean,
): LedgerEffect[] {
  const effects: LedgerEffect[] = [];
  for (let i = 0; i < arrivals.length;) {
    const from = i;
    const to = Math.min(arrivals.length, i + batchSizes());
    i = to;
    const run = () => {
      for (let k = from; k < to; k++) {
        const { record, at } = arrivals[k] as Arrival;
        const meta: ArrivalMeta = { source: 'test', receivedAt: at, raw: JSON.stringify(record) };
        effects.push(...(writer.append(record, meta) ?? []));
        // Housekeeping between records of a batch, at the same points in both runs.
        if (k % 97 === 0) effects.push(...writer.expireStreaks(at));
      }
    };
    db.transaction(() => (batched ? writer.batch(run) : run()))();
  }
  return effects;
}

describe('batched ledger writes', () => {
  it('leave the same tables and effects as one write per event, and a rebuild reproduces them', () => {
    const arrivals = traffic(7, 3_000);
    const single = open('single');
    const batched = open('batched');
    const singleWriter = new LedgerWriter(single, config());
    const expected = appendAll(single, singleWriter, arrivals, () => 1, false);
    let r = 99;
    const sizes = () => 1 + ((r = (r * 48271) % 2147483647) % 400);
    const writer = new LedgerWriter(batched, config());
    const got = appendAll(batched, writer, arrivals, sizes, true);
    expect(got).toEqual(expected);
    expect(dump(batched)).toEqual(dump(single));
    // A rebuild replays records only, then closes what is idle or stale at `end`: do the same live.
    const end = (arrivals.at(-1)?.at ?? T0) + 24 * 60 * MIN;
    for (const [db, w] of [
      [single, singleWriter],
      [batched, writer],
    ] as const) {
      db.transaction(() => [...w.closeIdle(end), ...w.expireStreaks(end)])();
    }
    const tables = dump(single);
    expect((tables.streaks ?? []).length).toBeGreaterThan(500);
    expect(dump(batched)).toEqual(tables);
    rebuildDerived(batched, config(), end);
    expect(dump(batched)).toEqual(tables);
  });

  it('forget the cached streak after a rollback, so a refused update is never counted', () => {
    const db = open('rollback');
    const writer = new LedgerWriter(db, config(3_600_000));
    const streak = (id: string, count: number): GiftEvent => ({
      type: 'gift',
      id,
      time: T0 + count,
      user: { id: 'u', handle: 'u', name: 'U' },
      gift: { id: 5655, name: 'Rose', coins: 1, streakable: true },
      count,
      streak: { id: 'g1', end: false },
      origin: 'live',
    });
    const meta = (r: LedgerRecord): ArrivalMeta => ({
      source: 't',
      receivedAt: T0,
      raw: JSON.stringify(r),
    });
    db.transaction(() => writer.batch(() => writer.append(streak('a', 5), meta(streak('a', 5)))))();
    // A batch that raises after caching count 10 rolls back; the caller reloads, as the pipeline does.
    expect(() =>
      db.transaction(() =>
        writer.batch(() => {
          writer.append(streak('b', 10), meta(streak('b', 10)));
          throw new Error('simulated failure');
        }),
      )(),
    ).toThrow('simulated failure');
    writer.reloadOpenSessions();
    const effects = db.transaction(() => writer.append(streak('c', 7), meta(streak('c', 7))))();
    const g = effects?.find((e) => e.type === 'gift');
    expect(g?.type === 'gift' && g.gift.deltaCount).toBe(2);
    // A restarted writer continues from the table.
    const restarted = new LedgerWriter(db, config(3_600_000));
    const later = db.transaction(() => restarted.append(streak('d', 9), meta(streak('d', 9))))();
    const g2 = later?.find((e) => e.type === 'gift');
    expect(g2?.type === 'gift' && g2.gift.deltaCount).toBe(2);
    expect(db.prepare('SELECT count, coins FROM streaks').all()).toEqual([{ count: 9, coins: 9 }]);
    expect(db.prepare('SELECT coins, gift_count FROM sessions').all()).toEqual([
      { coins: 9, gift_count: 9 },
    ]);
  });

  it('refuse only the event whose rows fail to write at the end of the batch', async () => {
    const db = open('flushfail');
    const writer = new LedgerWriter(db, config(3_600_000));
    // The failure happens when the batch writes session_gifts, after every event was applied.
    db.exec(`CREATE TRIGGER no_gift_7 BEFORE INSERT ON session_gifts WHEN NEW.gift_id = 7
             BEGIN SELECT RAISE(ABORT, 'gift 7 refused'); END`);
    const pipeline = new IngestPipeline({
      db,
      writer,
      catalog: () => bundledCatalog,
      now: () => T0,
      onCommitted: () => undefined,
      onRolledBack: () => writer.reloadOpenSessions(),
    });
    const ev = (id: string, giftId: number, count: number) => ({
      type: 'gift',
      id,
      user: { id: 'u' },
      gift: { id: giftId, coins: 2, streakable: true },
      count,
      streak: { id: `g${giftId}`, end: false },
    });
    const first = await pipeline.submit([ev('a', 5655, 3), ev('b', 7, 4), ev('c', 5655, 6)], {
      source: 'test',
      origin: 'live',
    });
    expect(first.map((r) => r.type)).toEqual(['ack', 'error', 'ack']);
    const second = await pipeline.submit([ev('d', 5655, 8)], { source: 'test', origin: 'live' });
    expect(second.map((r) => r.type)).toEqual(['ack']);
    expect(db.prepare('SELECT gift_id, count FROM streaks ORDER BY id').all()).toEqual([
      { gift_id: 5655, count: 8 },
    ]);
    expect(db.prepare('SELECT coins, gift_count, gifter_count FROM sessions').all()).toEqual([
      { coins: 16, gift_count: 8, gifter_count: 1 },
    ]);
    expect(db.prepare('SELECT msg_id FROM raw_events ORDER BY seq').all()).toEqual([
      { msg_id: 'a' },
      { msg_id: 'c' },
      { msg_id: 'd' },
    ]);
    pipeline.close();
  });
});
