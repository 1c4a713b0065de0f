/**
 * What the minimal /ingest servers of the design experiments (writerThreadServer.ts,
 * journalServer.ts) share: listening for benchmark 1's client, acking a frame's events in one
 * write, and starting a worker thread on TypeScript.
 */
import { resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { WebSocketServer, type WebSocket } from 'ws';
import { wsText } from '../../electron/services/http/wsText';
import { answerParent } from './targetProtocol';

/**
 * Listens on a free port of 127.0.0.1 (no auth), hands every frame's text to `onFrame`, and
 * speaks the ingest server protocol of ingestServer.ts; at 'stop' it closes and runs `stop`.
 */
export function listenForClient(
  onFrame: (ws: WebSocket, text: string) => void,
  stop: () => Promise<void> | void,
): void {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 1024 * 1024 });
  wss.on('connection', (ws) => {
    ws.on('message', (data) => onFrame(ws, wsText(data)));
  });
  wss.once('listening', () => {
    const { port } = wss.address() as AddressInfo;
    answerParent({ url: `ws://127.0.0.1:${port}/ingest`, token: 'unused' }, async () => {
      wss.close();
      await stop();
    });
  });
}

/**
 * Sends `count` acks, the i-th for `idAt(i)`, corked so that they leave in one write, as
 * Gemlight's server does.
 */
export function sendAcks(
  ws: WebSocket,
  count: number,
  idAt: (i: number) => string | undefined,
  duplicateAt: (i: number) => boolean | undefined,
): void {
  const socket = (ws as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
  socket.cork();
  for (let i = 0; i < count; i++) {
    ws.send(JSON.stringify({ type: 'ack', id: idAt(i), duplicate: duplicateAt(i) }));
  }
  socket.uncork();
}

/** Starts `file` (next to this one) on a worker thread; Node 20 does not pass `--import` hooks to workers, so tsx is loaded by hand. */
export function tsxWorker(file: string, workerData: unknown): Worker {
  const entry = resolve(import.meta.dirname, file);
  return new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)});`, {
    eval: true,
    workerData,
  });
}
