/**
 * What the live hub costs per ingested gift: a real ledger in a temp dir takes gift traffic in
 * 2,000-record batches (as the pipeline commits them, untimed), then each batch's effects go
 * through `LiveHub.applied` and `LiveHub.committed`, timed, with no listener and with one no-op
 * listener (the /events server's listener does next to nothing when no client is connected).
 * Run: npx tsx test/bench/hubMicro.ts [batches] [batchSize]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledCatalog } from '../../shared/catalog';
import { reduceLive, reduceLiveAll, type LiveMessage } from '../../shared/liveState';
import { normalizeEvent } from '../../shared/normalize';
import type { CommittedBatch } from '../../electron/services/ingest/pipeline';
import { openLedger } from '../../electron/services/ledger/db';
import { LiveHub } from '../../electron/services/live/hub';
import { median } from './stats';
import { GiftTraffic } from './traffic';
import { storedHubContext } from '../support/hub';

/** Median µs per gift of each hub entry point. */
export interface HubMicroResult {
  gifts: number;
  appliedUs: { noListener: number; oneListener: number };
  committedUs: { noListener: number; oneListener: number };
  /** The reducer alone on one batch's committed gift messages: fold of reduceLive vs reduceLiveAll. */
  reducerUs: { fold: number; batch: number };
}

/** Runs `batches` batches of `batchSize` gifts through a hub on a real ledger. */
export function hubMicro(batches: number, batchSize: number): HubMicroResult {
  const dir = mkdtempSync(join(tmpdir(), 'gemlight-bench-hub-'));
  try {
    const db = openLedger(join(dir, 'gemlight.db'));
    let clock = Date.now();
    const { ctx, writer } = storedHubContext(db, () => clock);
    const hub = new LiveHub(ctx);
    const traffic = new GiftTraffic(11, 'hm', true);
    let n = 0;
    const nextBatch = (): CommittedBatch => {
      const batch: CommittedBatch = { effects: [], testEvents: [] };
      db.transaction(() =>
        writer.batch(() => {
          for (let i = 0; i < batchSize; i++) {
            clock += 1;
            const raw = traffic.next(clock);
            const r = normalizeEvent(raw, {
              now: clock,
              catalog: bundledCatalog,
              origin: 'live',
              makeId: () => `hm-x${n}`,
            });
            n++;
            if (!r.ok || r.value.kind !== 'event') throw new Error('traffic refused');
            const effects = writer.append(r.value.event, {
              source: 'push',
              receivedAt: clock,
              raw: JSON.stringify(raw),
            });
            if (effects) batch.effects.push(...effects);
          }
        }),
      )();
      return batch;
    };
    const time = (work: () => void): number => {
      const began = performance.now();
      work();
      return ((performance.now() - began) * 1000) / batchSize;
    };
    const applied: { noListener: number[]; oneListener: number[] } = {
      noListener: [],
      oneListener: [],
    };
    const committed: { noListener: number[]; oneListener: number[] } = {
      noListener: [],
      oneListener: [],
    };
    const fold: number[] = [];
    const batched: number[] = [];
    let received = 0;
    for (let b = 0; b < batches; b++) {
      const batch = nextBatch();
      const withListener = b % 2 === 1;
      const off = withListener ? hub.subscribe(() => received++) : () => undefined;
      const key = withListener ? 'oneListener' : 'noListener';
      // The first two batches warm the JIT up and are not counted.
      const a = time(() => hub.applied(batch));
      const before = hub.snapshot();
      const c = time(() => hub.committed(batch));
      off();
      const messages: LiveMessage[] = [];
      for (const e of batch.effects) {
        if (e.type === 'gift') messages.push({ type: 'gift', gift: e.gift });
        if (e.type === 'streakClosed')
          messages.push({ type: 'combo', key: e.key, count: e.count, ended: true });
      }
      const f = time(() => messages.reduce(reduceLive, before));
      const r = time(() => reduceLiveAll(before, messages));
      if (b < 2) continue;
      applied[key].push(a);
      committed[key].push(c);
      fold.push(f);
      batched.push(r);
    }
    db.close();
    if (received === 0) throw new Error('the listener never received a message');
    return {
      gifts: batches * batchSize,
      appliedUs: {
        noListener: median(applied.noListener),
        oneListener: median(applied.oneListener),
      },
      committedUs: {
        noListener: median(committed.noListener),
        oneListener: median(committed.oneListener),
      },
      reducerUs: { fold: median(fold), batch: median(batched) },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('hubMicro.ts')) {
  const batches = Number(process.argv[2] ?? 22);
  const batchSize = Number(process.argv[3] ?? 2_000);
  const r = hubMicro(batches, batchSize);
  const us = (v: number): string => `${v.toFixed(2)} µs/gift`;
  process.stdout.write(
    [
      `${r.gifts} gifts in ${batches} batches of ${batchSize} (medians of ${batches - 2} batches)`,
      `hub.applied    no listener ${us(r.appliedUs.noListener)}   one no-op listener ${us(r.appliedUs.oneListener)}`,
      `hub.committed  no listener ${us(r.committedUs.noListener)}   one no-op listener ${us(r.committedUs.oneListener)}`,
      `reducer only   fold of reduceLive ${us(r.reducerUs.fold)}   reduceLiveAll ${us(r.reducerUs.batch)}`,
      '',
    ].join('\n'),
  );
}
