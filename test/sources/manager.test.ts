import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createSourceManager } from '../../electron/services/sources/manager';
import { SourceError } from '../../electron/services/sources/sourceError';
import { TIKTOK_NODE_MESSAGE } from '../../electron/services/sources/tiktok';
import type { SourceManager } from '../../electron/services/sources/types';
import type { Settings } from '../../shared/api';
import type { SourceHealth } from '../../shared/liveState';
import { FakeTikTok } from './fakeTikTok';
import { recordingSink, startTikFinity, waitFor, type FakeTikFinity } from './support';

const dir = mkdtempSync(join(tmpdir(), 'gemlight-sources-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function settings(change: {
  tiktok?: Partial<Settings['tiktok']>;
  tikfinity?: Partial<Settings['tikfinity']>;
}): Settings {
  return {
    currency: { code: 'USD', exponent: 2 },
    locale: 'en-US',
    theme: 'dark',
    lanAccess: false,
    allowedOrigins: [],
    sessionIdleTimeoutMs: 30 * 60_000,
    streakTimeoutMs: 10_000,
    tiktok: {
      username: '',
      signApiKey: '',
      waitUntilLive: false,
      enabled: false,
      ...change.tiktok,
    },
    tikfinity: { url: 'ws://localhost:21213/', enabled: false, ...change.tikfinity },
    obs: { url: 'ws://127.0.0.1:4455', password: '', enabled: false },
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

function manager(extra: Parameters<typeof createSourceManager>[1] = {}) {
  const sink = recordingSink();
  const fake = new FakeTikTok();
  const sources: SourceManager = createSourceManager(sink, {
    tiktokFactory: fake.factory,
    nodeVersion: '22.12.0',
    backoff: { baseMs: 5, capMs: 40 },
    heartbeatMs: 0,
    livePollMs: 5,
    simulatorTickMs: 10,
    ...extra,
  });
  cleanups.push(() => sources.stopAll());
  const seen: SourceHealth[] = [];
  sources.onHealth((h) => seen.push(h));
  return { sources, sink, fake, seen };
}

const byId = (sources: SourceManager, id: string): SourceHealth | undefined =>
  sources.list().find((h) => h.id === id);

async function tikfinity(): Promise<FakeTikFinity> {
  const server = await startTikFinity();
  cleanups.push(() => server.kill());
  return server;
}

describe('source manager', () => {
  it('runs TikFinity as the settings say: starts, keeps, moves and stops it', async () => {
    const { sources, sink, seen } = manager();
    const a = await tikfinity();
    const b = await tikfinity();
    await sources.configure(settings({ tikfinity: { enabled: true, url: a.url } }));
    const first = await a.nextClient();
    await waitFor(() => byId(sources, 'tikfinity')?.state === 'connected', 'connected to a');
    first.send(JSON.stringify({ event: 'like', data: { msgId: '1', userId: '7', likeCount: 2 } }));
    await waitFor(() => sink.frames.length === 1, 'like');
    expect(sink.frames[0]?.origin).toBe('live');

    // The same settings again change nothing: no second connection.
    await sources.configure(settings({ tikfinity: { enabled: true, url: a.url } }));
    expect(a.clients()).toHaveLength(1);

    await sources.configure(settings({ tikfinity: { enabled: true, url: b.url } }));
    await b.nextClient();
    await waitFor(
      () => byId(sources, 'tikfinity')?.label.includes(String(b.port)) === true,
      'moved',
    );
    await waitFor(() => byId(sources, 'tikfinity')?.state === 'connected', 'connected to b');
    await waitFor(() => a.clients().length === 0, 'a left');

    await sources.configure(settings({}));
    expect(sources.list()).toEqual([]);
    expect(seen.some((h) => h.id === 'tikfinity' && h.state === 'stopped')).toBe(true);
    await waitFor(() => b.clients().length === 0, 'b left');
  });

  it('runs TikTok LIVE by @username and restarts it when the username changes', async () => {
    const lines: string[] = [];
    const { sources, fake } = manager({ log: (line) => lines.push(line) });
    await sources.configure(
      settings({ tiktok: { enabled: true, username: '@first', signApiKey: ' key ' } }),
    );
    await waitFor(() => byId(sources, 'tiktok')?.state === 'connected', 'connected');
    expect(fake.calls).toEqual([{ username: 'first', signApiKey: 'key' }]);
    await sources.configure(settings({ tiktok: { enabled: true, username: 'second' } }));
    await waitFor(() => byId(sources, 'tiktok')?.label === 'TikTok LIVE @second', 'second');
    await waitFor(() => byId(sources, 'tiktok')?.state === 'connected', 'connected again');
    expect(fake.connections[0]?.disconnects).toBe(1);
    expect(lines).toContain('source TikTok LIVE @first: connected');
    expect(lines).toContain('source TikTok LIVE @first: stopped');
  });

  it('lists TikTok LIVE with a clear error on an old Node, or without a username', async () => {
    const old = manager({ nodeVersion: '20.20.2' });
    await old.sources.configure(settings({ tiktok: { enabled: true, username: 'someone' } }));
    expect(byId(old.sources, 'tiktok')).toMatchObject({
      state: 'error',
      lastError: TIKTOK_NODE_MESSAGE,
    });
    const empty = manager();
    await empty.sources.configure(settings({ tiktok: { enabled: true, username: ' ' } }));
    expect(byId(empty.sources, 'tiktok')?.lastError).toMatch(/Enter your TikTok @username/);
  });

  it('starts and stops the simulator, refusing bad settings', async () => {
    const { sources, sink } = manager();
    expect(() => sources.startSimulator({ rate: 0 })).toThrow(SourceError);
    sources.startSimulator({ rate: 300, seed: 4 });
    await waitFor(() => sink.frames.length >= 20, 'simulated traffic');
    expect(byId(sources, 'simulator')?.state).toBe('connected');
    sources.stopSimulator();
    await waitFor(() => byId(sources, 'simulator') === undefined, 'simulator gone');
    const count = sink.frames.length;
    await new Promise((r) => setTimeout(r, 40));
    expect(sink.frames.length).toBe(count);
    expect(sink.frames.every((f) => f.origin === 'simulated')).toBe(true);
  });

  it('replays a recording and keeps its finished health listed', async () => {
    const { sources, sink } = manager();
    const file = join(dir, 'r.ndjson');
    writeFileSync(
      file,
      [1, 2].map((n) => JSON.stringify({ type: 'like', id: `l${n}`, _at: n })).join('\n'),
    );
    await sources.replay({ file, speed: 20 });
    expect(sink.frames.map((f) => f.origin)).toEqual(['replay', 'replay']);
    expect(byId(sources, 'replay')?.state).toBe('stopped');
    await expect(sources.replay({ file, speed: 40 })).rejects.toMatchObject({
      code: 'invalid_request',
    });
    await expect(sources.replay({ file: join(dir, 'nope'), speed: 1 })).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('stops everything at once', async () => {
    const { sources, sink } = manager();
    const server = await tikfinity();
    await sources.configure(
      settings({
        tikfinity: { enabled: true, url: server.url },
        tiktok: { enabled: true, username: 'creator' },
      }),
    );
    sources.startSimulator({ rate: 50 });
    await waitFor(
      () => sources.list().every((h) => h.state === 'connected') && sources.list().length === 3,
      'all up',
    );
    await sources.stopAll();
    expect(sources.list()).toEqual([]);
    await waitFor(() => server.clients().length === 0, 'TikFinity client closed');
    expect(
      sink.connections
        .filter((c) => c.state === 'disconnected')
        .map((c) => c.source)
        .sort(),
    ).toEqual(['tikfinity', 'tiktok']);
  });
});

describe('source manager: replaying frames handed over directly', () => {
  it('replays a stored session’s raw frames with fresh ids, marked replay', async () => {
    const { sources, sink } = manager();
    const replayFrames = sources.replayFrames?.bind(sources);
    if (!replayFrames) throw new Error('replayFrames is missing');
    async function* stored(): AsyncGenerator<unknown> {
      // As if read page by page from the ledger.
      await Promise.resolve();
      yield { _at: 0, type: 'follow', id: 'f1', user: { id: '9' } };
      yield { _at: 5, type: 'like', id: 'l1', user: { id: '9' }, count: 2 };
    }
    await replayFrames({ frames: stored(), speed: 20, label: 'session 12' });
    expect(sink.frames.map((f) => (f.raw as { type: string }).type)).toEqual(['follow', 'like']);
    expect(sink.frames.every((f) => f.origin === 'replay')).toBe(true);
    expect(
      sink.frames.map((f) => (f.raw as { id: string }).id).every((id) => id.startsWith('rp')),
    ).toBe(true);
    expect(byId(sources, 'replay')?.label).toBe('Replay session 12 ×20');
  });
});
