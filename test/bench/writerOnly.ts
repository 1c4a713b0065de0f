/**
 * The ingest benchmark's storage bound, in a process of its own (forked by ingest.ts): the same
 * gift traffic the client sends, already parsed and normalized, appended by the ledger writer in
 * group commits of `batch` events (WAL, synchronous=FULL), with no network, no replies and no
 * live broadcast. What one SQLite writer thread sustains on this machine: durable ingest through
 * a single writer cannot be faster.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledCatalog } from '../../shared/catalog';
import { normalizeEvent } from '../../shared/normalize';
import type { LiveEvent } from '../../shared/events';
import { openLedger } from '../../electron/services/ledger/db';
import { GiftTraffic } from './traffic';
import { writerFromStoredSettings } from '../../electron/services/ledger/storedWriter';

/** What the parent asks for. */
export interface WriterOnlyJob {
  events: number;
  batch: number;
  seed: number;
}

/** What the writer-only run reports. */
export interface WriterOnlyReport {
  events: number;
  elapsedMs: number;
  cpuMs: number;
}

function run(job: WriterOnlyJob): WriterOnlyReport {
  const dir = mkdtempSync(join(tmpdir(), 'gemlight-bench-writer-only-'));
  try {
    const db = openLedger(join(dir, 'gemlight.db'));
    const { writer } = writerFromStoredSettings(db);
    const traffic = new GiftTraffic(job.seed, `w${job.seed}-${process.pid}`, true);
    const now = Date.now();
    const prepared: { event: LiveEvent; raw: string }[] = [];
    for (let i = 0; i < job.events; i++) {
      const raw = traffic.next(now + i);
      const r = normalizeEvent(raw, {
        now,
        catalog: bundledCatalog,
        origin: 'live',
        makeId: () => `w-${i}`,
      });
      if (!r.ok || r.value.kind !== 'event') throw new Error('bench traffic was refused');
      prepared.push({ event: r.value.event, raw: JSON.stringify(raw) });
    }
    const cpu = process.cpuUsage();
    const began = performance.now();
    for (let i = 0; i < prepared.length; i += job.batch) {
      const slice = prepared.slice(i, i + job.batch);
      db.transaction(() =>
        writer.batch(() => {
          for (const { event, raw } of slice) {
            writer.append(event, { source: 'push', receivedAt: Date.now(), raw });
          }
        }),
      )();
    }
    const elapsedMs = performance.now() - began;
    const used = process.cpuUsage(cpu);
    db.close();
    return { events: prepared.length, elapsedMs, cpuMs: (used.user + used.system) / 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

process.once('message', (job: WriterOnlyJob) => {
  const report = run(job);
  process.send?.(report, () => process.exit(0));
});
