/**
 * The worker thread of the writer-thread experiment: owns the ledger's connection and writer and
 * commits what the socket thread hands it, in the form its split says (see writerThreadCommit.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openLedger } from '../../electron/services/ledger/db';
import { writerFromStoredSettings } from '../../electron/services/ledger/storedWriter';
import type { LiveEvent } from '../../shared/events';
import { commitBatch, prepareFrame, type Prepared } from './writerThreadCommit';

/** What the socket thread sends: one batch, shaped by the split. */
export type WorkerBatch =
  | { split: 'objects'; receivedAt: number; items: Prepared[] }
  | { split: 'strings'; receivedAt: number; events: string[]; raws: string[] }
  | { split: 'frames'; receivedAt: number; frames: string[] };

/**
 * What the worker answers: one JSON text of `Committed` plus, for frames, each frame's event
 * count (a single string crosses threads as one copy).
 */
export interface WorkerAnswer {
  json: string;
}

const { file } = workerData as { file: string };
const db = openLedger(file);
const { writer } = writerFromStoredSettings(db);

parentPort?.on('message', (batch: WorkerBatch) => {
  let items: Prepared[];
  let counts: number[] | undefined;
  switch (batch.split) {
    case 'objects':
      items = batch.items;
      break;
    case 'strings':
      items = batch.events.map((text, i) => ({
        event: JSON.parse(text) as LiveEvent,
        raw: batch.raws[i] ?? '',
      }));
      break;
    case 'frames':
      items = [];
      counts = [];
      for (const text of batch.frames) {
        const frame = prepareFrame(text, batch.receivedAt);
        counts.push(frame.length);
        for (const p of frame) items.push(p);
      }
      break;
  }
  const committed = commitBatch(db, writer, items, batch.receivedAt);
  const answer: WorkerAnswer = { json: JSON.stringify({ ...committed, counts }) };
  parentPort?.postMessage(answer);
});
