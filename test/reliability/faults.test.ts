import { spawnSync } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, rmdirSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { WebSocketServer, type WebSocket as ServerSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import type { LiveMessage } from '../../shared/liveState';
import { GemlightCore } from '../../electron/services/core';
import { TikFinitySource } from '../../electron/services/sources/tikfinity';
import { startTestServer, tempDataDir } from '../support/server';
import {
  readLedger,
  report,
  ResendingClient,
  TrafficGenerator,
  waitUntil,
  type CanonicalEvent,
} from './support';

/** Mounts a small tmpfs (root only); null with the reason printed when that is not possible. */
function mountTmpfs(sizeKb: number): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'gemlight-full-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeKb}k`, 'tmpfs', dir]);
  if (r.status !== 0) {
    rmdirSync(dir);
    process.stdout.write(
      `[reliability] cannot mount a tmpfs here (${String(r.stderr).trim() || 'not root'}): the disk-full test is skipped.\n`,
    );
    return null;
  }
  return dir;
}

const canMount = ((): boolean => {
  const dir = mountTmpfs(64);
  if (dir === null) return false;
  spawnSync('umount', [dir]);
  rmdirSync(dir);
  return true;
})();

/** Fills the file system until ENOSPC; returns the filler's path. */
function fillDisk(dir: string): string {
  const file = join(dir, 'filler');
  const fd = openSync(file, 'w');
  const chunk = Buffer.alloc(16 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    closeSync(fd);
  }
  // Fill the last partial block too.
  const small = openSync(join(dir, 'filler-tail'), 'w');
  try {
    for (;;) writeSync(small, Buffer.alloc(512, 1));
  } catch {
    // ENOSPC: the disk is full now.
  } finally {
    closeSync(small);
  }
  return file;
}

/** Gemlight's services without the network, for faults injected from inside. */
function coreFor(dataDir: string): GemlightCore {
  return new GemlightCore({
    dataDir,
    version: 'test',
    log: () => undefined,
    overlayInfo: () => ({ key: '', baseUrl: '', widgets: [] }),
    appInfo: () => ({
      version: 'test',
      dataDir,
      ingestUrl: '',
      dashboardUrl: '',
      token: '',
      lanUrls: [],
    }),
  });
}

describe('faults', () => {
  it.runIf(canMount)(
    'disk full: storage_full errors, nothing acked that was not committed, and it resumes',
    async () => {
      const mount = mountTmpfs(6 * 1024);
      if (mount === null) return;
      const dataDir = join(mount, 'data');
      mkdirSync(dataDir);
      let server = await startTestServer({ dataDir });
      try {
        const gen = new TrafficGenerator({ seed: 77, prefix: 'full' });
        const client = new ResendingClient(20, 2);
        await client.connect(server.wsUrl, server.token);
        const sent: CanonicalEvent[] = [];
        const send = (n: number) => {
          const batch = Array.from({ length: n }, () => gen.next());
          sent.push(...batch);
          client.push(batch);
        };
        send(500);
        expect(await client.settled()).toBe('drained');

        fillDisk(mount);
        // Keep sending: once SQLite needs a page it cannot get, every event is refused.
        const fullErrors = () =>
          client.errors.filter((e) => e.type === 'error' && e.code === 'storage_full');
        for (let round = 0; round < 200 && fullErrors().length === 0; round++) {
          send(200);
          await new Promise((r) => setTimeout(r, 20));
          // The storage_full replies are not resent by the client: it waits for space.
          await waitUntil(() => client.unacked.size <= client.errors.length, 'replies', 30_000);
        }
        const errors = fullErrors();
        expect(errors.length).toBeGreaterThan(0);
        const first = errors[0];
        expect(first).toMatchObject({ code: 'storage_full' });
        expect(first?.type === 'error' && first.message).toMatch(/disk is full/i);
        const refusedIds = new Set(client.errors.map((e) => e.id));
        // The API still answers while the disk is full.
        expect((await fetch(`${server.baseUrl}/health`)).status).toBe(200);

        // Space returns: the refused events are sent again and all of them are stored once.
        rmSync(join(mount, 'filler'));
        rmSync(join(mount, 'filler-tail'));
        client.errors = [];
        client.close();
        await client.connect(server.wsUrl, server.token);
        send(300);
        expect(await client.settled()).toBe('drained');
        expect(client.errors).toEqual([]);
        client.close();
        await server.stop({ keep: true });

        const ledger = readLedger(join(dataDir, 'gemlight.db'));
        report('disk-full', {
          eventsSent: sent.length,
          storageFullReplies: errors.length,
          resentAfterSpaceReturned: refusedIds.size,
          lost: gen.coins - ledger.liveCoins,
        });
        expect(ledger.integrity).toBe('ok');
        expect(ledger.rawEvents).toBe(sent.length);
        expect(ledger.liveCoins).toBe(gen.coins);
        expect(ledger.liveGifts).toBe(gen.gifts);
        expect(ledger.sessionCoins).toBe(gen.coins);
        // And the server restarts on the same (once full) disk.
        server = await startTestServer({ dataDir });
        expect((await fetch(`${server.baseUrl}/health`)).status).toBe(200);
      } finally {
        await server.stop({ keep: true });
        spawnSync('umount', [mount]);
        rmdirSync(mount);
      }
    },
    120_000,
  );

  it('a size-limited database (max_page_count): the same storage_full path, without root', async () => {
    const dataDir = tempDataDir('gemlight-pages-');
    const core = coreFor(dataDir);
    try {
      const gen = new TrafficGenerator({ seed: 78, prefix: 'pages' });
      const submit = (events: CanonicalEvent[]) =>
        core.submit(events, { source: 'push', origin: 'live' });
      const first = Array.from({ length: 300 }, () => gen.next());
      expect((await submit(first)).every((r) => r.type === 'ack')).toBe(true);
      const pages = core.db.pragma('page_count', { simple: true }) as number;
      core.db.pragma(`max_page_count = ${pages + 40}`);
      const refused: CanonicalEvent[] = [];
      let acked = first.length;
      for (let round = 0; round < 100 && refused.length === 0; round++) {
        const batch = Array.from({ length: 50 }, () => gen.next());
        const replies = await submit(batch);
        replies.forEach((r, i) => {
          const e = batch[i];
          if (!e) return;
          if (r.type === 'ack') acked += 1;
          else if (r.code === 'storage_full') refused.push(e);
          else throw new Error(`unexpected reply ${JSON.stringify(r)}`);
        });
      }
      expect(refused.length).toBeGreaterThan(0);
      // Room again: everything refused is sent again and stored once.
      core.db.pragma('max_page_count = 1073741823');
      const again = await submit(refused);
      expect(again.every((r) => r.type === 'ack' && !r.duplicate)).toBe(true);
      await core.close();
      const ledger = readLedger(join(dataDir, 'gemlight.db'));
      expect(ledger.integrity).toBe('ok');
      expect(ledger.rawEvents).toBe(acked + refused.length);
      expect(ledger.liveCoins).toBe(gen.coins);
      expect(ledger.sessionCoins).toBe(gen.coins);
      report('page-limit', {
        acked,
        storageFull: refused.length,
        lost: gen.coins - ledger.liveCoins,
      });
    } finally {
      await core.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('a source that disconnects mid-streak: the streak settles at its highest count and the gap is recorded', async () => {
    const dataDir = tempDataDir('gemlight-gap-');
    const core = coreFor(dataDir);
    const live: LiveMessage[] = [];
    core.onLive((m) => live.push(m));
    await core.call('settings.update', { streakTimeoutMs: 1_000 });
    const tikfinity = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((res) => tikfinity.once('listening', res));
    const port = (tikfinity.address() as AddressInfo).port;
    const source = new TikFinitySource(core.sink, {
      url: `ws://127.0.0.1:${port}/`,
      backoff: { baseMs: 50, capMs: 200 },
      heartbeatMs: 0,
    });
    const frame = (n: number) => ({
      event: 'gift',
      data: {
        msgId: `gap-${n}`,
        giftId: 5655,
        giftType: 1,
        diamondCount: 1,
        repeatCount: n,
        repeatEnd: false,
        groupId: 'combo-1',
        userId: '31337',
        uniqueId: 'fan',
        nickname: 'Fan',
      },
    });
    let second: WebSocketServer | null = null;
    try {
      const connected = new Promise<ServerSocket>((res) => tikfinity.once('connection', res));
      await source.start();
      const socket = await connected;
      // The streak reaches 7 (an update arrives out of order), then TikFinity vanishes.
      for (const n of [1, 2, 3, 5, 4, 6, 7]) socket.send(JSON.stringify(frame(n)));
      await waitUntil(
        () =>
          (core.db.prepare('SELECT count FROM streaks').get() as { count?: number } | undefined)
            ?.count === 7,
        'the streak to reach 7',
      );
      socket.terminate();
      tikfinity.close();
      await waitUntil(
        () => core.db.prepare('SELECT 1 FROM gaps WHERE to_at IS NULL').get() !== undefined,
        'the gap to be recorded',
      );
      // Housekeeping runs every few seconds; the streak times out 1 s after its last message.
      await waitUntil(
        () => (core.db.prepare('SELECT ended FROM streaks').get() as { ended: number }).ended === 1,
        'the streak to settle',
        30_000,
      );
      const streak = core.db.prepare('SELECT count, coins, ended FROM streaks').get();
      expect(streak).toEqual({ count: 7, coins: 7, ended: 1 });
      expect(live.some((m) => m.type === 'combo' && m.ended && m.count === 7)).toBe(true);

      // TikFinity comes back: the source reconnects and the gap closes.
      second = new WebSocketServer({ port, host: '127.0.0.1' });
      await waitUntil(
        () => core.db.prepare('SELECT 1 FROM gaps WHERE to_at IS NOT NULL').get() !== undefined,
        'the gap to close',
      );
      const gap = core.db.prepare('SELECT source, from_at, to_at FROM gaps').get() as {
        source: string;
        from_at: number;
        to_at: number;
      };
      expect(gap.source).toBe('tikfinity');
      expect(gap.to_at).toBeGreaterThanOrEqual(gap.from_at);
      const session = await core.call('sessions.current', {});
      expect(session.coins).toBe(7);
      expect(session.gapMs).toBe(gap.to_at - gap.from_at);
    } finally {
      await source.stop();
      second?.close();
      await core.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
