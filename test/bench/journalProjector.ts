/**
 * The projector of the journal experiment (journalServer.ts): a worker thread that reads the raw
 * log back in commit order and applies each event to the derived rows with the ledger's own writer
 * (streaks, sessions, gifters, rollups), in a file of its own so that its commits never wait for
 * the raw log's write lock. It reports how far it got after each batch.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { openLedger } from '../../electron/services/ledger/db';
import { writerFromStoredSettings } from '../../electron/services/ledger/storedWriter';
import type { LedgerRecord } from '../../electron/services/ledger/writer';

/** After each applied batch: the last raw-log sequence applied, and events applied in all. */
export interface ProjectorReport {
  seq: number;
  applied: number;
}

/** Events applied per transaction, as the ingest pipeline's largest batch. */
const CHUNK = 5_000;

const { file, projectionFile } = workerData as { file: string; projectionFile: string };
const journal = new Database(file, { readonly: true });
const read = journal.prepare<[number, number], { seq: number; event: string; received_at: number }>(
  'SELECT seq, event, received_at FROM raw_events WHERE seq > ? ORDER BY seq LIMIT ?',
);
const db = openLedger(projectionFile);
const { writer } = writerFromStoredSettings(db);
let seq = 0;
let applied = 0;
let target = 0;
let running = false;

function project(): void {
  running = false;
  const rows = read.all(seq, CHUNK);
  if (rows.length > 0) {
    db.transaction(() =>
      writer.batch(() => {
        for (const row of rows)
          writer.apply(JSON.parse(row.event) as LedgerRecord, row.received_at);
      }),
    )();
    seq = rows[rows.length - 1]?.seq ?? seq;
    applied += rows.length;
    const report: ProjectorReport = { seq, applied };
    parentPort?.postMessage(report);
  }
  if (seq < target) schedule();
}

function schedule(): void {
  if (running) return;
  running = true;
  // Between batches the worker reads its messages, so it always knows the newest commit.
  setImmediate(project);
}

parentPort?.on('message', (committed: number) => {
  target = Math.max(target, committed);
  schedule();
});
