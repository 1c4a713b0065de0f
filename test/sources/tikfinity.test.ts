import { afterEach, describe, expect, it } from 'vitest';
import { TikFinitySource } from '../../electron/services/sources/tikfinity';
import { bundledCatalog } from '../../shared/catalog';
import { normalizeEvent } from '../../shared/normalize';
import type { SourceHealth } from '../../shared/liveState';
import {
  decodeFixtureGift,
  fixturesPresent,
  recordingSink,
  startTikFinity,
  tikFinityGiftFrame,
  waitFor,
  type FakeTikFinity,
} from './support';

const fast = { baseMs: 10, capMs: 80 };
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function serve(port = 0): Promise<FakeTikFinity> {
  const server = await startTikFinity(port);
  cleanups.push(() => server.kill());
  return server;
}

const msgIdOf = (raw: unknown): string => String((raw as { data: { msgId: string } }).data.msgId);

describe.runIf(fixturesPresent)('TikFinity client against a real local WebSocket server', () => {
  it('forwards the recorded gift streak in order and survives TikFinity being restarted', async () => {
    const msg = decodeFixtureGift();
    const frames = [1, 2, 3, 4, 5, 6].map((n) => tikFinityGiftFrame(msg, { n, end: n === 6 }));
    const sink = recordingSink();
    const first = await serve();
    const source = new TikFinitySource(sink, { url: first.url, backoff: fast, heartbeatMs: 0 });
    cleanups.push(() => source.stop());
    const states: SourceHealth['state'][] = [];
    source.onHealth((h) => states.push(h.state));
    await source.start();

    const client = await first.nextClient();
    await waitFor(() => source.health().state === 'connected', 'first connection');
    for (const frame of frames.slice(0, 3)) client.send(JSON.stringify(frame));
    await waitFor(() => sink.frames.length === 3, 'first three frames');

    await first.kill();
    await waitFor(() => source.health().gaps.length === 1, 'gap opened');
    expect(source.health().gaps[0]?.to).toBeNull();
    // It keeps trying while nothing listens, and says why.
    await waitFor(() => source.health().lastError !== null, 'a connection error is reported');
    expect(source.health().state).toBe('reconnecting');

    const second = await serve(first.port);
    const again = await second.nextClient();
    await waitFor(() => source.health().state === 'connected', 'reconnected');
    // TikFinity sends the last messages again after a reconnect, then new ones.
    for (const frame of frames.slice(1)) again.send(JSON.stringify(frame));
    // A last frame marks the end, so that duplicates would have arrived before it.
    again.send(JSON.stringify({ event: 'streamEnd', data: { msgId: 'sentinel' } }));
    await waitFor(() => sink.frames.some((f) => msgIdOf(f.raw) === 'sentinel'), 'the last frame');
    const end = sink.frames.pop();
    expect(end?.raw).toEqual({ event: 'streamEnd', data: { msgId: 'sentinel' } });

    expect(sink.frames.map((f) => msgIdOf(f.raw))).toEqual(frames.map((f) => f.data.msgId));
    expect(sink.frames.every((f) => f.origin === 'live' && f.source === 'tikfinity')).toBe(true);
    expect(sink.connections.map((c) => c.state)).toEqual([
      'connected',
      'disconnected',
      'connected',
    ]);
    const [gap] = source.health().gaps;
    expect(gap?.from).toBe(sink.connections[1]?.time);
    expect(gap?.to).toBe(sink.connections[2]?.time);
    expect(states).toContain('reconnecting');
    expect(source.health().lastError).toBeNull();
    expect(source.health().eventsPerMinute).toBe(7);
    expect(source.health().lastEventAt).not.toBeNull();

    // What was forwarded is exactly what the shared pipeline reads: a Rose streak 1…6.
    const counts = sink.frames.map((f) => {
      const n = normalizeEvent(f.raw, {
        now: Date.now(),
        catalog: bundledCatalog,
        origin: 'live',
        makeId: () => 'x',
      });
      if (!n.ok || n.value.kind !== 'event' || n.value.event.type !== 'gift') {
        throw new Error(`not a gift: ${JSON.stringify(n)}`);
      }
      expect(n.value.event.gift.name).toBe('Rose');
      expect(n.value.event.user.handle).toBe('malowana_');
      return n.value.event.count;
    });
    expect(counts).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('keeps the order of a burst while the pipeline is slow, batching behind the commit', async () => {
    const msg = decodeFixtureGift();
    const sink = recordingSink({ delayMs: 5 });
    const server = await serve();
    const source = new TikFinitySource(sink, { url: server.url, backoff: fast, heartbeatMs: 0 });
    cleanups.push(() => source.stop());
    await source.start();
    const client = await server.nextClient();
    const frames = Array.from({ length: 300 }, (_, i) =>
      tikFinityGiftFrame(msg, { n: i + 1, end: i === 299 }),
    );
    // Some frames arrive as one JSON array, which is also accepted.
    client.send(JSON.stringify(frames.slice(0, 50)));
    for (const frame of frames.slice(50)) client.send(JSON.stringify(frame));
    await waitFor(() => sink.frames.length === 300, 'all 300 frames');
    expect(sink.frames.map((f) => msgIdOf(f.raw))).toEqual(frames.map((f) => f.data.msgId));
    expect(sink.batches).toBeLessThan(300);
  });
});

describe('TikFinity client without fixtures', () => {
  it('passes other TikFinity events through and reports bad frames without dropping the connection', async () => {
    const sink = recordingSink();
    const server = await serve();
    const source = new TikFinitySource(sink, { url: server.url, backoff: fast, heartbeatMs: 0 });
    cleanups.push(() => source.stop());
    await source.start();
    const client = await server.nextClient();
    client.send('not json');
    await waitFor(() => source.health().lastError !== null, 'error reported');
    expect(source.health().lastError).toMatch(/not JSON/);
    client.send(
      JSON.stringify({ event: 'like', data: { msgId: 'l1', userId: '1', likeCount: 3 } }),
    );
    client.send(JSON.stringify({ event: 'roomUser', data: { viewerCount: 42 } }));
    client.send(
      JSON.stringify({ event: 'like', data: { msgId: 'l1', userId: '1', likeCount: 3 } }),
    );
    client.send(JSON.stringify({ event: 'streamEnd', data: {} }));
    await waitFor(() => sink.frames.length === 3, 'three frames');
    await source.flushed();
    expect(sink.frames.map((f) => (f.raw as { event: string }).event)).toEqual([
      'like',
      'roomUser',
      'streamEnd',
    ]);
    expect(source.health().state).toBe('connected');
  });

  it('retries with backoff while nothing listens, and stops cleanly', async () => {
    const server = await serve();
    const port = server.port;
    await server.kill();
    const sink = recordingSink();
    const source = new TikFinitySource(sink, {
      url: `ws://127.0.0.1:${port}/`,
      backoff: fast,
      heartbeatMs: 0,
    });
    await source.start();
    await waitFor(() => source.health().lastError !== null, 'refused');
    expect(source.health().lastError).toMatch(/turn on its WebSocket API/);
    expect(['connecting', 'reconnecting']).toContain(source.health().state);
    // Never connected: there is no gap to record and nothing to tell the pipeline.
    expect(source.health().gaps).toEqual([]);
    await source.stop();
    expect(source.health().state).toBe('stopped');
    expect(sink.connections).toEqual([]);
  });

  it('drops a server that stops answering pings', async () => {
    const sink = recordingSink();
    const server = await serve();
    const source = new TikFinitySource(sink, { url: server.url, backoff: fast, heartbeatMs: 30 });
    cleanups.push(() => source.stop());
    await source.start();
    const client = await server.nextClient();
    await waitFor(() => source.health().state === 'connected', 'connected');
    // Pause the server-side socket so pings go unanswered, like a hung TikFinity.
    (client as unknown as { _socket: { pause(): void } })._socket.pause();
    await waitFor(() => sink.connections.some((c) => c.state === 'disconnected'), 'dropped');
    expect(source.health().gaps.length).toBe(1);
  });

  it('refuses a malformed URL once instead of retrying forever', async () => {
    const source = new TikFinitySource(recordingSink(), { url: 'not a url', heartbeatMs: 0 });
    await source.start();
    expect(source.health().state).toBe('error');
    expect(source.health().lastError).toMatch(/not valid/);
    await source.stop();
  });
});
