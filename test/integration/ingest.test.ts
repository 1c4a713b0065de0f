import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CurrentSession, IngestReply, RangeSummary } from '../../shared/api';
import { sessionCashMinor } from '../../shared/liveState';
import { canonicalGift, tikfinity, v1Gift, v2Gift, v3Gift } from '../unit/samples';
import {
  apiCall,
  EventsClient,
  IngestClient,
  startTestServer,
  type TestServer,
} from '../support/server';

/** A read-only view of the ledger file from a separate connection (what is committed). */
function openReader(t: TestServer): Database.Database {
  return new Database(join(t.dataDir, 'gemlight.db'), { readonly: true });
}

const rawCount = (reader: Database.Database): number =>
  (reader.prepare('SELECT count(*) AS n FROM raw_events').get() as { n: number }).n;

const acks = (replies: IngestReply[]) =>
  replies.map((r) => (r.type === 'ack' ? `ack${r.duplicate ? ':dup' : ''}` : r.code));

describe('ingest over WebSocket', () => {
  let t: TestServer;
  let reader: Database.Database;

  beforeAll(async () => {
    t = await startTestServer();
    reader = openReader(t);
  });
  afterAll(async () => {
    reader.close();
    await t.stop();
  });

  it('acks every event only after it is committed (checked from another connection on each ack)', async () => {
    const clients = await Promise.all([0, 1, 2].map(() => IngestClient.connect(t.wsUrl, t.token)));
    const notCommitted: string[] = [];
    const check = reader.prepare<[string], { n: number }>(
      'SELECT count(*) AS n FROM raw_events WHERE msg_id = ?',
    );
    for (const c of clients) {
      c.ws.on('message', (data) => {
        // Runs before anything else can happen in this process: the row must be visible now.
        const reply = JSON.parse((data as Buffer).toString('utf8')) as IngestReply;
        if (reply.type === 'ack' && check.get(reply.id)?.n !== 1) notCommitted.push(reply.id);
      });
    }
    const sends: Promise<IngestReply[]>[] = [];
    clients.forEach((c, ci) => {
      for (let f = 0; f < 20; f++) {
        const frame = [0, 1, 2].map((k) =>
          canonicalGift({
            id: `commit-${ci}-${f}-${k}`,
            user: { id: `cu${ci}` },
            gift: { id: 5827, coins: 1, streakable: false },
            streak: undefined,
          }),
        );
        sends.push(c.send(frame));
      }
    });
    const replies = (await Promise.all(sends)).flat();
    expect(replies).toHaveLength(180);
    expect(replies.every((r) => r.type === 'ack' && !r.duplicate)).toBe(true);
    expect(notCommitted).toEqual([]);
    for (const c of clients) c.close();
  });

  it('counts streaks of every connector shape exactly, with duplicates and out-of-order updates', async () => {
    const before = (
      await apiCall<CurrentSession>(t.baseUrl, t.token, 'GET', '/api/sessions/current')
    ).body.coins;
    const c = await IngestClient.connect(t.wsUrl, t.token, { via: 'query' });
    // Each shape: running counts 1, 3, 2 (late), 5 with the end, then a repeat of 3 and a late 4.
    const shapes: [string, (i: number, count: number, end: boolean) => unknown][] = [
      [
        'v1',
        (i, count, end) =>
          v1Gift({
            msgId: `v1-${i}`,
            groupId: 'gv1',
            userId: 'sv1',
            repeatCount: count,
            repeatEnd: end,
          }),
      ],
      [
        'v2',
        (i, count, end) =>
          v2Gift({
            common: { msgId: `v2-${i}` },
            groupId: 'gv2',
            repeatCount: count,
            repeatEnd: end ? 1 : 0,
            user: { userId: 'sv2', uniqueId: 'two' },
          }),
      ],
      [
        'v3',
        (i, count, end) =>
          v3Gift({
            common: { msgId: `v3-${i}` },
            groupId: 'gv3',
            repeatCount: count,
            repeatEnd: end ? 1 : 0,
            user: { idStr: 'sv3', displayId: 'three' },
          }),
      ],
      [
        'tikfinity',
        (i, count, end) =>
          tikfinity(
            'gift',
            v1Gift({
              msgId: `tf-${i}`,
              groupId: 'gtf',
              userId: 'stf',
              repeatCount: count,
              repeatEnd: end,
            }),
          ),
      ],
      [
        'canonical',
        (i, count, end) =>
          canonicalGift({ id: `cn-${i}`, user: { id: 'scn' }, count, streak: { id: 'gcn', end } }),
      ],
    ];
    for (const [name, make] of shapes) {
      const seq = [
        make(1, 1, false),
        make(2, 3, false),
        make(3, 2, false),
        make(4, 5, true),
        make(2, 3, false),
        make(5, 4, false),
      ];
      const replies = await c.send(seq);
      expect(acks(replies), name).toEqual(['ack', 'ack', 'ack', 'ack', 'ack:dup', 'ack']);
    }
    c.close();
    const after = (
      await apiCall<CurrentSession>(t.baseUrl, t.token, 'GET', '/api/sessions/current')
    ).body;
    expect(after.coins - before).toBe(5 * shapes.length);
    const shapeGifters = after.topGifters.filter((g) =>
      ['sv1', 'sv2', 'sv3', 'stf', 'scn'].includes(g.userId),
    );
    expect(shapeGifters.map((g) => g.coins)).toEqual([5, 5, 5, 5, 5]);
  });

  it('refuses bad frames with the right code, stores nothing of them, keeps the connection', async () => {
    const c = await IngestClient.connect(t.wsUrl, t.token);
    const n0 = rawCount(reader);
    expect(acks(await c.sendRaw('{"type":"gift",', 1))).toEqual(['invalid_json']);
    const bad = [
      canonicalGift({ id: 'bad-1', count: -1 }),
      canonicalGift({ id: 'bad-2', count: 1.5 }),
      canonicalGift({ id: 'bad-3', count: '3' }),
      canonicalGift({ id: 'bad-4', gift: { id: 424242, name: 'Mystery' } }),
      canonicalGift({ id: '' }),
      canonicalGift({ id: 'bad-6', user: { id: 'x'.repeat(10_000) } }),
      'a string',
      { hello: 'world' },
    ];
    const replies = await c.send(bad);
    expect(acks(replies)).toEqual([
      'invalid_event',
      'invalid_event',
      'invalid_event',
      'unknown_gift',
      'invalid_event',
      'invalid_event',
      'invalid_event',
      'invalid_event',
    ]);
    expect(replies[0]).toMatchObject({ id: 'bad-1' });
    expect(replies[3]).toMatchObject({ id: 'bad-4' });
    const tooMany = Array.from({ length: 501 }, (_, i) => canonicalGift({ id: `many-${i}` }));
    expect(acks(await c.send(tooMany))).toEqual(['too_large']);
    expect(rawCount(reader)).toBe(n0);
    // A good event in the middle of bad ones is still stored.
    const mixed = await c.send([
      { nope: true },
      canonicalGift({ id: 'mixed-ok', user: { id: 'mx' } }),
      canonicalGift({ id: 'mixed-bad', count: 0 }),
    ]);
    expect(acks(mixed)).toEqual(['invalid_event', 'ack', 'invalid_event']);
    expect(rawCount(reader)).toBe(n0 + 1);
    c.close();
  });

  it('closes a connection that sends a frame over 1 MiB with 1009', async () => {
    const c = await IngestClient.connect(t.wsUrl, t.token);
    const closed = c.closed();
    c.ws.send('x'.repeat(1024 * 1024 + 10));
    expect(await closed).toBe(1009);
  });

  it('keeps test alerts out of the ledger and simulated gifts out of the earnings', async () => {
    const live = await EventsClient.connect(t.eventsUrl, { token: t.token });
    const n0 = rawCount(reader);
    const sum0 = (await apiCall<RangeSummary>(t.baseUrl, t.token, 'GET', '/api/summary')).body;
    const res = await apiCall(t.baseUrl, t.token, 'POST', '/api/overlay/test-alert', {
      giftId: 5655,
      count: 3,
      name: 'Tester',
    });
    expect(res.status).toBe(200);
    await live.waitFor(
      (e) => e.state?.alerts.some((a) => a.origin === 'test' && a.count === 3) ?? false,
    );
    const c = await IngestClient.connect(t.wsUrl, t.token);
    expect(
      acks(
        await c.send(
          canonicalGift({
            id: 'sim-1',
            origin: 'simulated',
            count: 9,
            streak: { id: 'sim', end: true },
          }),
        ),
      ),
    ).toEqual(['ack']);
    c.close();
    expect(rawCount(reader)).toBe(n0 + 1);
    const sum1 = (await apiCall<RangeSummary>(t.baseUrl, t.token, 'GET', '/api/summary')).body;
    expect(sum1).toEqual(sum0);
    const all = await apiCall<{ items: { simulated: boolean; coins: number }[] }>(
      t.baseUrl,
      t.token,
      'GET',
      '/api/sessions?includeSimulated=true',
    );
    expect(all.body.items.filter((s) => s.simulated).map((s) => s.coins)).toEqual([9]);
    live.close();
  });

  it('rate-limits a flooding connection with rate_limited replies', async () => {
    const limited = await startTestServer({ ingestRateLimit: { perSecond: 1, burst: 3 } });
    try {
      const c = await IngestClient.connect(limited.wsUrl, limited.token);
      const replies = await Promise.all(
        Array.from({ length: 6 }, (_, i) => c.send(canonicalGift({ id: `flood-${i}` }))),
      );
      const codes = replies.flat().map((r) => (r.type === 'ack' ? 'ack' : r.code));
      expect(codes.slice(0, 3)).toEqual(['ack', 'ack', 'ack']);
      expect(codes.filter((x) => x === 'rate_limited').length).toBeGreaterThanOrEqual(2);
      c.close();
    } finally {
      await limited.stop();
    }
  });
});

describe('live events and restarts', () => {
  it('streams a snapshot then deltas whose cash equals the API, across sessions and a restart', async () => {
    let t = await startTestServer();
    try {
      const c = await IngestClient.connect(t.wsUrl, t.token);
      const big = (id: string, coins: number) => ({
        type: 'gift',
        id,
        user: { id: `g-${id}`, handle: id },
        gift: { id: 9999, name: 'Custom', coins },
      });
      expect(acks(await c.send([big('a', 3), big('b', 3), big('c', 3)]))).toEqual([
        'ack',
        'ack',
        'ack',
      ]);
      expect(acks(await c.send({ type: 'session', action: 'end' }))).toEqual(['ack']);
      const ev = await EventsClient.connect(
        t.eventsUrl,
        { key: t.overlayKey },
        { widget: 'leaderboard' },
      );
      // Session 2: its live cash must continue the running rounding of session 1.
      expect(acks(await c.send([big('d', 3), big('e', 1)]))).toEqual(['ack', 'ack']);
      await ev.waitFor((e) => e.state?.session?.coins === 4);
      const current = (
        await apiCall<CurrentSession>(t.baseUrl, t.token, 'GET', '/api/sessions/current')
      ).body;
      const state = ev.state;
      if (!state?.session) throw new Error('no live session');
      expect(state.session.id).toBe(current.id);
      expect(Number(sessionCashMinor(state.session))).toBe(current.cash.minor);
      expect(state.leaderboards.session.map((g) => g.coins)).toEqual([3, 1]);
      expect(state.leaderboards.all[0]?.coins).toBe(3);
      const list = (
        await apiCall<{ items: { cash: { minor: number } }[] }>(
          t.baseUrl,
          t.token,
          'GET',
          '/api/sessions',
        )
      ).body;
      const summary = (await apiCall<RangeSummary>(t.baseUrl, t.token, 'GET', '/api/summary')).body;
      expect(list.items.reduce((s, i) => s + i.cash.minor, 0)).toBe(summary.cash.minor);
      expect(summary.coins).toBe(13);
      // 13 coins × 1/2 minor = 6.5 → 6 (half-even) over the range, split 4 + 2 by running rounding.
      expect(summary.cash.minor).toBe(6);
      ev.close();
      c.close();

      t = await t.restart();
      const again = await IngestClient.connect(t.wsUrl, t.token);
      expect(acks(await again.send([big('a', 3), big('f', 2)]))).toEqual(['ack:dup', 'ack']);
      again.close();
      const after = (await apiCall<RangeSummary>(t.baseUrl, t.token, 'GET', '/api/summary')).body;
      expect(after.coins).toBe(15);
      const ev2 = await EventsClient.connect(t.eventsUrl, { token: t.token });
      expect(ev2.state?.session?.coins).toBe(6);
      ev2.close();
    } finally {
      await t.stop();
    }
  });
});

describe('group commit', () => {
  it('puts events that arrive within a few milliseconds into one transaction', async () => {
    const t = await startTestServer({ groupWindowMs: 25 });
    try {
      const clients = await Promise.all(
        [0, 1, 2].map(() => IngestClient.connect(t.wsUrl, t.token)),
      );
      const before = t.server.ingestStats();
      // 3 connections × 20 single-event frames, all sent at once without waiting for acks.
      const sends = clients.flatMap((c, ci) =>
        Array.from({ length: 20 }, (_, i) =>
          c.send(
            canonicalGift({
              id: `grp-${ci}-${i}`,
              user: { id: `grp${ci}` },
              streak: { id: `grp-${ci}-${i}`, end: true },
            }),
          ),
        ),
      );
      const replies = (await Promise.all(sends)).flat();
      expect(replies.every((r) => r.type === 'ack' && !r.duplicate)).toBe(true);
      const after = t.server.ingestStats();
      expect(after.records - before.records).toBe(60);
      // One transaction per event would be 60; grouping makes it a handful at most.
      expect(after.commits - before.commits).toBeLessThanOrEqual(10);
      for (const c of clients) c.close();
    } finally {
      await t.stop();
    }
  });
});
