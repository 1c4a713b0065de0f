import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EventsClient, REPO_ROOT, tempDataDir } from '../support/server';
import {
  readLedger,
  report,
  ResendingClient,
  scale,
  timeoutFor,
  TrafficGenerator,
} from './support';

const EVENTS = scale('LONGRUN_EVENTS', 60_000, 2_000_000);
const CHUNK = 5_000;

interface Memory {
  rss: number;
  heapUsed: number;
  external: number;
}

const MB = 1024 * 1024;

describe('long run: a whole stream compressed into minutes', () => {
  it(
    `${EVENTS} events with streaks, battles and reconnects: memory flat, overlay connected, totals exact`,
    async () => {
      const dataDir = tempDataDir('gemlight-long-');
      const token = randomBytes(24).toString('hex');
      const child = fork(
        join(REPO_ROOT, 'test/reliability/memoryProbeServer.ts'),
        [dataDir, token],
        {
          cwd: REPO_ROOT,
          execArgv: ['--expose-gc', '--import', 'tsx'],
          stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
        },
      );
      const exited = new Promise<number | null>((res) => child.once('exit', (c) => res(c)));
      const replies: ((m: Memory) => void)[] = [];
      const ready = new Promise<{ port: number; overlayKey: string }>((res, rej) => {
        child.on(
          'message',
          (m: { type: string } & Memory & { port: number; overlayKey: string }) => {
            if (m.type === 'ready') res(m);
            if (m.type === 'memory') replies.shift()?.(m);
          },
        );
        void exited.then((c) => rej(new Error(`probe server exited with ${c}`)));
      });
      const memory = (): Promise<Memory> =>
        new Promise((res, rej) => {
          if (child.exitCode !== null) return rej(new Error('the probe server is gone'));
          replies.push(res);
          child.send({ type: 'memory' });
          void exited.then(() => rej(new Error('the probe server exited')));
        });
      try {
        const { port, overlayKey } = await ready;
        const ingestUrl = `ws://127.0.0.1:${port}/ingest`;
        const eventsUrl = `ws://127.0.0.1:${port}/events`;
        const gen = new TrafficGenerator({
          seed: 2_000_000,
          prefix: 'long',
          startTime: Date.now() - 8 * 3_600_000,
        });
        const client = new ResendingClient(100, 8);
        await client.connect(ingestUrl, token);
        let overlay = await EventsClient.connect(
          eventsUrl,
          { key: overlayKey },
          { widget: 'alerts' },
        );
        let sourceReconnects = 0;
        let overlayReconnects = 0;
        const samples: Memory[] = [];
        let baseline: Memory | null = null;
        for (let chunk = 0; gen.sent < EVENTS; chunk++) {
          const batch = Array.from({ length: Math.min(CHUNK, EVENTS - gen.sent) }, () =>
            gen.next(),
          );
          // Every third chunk the source drops mid-way and reconnects, resending what was unacked.
          const dropAt = chunk % 3 === 1 ? client.acked + Math.floor(batch.length / 2) : -1;
          client.onAck = (acked) => {
            if (acked === dropAt) client.close();
          };
          client.push(batch);
          while ((await client.settled()) === 'dropped') {
            sourceReconnects += 1;
            await client.connect(ingestUrl, token);
          }
          if (chunk % 4 === 2) {
            // The overlay (OBS reloading the browser source) reconnects and gets a snapshot.
            overlay.close();
            overlay = await EventsClient.connect(
              eventsUrl,
              { key: overlayKey },
              { widget: 'alerts' },
            );
            overlayReconnects += 1;
          }
          if (chunk % 4 === 3 || gen.sent >= EVENTS) {
            const m = await memory();
            samples.push(m);
            // The first quarter warms caches up; what follows must stay flat.
            if (baseline === null && gen.sent >= EVENTS / 4) baseline = m;
          }
        }
        client.close();
        expect(client.errors).toEqual([]);
        // The overlay page is still connected, and alerts reached it (pages get each gift once,
        // as its early alert; money is the dashboard's, checked next).
        expect(overlay.ws.readyState).toBe(overlay.ws.OPEN);
        expect(overlay.messages[0]?.type).toBe('snapshot');
        expect(overlay.messages.some((m) => m.type === 'gift' && m.gift.pending)).toBe(true);
        overlay.close();
        // The dashboard's live totals are exact.
        const dashboard = await EventsClient.connect(eventsUrl, { token });
        await dashboard.waitFor((c) => c.state?.session?.coins === gen.coins, 30_000);
        dashboard.close();
        const last = samples[samples.length - 1];
        if (!baseline || !last) throw new Error('no memory samples');
        const peakHeap = Math.max(
          ...samples.slice(samples.indexOf(baseline)).map((s) => s.heapUsed),
        );
        child.send({ type: 'stop' });
        expect(await exited).toBe(0);

        const ledger = readLedger(join(dataDir, 'gemlight.db'));
        report('long-run', {
          events: EVENTS,
          sourceReconnects,
          overlayReconnects,
          resent: client.resent,
          heapBaselineMB: (baseline.heapUsed / MB).toFixed(1),
          heapEndMB: (last.heapUsed / MB).toFixed(1),
          heapPeakMB: (peakHeap / MB).toFixed(1),
          rssBaselineMB: (baseline.rss / MB).toFixed(1),
          rssEndMB: (last.rss / MB).toFixed(1),
          lost: gen.coins - ledger.liveCoins,
        });
        expect(ledger.integrity).toBe('ok');
        expect(ledger.rawEvents).toBe(EVENTS);
        expect(ledger.liveCoins).toBe(gen.coins);
        expect(ledger.liveGifts).toBe(gen.gifts);
        expect(ledger.sessionCoins).toBe(gen.coins);
        expect(ledger.likes).toBe(gen.likes);
        expect(sourceReconnects).toBeGreaterThan(0);
        expect(overlayReconnects).toBeGreaterThan(0);
        // Flat: after warm-up, the heap grows by less than a few bytes per event, and the
        // resident set by less than what SQLite's caches and allocator slack account for.
        expect(last.heapUsed - baseline.heapUsed).toBeLessThan(16 * MB);
        expect(last.rss - baseline.rss).toBeLessThan(96 * MB);
      } finally {
        if (child.exitCode === null) child.kill('SIGKILL');
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
    timeoutFor(180_000, 7_200_000),
  );
});
