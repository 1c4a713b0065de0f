/**
 * The ingest benchmark's client, in a process of its own (forked by ingest.ts). It prepares its
 * frames first (canonical and TikTok-Live-Connector gifts with streaks, arrays of several sizes),
 * then keeps up to `window` events in flight on one connection, counting acks until the time is up.
 */
import WebSocket from 'ws';
import { GiftTraffic } from './traffic';
import { wsText } from '../../electron/services/http/wsText';

/** What the parent asks for. */
export interface ClientJob {
  url: string;
  token: string;
  /** Events prepared (each id is sent once: a repeat would be a cheap duplicate). */
  events: number;
  durationMs: number;
  /** Most events sent but not yet acked. */
  window: number;
  seed: number;
}

/** What the client reports. */
export interface ClientReport {
  acked: number;
  errors: number;
  firstError: string | null;
  elapsedMs: number;
  eventsPerSecond: number;
  /** Send-to-last-ack time of every frame (ms). */
  frameLatencies: number[];
  /** CPU time of this client process while it sent and counted (ms). */
  cpuMs: number;
}

/** Frame sizes, cycled: single events as relays send them, and batches as busy clients do. */
const FRAME_SIZES = [1, 25, 100, 250];

function prepare(job: ClientJob): { text: string; count: number }[] {
  const traffic = new GiftTraffic(job.seed, `b${job.seed}-${process.pid}`, true);
  const frames: { text: string; count: number }[] = [];
  let made = 0;
  let t = Date.now();
  for (let f = 0; made < job.events; f++) {
    const size = Math.min(FRAME_SIZES[f % FRAME_SIZES.length] ?? 1, job.events - made);
    const items = Array.from({ length: size }, () => traffic.next(t++));
    frames.push({ text: JSON.stringify(size === 1 ? items[0] : items), count: size });
    made += size;
  }
  return frames;
}

function run(job: ClientJob, frames: { text: string; count: number }[]): Promise<ClientReport> {
  const ws = new WebSocket(job.url, { headers: { Authorization: `Bearer ${job.token}` } });
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('open', () => {
      const inFlight: { count: number; left: number; sentAt: number }[] = [];
      const frameLatencies: number[] = [];
      let next = 0;
      let pending = 0;
      let acked = 0;
      let errors = 0;
      let firstError: string | null = null;
      const start = performance.now();
      const cpuAtStart = process.cpuUsage();
      let lastAck = start;
      let stopped = false;
      const pump = (): void => {
        while (!stopped && next < frames.length) {
          const frame = frames[next];
          if (!frame || pending + frame.count > job.window) break;
          next++;
          pending += frame.count;
          inFlight.push({ count: frame.count, left: frame.count, sentAt: performance.now() });
          ws.send(frame.text);
        }
      };
      const finish = (): void => {
        ws.close();
        const elapsedMs = lastAck - start;
        const cpu = process.cpuUsage(cpuAtStart);
        resolve({
          cpuMs: (cpu.user + cpu.system) / 1000,
          acked,
          errors,
          firstError,
          elapsedMs,
          eventsPerSecond: (acked / elapsedMs) * 1000,
          frameLatencies,
        });
      };
      ws.on('message', (data) => {
        const reply = JSON.parse(wsText(data)) as { type: string; message?: string };
        if (reply.type === 'ack') acked++;
        else {
          errors++;
          firstError ??= reply.message ?? reply.type;
        }
        pending--;
        const head = inFlight[0];
        if (head && --head.left === 0) {
          inFlight.shift();
          lastAck = performance.now();
          frameLatencies.push(lastAck - head.sentAt);
        }
        if (!stopped && performance.now() - start >= job.durationMs) stopped = true;
        if (stopped || next >= frames.length) {
          if (pending === 0) finish();
          return;
        }
        pump();
      });
      pump();
    });
  });
}

process.once('message', (job: ClientJob) => {
  const frames = prepare(job);
  // The parent starts the server's clock (and profile) now, then says 'start'.
  process.send?.('prepared');
  process.once('message', () => {
    run(job, frames).then(
      (report) => {
        process.send?.(report, () => process.exit(0));
      },
      (error: unknown) => {
        process.stderr.write(`ingest client failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  });
});
