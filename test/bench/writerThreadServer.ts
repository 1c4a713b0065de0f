/**
 * The server of the writer-thread experiment (writerThread.ts), in a process of its own: a minimal
 * /ingest (no auth, no live hub) whose group commit runs on the socket thread or on a worker
 * thread, split as `process.argv[2]` says. One batch is on the worker at a time; what arrives
 * meanwhile waits for the next, so the socket thread keeps reading while the worker commits.
 * It speaks the ingest server protocol of ingestServer.ts ('go', 'stop', `TargetReady`).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WebSocket } from 'ws';
import { openLedger } from '../../electron/services/ledger/db';
import { writerFromStoredSettings } from '../../electron/services/ledger/storedWriter';
import { listenForClient, sendAcks, tsxWorker } from './minimalServer';
import {
  commitBatch,
  prepareFrame,
  type Committed,
  type Prepared,
  type Split,
} from './writerThreadCommit';
import type { WorkerAnswer, WorkerBatch } from './writerThreadWorker';

interface Job {
  ws: WebSocket;
  text: string;
  /** Parsed and normalized on this thread (all splits but 'frames'). */
  items: Prepared[] | null;
}

const split = process.argv[2] as Split;
const dataDir = mkdtempSync(join(tmpdir(), `gemlight-bench-thread-${split}-`));
const file = join(dataDir, 'gemlight.db');
const db = openLedger(file);
const inline = split === 'inline' ? writerFromStoredSettings(db).writer : null;
if (!inline) db.close();

const worker = inline ? null : tsxWorker('writerThreadWorker.ts', { file });
let queue: Job[] = [];
let onWorker: Job[] | null = null;
let scheduled = false;
/** Effects reach the socket thread as they would reach the live hub. */
let effectsSeen = 0;

function reply(jobs: readonly Job[], committed: Committed, counts?: number[]): void {
  effectsSeen += committed.effects.length;
  let at = 0;
  jobs.forEach((job, j) => {
    const n = counts?.[j] ?? job.items?.length ?? 0;
    const from = at;
    sendAcks(
      job.ws,
      n,
      (i) => committed.ids[from + i],
      (i) => committed.duplicate[from + i],
    );
    at += n;
  });
}

function toWorker(jobs: Job[], receivedAt: number): WorkerBatch {
  switch (split) {
    case 'frames':
      return { split, receivedAt, frames: jobs.map((j) => j.text) };
    case 'strings': {
      const items = jobs.flatMap((j) => j.items ?? []);
      return {
        split,
        receivedAt,
        events: items.map((p) => JSON.stringify(p.event)),
        raws: items.map((p) => p.raw),
      };
    }
    case 'objects':
    case 'inline':
      return { split: 'objects', receivedAt, items: jobs.flatMap((j) => j.items ?? []) };
  }
}

function flush(): void {
  scheduled = false;
  if (queue.length === 0 || onWorker) return;
  const jobs = queue;
  queue = [];
  if (inline) {
    reply(
      jobs,
      commitBatch(
        db,
        inline,
        jobs.flatMap((j) => j.items ?? []),
        Date.now(),
      ),
    );
    return;
  }
  onWorker = jobs;
  worker?.postMessage(toWorker(jobs, Date.now()));
}

worker?.on('message', (answer: WorkerAnswer) => {
  const committed = JSON.parse(answer.json) as Committed & { counts?: number[] };
  const jobs = onWorker ?? [];
  onWorker = null;
  reply(jobs, committed, committed.counts);
  flush();
});

listenForClient(
  (ws, text) => {
    queue.push({ ws, text, items: split === 'frames' ? null : prepareFrame(text, Date.now()) });
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  },
  async () => {
    await worker?.terminate();
    if (inline) db.close();
    rmSync(dataDir, { recursive: true, force: true });
    process.stderr.write(`  ${split}: ${effectsSeen} effects reached the socket thread\n`);
  },
);
