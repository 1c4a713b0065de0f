import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { UserOfflineError } from 'tiktok-live-connector';
import { WebcastLikeMessage } from 'tiktok-live-proto/v3';
import {
  TIKTOK_NODE_MESSAGE,
  TikTokSource,
  type TikTokOptions,
} from '../../electron/services/sources/tiktok';
import { bundledCatalog, parseTikTokCatalog } from '../../shared/catalog';
import type { SourceHealth } from '../../shared/liveState';
import { normalizeEvent, type Normalized } from '../../shared/normalize';
import type { Result } from '../../shared/result';
import {
  FIXTURES,
  decodeFixtureGift,
  fixtureCatalog,
  fixturesPresent,
  recordingSink,
  waitFor,
} from './support';
import { FakeTikTok } from './fakeTikTok';

const sources: TikTokSource[] = [];
afterEach(async () => {
  while (sources.length > 0) await sources.pop()?.stop();
});

function makeSource(
  fake: FakeTikTok,
  extra: Partial<TikTokOptions> = {},
): {
  source: TikTokSource;
  sink: ReturnType<typeof recordingSink>;
  states: SourceHealth['state'][];
} {
  const sink = recordingSink();
  const source = new TikTokSource(sink, {
    username: '@malowana_',
    factory: fake.factory,
    nodeVersion: '22.12.0',
    backoff: { baseMs: 5, capMs: 40 },
    livePollMs: 5,
    ...extra,
  });
  sources.push(source);
  const states: SourceHealth['state'][] = [];
  source.onHealth((h) => states.push(h.state));
  return { source, sink, states };
}

const normalize = (raw: unknown): Result<Normalized> =>
  normalizeEvent(raw, {
    now: Date.now(),
    catalog: bundledCatalog,
    origin: 'live',
    makeId: () => 'made',
  });

function gift(raw: unknown): {
  id: string;
  count: number;
  name: string;
  handle: string;
  avatar?: string;
} {
  const n = normalize(raw);
  if (!n.ok || n.value.kind !== 'event' || n.value.event.type !== 'gift')
    throw new Error(`not a gift: ${JSON.stringify(n)}`);
  const e = n.value.event;
  return {
    id: e.id,
    count: e.count,
    name: e.gift.name,
    handle: e.user.handle,
    ...(e.user.avatar ? { avatar: e.user.avatar } : {}),
  };
}

/** The k-th update of the recorded streak: a new message id and a higher running count. */
function streakUpdate(k: number): ReturnType<typeof decodeFixtureGift> {
  const msg = decodeFixtureGift();
  if (msg.common) msg.common.msgId = (BigInt(msg.common.msgId) + BigInt(k - 1)).toString();
  msg.repeatCount = k;
  return msg;
}

describe('TikTok LIVE direct: runtime check', () => {
  it('says clearly that it needs Node 22 instead of failing obscurely', async () => {
    const fake = new FakeTikTok();
    const { source } = makeSource(fake, { nodeVersion: '20.20.2' });
    await source.start();
    expect(source.health().state).toBe('error');
    expect(source.health().lastError).toBe(TIKTOK_NODE_MESSAGE);
    expect(fake.calls).toEqual([]);
  });

  it.runIf(Number(process.versions.node.split('.')[0]) < 22)(
    'detects the running Node by itself (this machine runs an older Node)',
    async () => {
      const sink = recordingSink();
      const source = new TikTokSource(sink, { username: 'someone' });
      sources.push(source);
      await source.start();
      expect(source.health().lastError).toBe(TIKTOK_NODE_MESSAGE);
    },
  );

  it('refuses something that is not a username', async () => {
    const { source } = makeSource(new FakeTikTok(), { username: 'not a user/../x' });
    await source.start();
    expect(source.health().state).toBe('error');
    expect(source.health().lastError).toMatch(/not a TikTok username/);
  });
});

describe.runIf(fixturesPresent)('TikTok LIVE direct with the recorded real messages', () => {
  it('connects by @username, forwards the real gift and takes in the live gift catalog', async () => {
    const fake = new FakeTikTok();
    fake.gifts = (fixtureCatalog() as { data: { gifts: unknown[] } }).data.gifts;
    const { source, sink } = makeSource(fake, { signApiKey: 'euler-key' });
    await source.start();
    await waitFor(() => source.health().state === 'connected', 'connected');
    expect(fake.calls).toEqual([{ username: 'malowana_', signApiKey: 'euler-key' }]);
    expect(sink.connections.map((c) => c.state)).toEqual(['connected']);

    const original = decodeFixtureGift();
    fake.current.emit('gift', original);
    await waitFor(() => sink.frames.length === 1, 'gift forwarded');
    const [frame] = sink.frames;
    expect(frame?.origin).toBe('live');
    expect(frame?.source).toBe('tiktok');
    expect(gift(frame?.raw)).toEqual({
      id: '7270201542891817761',
      count: 1,
      name: 'Rose',
      handle: 'malowana_',
      avatar: original.user?.avatarThumb?.urlList[0],
    });
    // Slimmed for the raw log: the decoded protobuf is many kilobytes of display data.
    expect(JSON.stringify(frame?.raw).length).toBeLessThan(1500);

    await waitFor(() => sink.catalogs.length === 1, 'catalog');
    const expected = parseTikTokCatalog(fixtureCatalog());
    expect(expected.ok && sink.catalogs[0]?.gifts.length).toBe(
      expected.ok && expected.value.length,
    );
    expect(sink.catalogs[0]?.gifts.find((g) => g.id === 5655)?.coins).toBe(1);
    expect(source.health().eventsPerMinute).toBe(1);
  });

  it('reconnects after a drop, records the gap and drops messages it already had', async () => {
    const fake = new FakeTikTok();
    const { source, sink, states } = makeSource(fake);
    await source.start();
    await waitFor(() => source.health().state === 'connected', 'connected');
    fake.current.emit('gift', streakUpdate(1));
    fake.current.emit('gift', streakUpdate(2));
    await waitFor(() => sink.frames.length === 2, 'two gifts');

    const first = fake.current;
    first.emit('disconnected', { code: 1006 });
    await waitFor(
      () => fake.connections.length === 2 && source.health().state === 'connected',
      'reconnected',
    );
    expect(states).toContain('reconnecting');
    // After the reconnect TikTok sends the recent messages again, then the new ones.
    fake.current.emit('gift', streakUpdate(2));
    fake.current.emit('gift', streakUpdate(3));
    first.emit('gift', streakUpdate(9)); // a stale connection is no longer listened to
    await source.flushed();
    await waitFor(() => sink.frames.length >= 3, 'third gift');
    await source.flushed();
    expect(sink.frames.map((f) => gift(f.raw).count)).toEqual([1, 2, 3]);
    expect(sink.connections.map((c) => c.state)).toEqual([
      'connected',
      'disconnected',
      'connected',
    ]);
    const gaps = source.health().gaps;
    expect(gaps).toEqual([{ from: sink.connections[1]?.time, to: sink.connections[2]?.time }]);
  });

  it('turns likes, follows, shares, viewers and the stream end into events the pipeline accepts', async () => {
    const fake = new FakeTikTok();
    const { source, sink } = makeSource(fake);
    await source.start();
    await waitFor(() => source.health().state === 'connected', 'connected');
    const like = WebcastLikeMessage.decode(
      Buffer.from(readFileSync(resolve(FIXTURES, 'LikeMessage.bin'), 'utf8').trim(), 'base64'),
    );
    const user = decodeFixtureGift().user;
    const common = (msgId: string) => ({ msgId, createTime: '1692725773880' });
    fake.current.emit('like', like);
    fake.current.emit('follow', { common: common('f1'), user });
    fake.current.emit('share', { common: common('s1'), user });
    fake.current.emit('roomUser', { common: common('r1'), total: '1234' });
    fake.current.emit('streamEnd', { action: 3 });
    fake.current.emit('disconnected', { code: 1000 });
    await waitFor(() => source.health().state === 'idle', 'LIVE over');
    await source.flushed();
    const events = sink.frames.map((f) => {
      const n = normalize(f.raw);
      if (!n.ok || n.value.kind !== 'event') throw new Error(`refused: ${JSON.stringify(n)}`);
      return n.value.event;
    });
    expect(events.map((e) => e.type)).toEqual(['like', 'follow', 'share', 'viewers', 'session']);
    expect(events[0]?.id).toBe(like.common?.msgId);
    expect(events[1]?.type === 'follow' && events[1].user.handle).toBe('malowana_');
    expect(events[3]?.type === 'viewers' && events[3].count).toBe(1234);
    expect(events[4]?.type === 'session' && events[4].action).toBe('end');
    // A LIVE that ended is not a gap.
    expect(source.health().gaps).toEqual([]);
    expect(sink.connections.map((c) => c.state)).toEqual(['connected', 'disconnected']);
  });
});

describe('TikTok LIVE direct: waiting, offline and errors', () => {
  it('waits until the creator is LIVE, then connects', async () => {
    const fake = new FakeTikTok();
    fake.liveAnswers = [false, false, true];
    const { source, states } = makeSource(fake, { waitUntilLive: true });
    await source.start();
    await waitFor(() => source.health().state === 'connected', 'connected');
    expect(fake.liveChecks).toBe(3);
    expect(states.indexOf('waiting')).toBeLessThan(states.indexOf('connected'));
  });

  it('without waiting, an offline creator is an error that says what to do', async () => {
    const fake = new FakeTikTok();
    fake.connectOutcomes = [new UserOfflineError("The requested user isn't online :(")];
    const { source } = makeSource(fake);
    await source.start();
    await waitFor(() => source.health().state === 'error', 'error');
    expect(source.health().lastError).toMatch(/not LIVE right now.*wait until live/);
    expect(fake.connections.length).toBe(1);
  });

  it('with waiting, an offline answer goes back to waiting and a stream end waits for the next LIVE', async () => {
    const fake = new FakeTikTok();
    fake.connectOutcomes = [new UserOfflineError('offline'), 'ok'];
    const { source, sink, states } = makeSource(fake, { waitUntilLive: true });
    await source.start();
    await waitFor(() => source.health().state === 'connected', 'connected');
    expect(states.filter((s) => s === 'waiting').length).toBeGreaterThanOrEqual(1);
    fake.liveAnswers = [false, false, false, false, false, false];
    fake.current.emit('streamEnd', { action: 3 });
    fake.current.emit('disconnected', { code: 1000 });
    await waitFor(() => source.health().state === 'waiting', 'waiting for the next LIVE');
    await source.flushed();
    expect(sink.frames.map((f) => f.raw)).toEqual([{ type: 'session', action: 'end' }]);
  });

  it('retries a failing connect with backoff and reports the error meanwhile', async () => {
    const fake = new FakeTikTok();
    fake.connectOutcomes = [new Error('socket hang up'), new Error('socket hang up'), 'ok'];
    const errors: (string | null)[] = [];
    const { source } = makeSource(fake);
    source.onHealth((h) => errors.push(h.lastError));
    await source.start();
    await waitFor(() => source.health().state === 'connected', 'connected');
    expect(fake.connections.length).toBe(3);
    expect(errors).toContain('TikTok LIVE: socket hang up');
    expect(source.health().lastError).toBeNull();
  });

  it('stops cleanly while connected, telling the pipeline the connection is gone', async () => {
    const fake = new FakeTikTok();
    const { source, sink } = makeSource(fake);
    await source.start();
    await waitFor(() => source.health().state === 'connected', 'connected');
    await source.stop();
    expect(source.health().state).toBe('stopped');
    expect(fake.current.disconnects).toBe(1);
    expect(sink.connections.map((c) => c.state)).toEqual(['connected', 'disconnected']);
    expect(source.health().gaps).toEqual([]);
  });

  it('stops cleanly while waiting', async () => {
    const fake = new FakeTikTok();
    fake.liveAnswers = Array.from({ length: 1000 }, () => false);
    const { source } = makeSource(fake, { waitUntilLive: true });
    await source.start();
    await waitFor(() => fake.liveChecks >= 2, 'polling');
    await source.stop();
    const checks = fake.liveChecks;
    await new Promise((r) => setTimeout(r, 30));
    expect(fake.liveChecks).toBe(checks);
    expect(source.health().state).toBe('stopped');
  });
});

describe('TikTok LIVE direct: a connector that cannot be loaded', () => {
  it('reports the failure and can be started again', async () => {
    let calls = 0;
    const fake = new FakeTikTok();
    const { source } = makeSource(fake, {
      factory: (username, options) => {
        calls++;
        if (calls === 1) throw new Error('Cannot find package tiktok-live-connector');
        return fake.factory(username, options);
      },
    });
    await source.start();
    await waitFor(() => source.health().state === 'error', 'error');
    expect(source.health().lastError).toBe(
      'TikTok LIVE stopped: Cannot find package tiktok-live-connector',
    );
    await source.start();
    await waitFor(() => source.health().state === 'connected', 'connected on the second start');
  });
});
