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

describe('the ingest pipeline', () => {
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
