import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { bundledCatalog } from '../../shared/catalog';
import { DEFAULT_RATES } from '../../shared/earnings';
import { IngestPipeline, type CommittedBatch } from '../../electron/services/ingest/pipeline';
import { openLedger, type LedgerDb } from '../../electron/services/ledger/db';
import {
  LedgerWriter,
  type ArrivalMeta,
  type LedgerEffect,
  type LedgerRecord,
} from '../../electron/services/ledger/writer';

/** A real writer that fails on one record, as a bug or a corrupt row would. */
class FailingWriter extends LedgerWriter {
  override append(record: LedgerRecord, meta: ArrivalMeta): LedgerEffect[] | null {
    const effects = super.append(record, meta);
    if (record.id === 'boom') throw new Error('simulated failure');
    return effects;
  }
}

let dir: string;
let db: LedgerDb;
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const immediate = (): Promise<void> => new Promise((r) => setImmediate(r));

function quietPipeline(groupWindowMs: number): IngestPipeline {
  dir = mkdtempSync(join(tmpdir(), 'gemlight-pipeline-'));
  db = openLedger(join(dir, 'gemlight.db'));
  const writer = new LedgerWriter(db, {
    ratesAt: () => DEFAULT_RATES,
    sessionIdleTimeoutMs: () => 1_800_000,
    streakTimeoutMs: () => 15_000,
  });
  return new IngestPipeline({
    db,
    writer,
    catalog: () => bundledCatalog,
    now: () => Date.UTC(2025, 0, 1),
    onCommitted: () => undefined,
    onRolledBack: () => writer.reloadOpenSessions(),
    groupWindowMs,
  });
}

describe('the ingest pipeline', () => {
  it('commits an event after a quiet spell at once, and paces commits under load', async () => {
    // A window far longer than the test: only the cadence rule can commit the first event.
    const pipeline = quietPipeline(60_000);
    const gift = (id: string) => ({ type: 'gift', id, user: { id: 'u' }, gift: { id: 5660 } });
    const first = await pipeline.submit([gift('q1')], { source: 'test', origin: 'live' });
    expect(first).toEqual([{ type: 'ack', id: 'q1', duplicate: false }]);
    expect(pipeline.stats()).toEqual({ commits: 1, records: 1 });
    // Right after a commit, events wait for the window so that they share the next one.
    const second = pipeline.submit([gift('q2')], { source: 'test', origin: 'live' });
    const third = pipeline.submit([gift('q3')], { source: 'test', origin: 'live' });
    await immediate();
    await immediate();
    expect(pipeline.stats()).toEqual({ commits: 1, records: 1 });
    pipeline.close();
    expect((await second).concat(await third).map((r) => r.type)).toEqual(['ack', 'ack']);
    expect(pipeline.stats()).toEqual({ commits: 2, records: 3 });
  });

  it('refuses only the record that fails, keeping the rest of its batch', async () => {
    dir = mkdtempSync(join(tmpdir(), 'gemlight-pipeline-'));
    db = openLedger(join(dir, 'gemlight.db'));
    const writer = new FailingWriter(db, {
      ratesAt: () => DEFAULT_RATES,
      sessionIdleTimeoutMs: () => 1_800_000,
      streakTimeoutMs: () => 15_000,
    });
    const committed: CommittedBatch[] = [];
    let rolledBack = 0;
    const pipeline = new IngestPipeline({
      db,
      writer,
      catalog: () => bundledCatalog,
      now: () => Date.UTC(2025, 0, 1),
      onCommitted: (b) => committed.push(b),
      onRolledBack: () => {
        rolledBack++;
        writer.reloadOpenSessions();
      },
    });
    const gift = (id: string) => ({ type: 'gift', id, user: { id: 'u' }, gift: { id: 5660 } });
    const replies = await pipeline.submit([gift('a'), gift('boom'), gift('b')], {
      source: 'test',
      origin: 'live',
    });
    expect(replies.map((r) => (r.type === 'ack' ? r.id : r.code))).toEqual(['a', 'internal', 'b']);
    expect(rolledBack).toBe(1);
    const stored = db.prepare('SELECT msg_id FROM raw_events ORDER BY seq').all();
    expect(stored).toEqual([{ msg_id: 'a' }, { msg_id: 'b' }]);
    expect(db.prepare('SELECT coins, gift_count FROM sessions').all()).toEqual([
      { coins: 200, gift_count: 2 },
    ]);
    // The broadcast carries exactly what was committed: two gifts, no trace of the failed one.
    const gifts = committed.flatMap((b) => b.effects).filter((e) => e.type === 'gift');
    expect(gifts).toHaveLength(2);
    expect(pipeline.stats()).toEqual({ commits: 1, records: 3 });
    pipeline.close();
  });
});
