import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CurrentSession,
  GifterProfile,
  Page,
  PayoutStatus,
  RangeSummary,
  RatesDto,
  SessionDetail,
  SessionSummary,
  Settings,
  WithdrawalDto,
} from '../../shared/api';
import type { Goal } from '../../shared/goals';
import type { GifterTotal } from '../../shared/leaderboard';
import {
  apiCall,
  EventsClient,
  IngestClient,
  startTestServer,
  type TestServer,
} from '../support/server';

const gift = (id: string, user: string, coins: number, count = 1, giftId = 9001) => ({
  type: 'gift',
  id,
  user: { id: user, handle: user, name: `=cmd|${user}` },
  gift: { id: giftId, name: `Gift ${giftId}`, coins },
  count,
});

describe('the local API', () => {
  let t: TestServer;
  let c: IngestClient;
  const get = <T>(path: string) => apiCall<T>(t.baseUrl, t.token, 'GET', path);

  beforeAll(async () => {
    t = await startTestServer();
    c = await IngestClient.connect(t.wsUrl, t.token);
    // Three sessions: (a 10, b 5), (a 3, c 7 ×2), and an open one with (b 1 ×3).
    await c.send([gift('1', 'a', 10), gift('2', 'b', 5)]);
    await c.send({ type: 'session', action: 'end' });
    await c.send([gift('3', 'a', 3), gift('4', 'c', 7, 2, 9002)]);
    await c.send({ type: 'session', action: 'end' });
    await c.send([gift('5', 'b', 1, 3)]);
  });
  afterAll(async () => {
    c.close();
    await t.stop();
  });

  it('lists sessions newest first with pages, and their numbers add up to the summary', async () => {
    const all = (await get<Page<SessionSummary>>('/api/sessions')).body;
    expect(all.total).toBe(3);
    expect(all.items.map((s) => s.coins)).toEqual([3, 17, 15]);
    expect(all.items.map((s) => s.gifterCount)).toEqual([1, 2, 2]);
    expect(all.items[0]?.endedAt).toBeNull();
    expect(all.items[2]?.topGifter).toMatchObject({ userId: 'a', coins: 10 });
    const page1 = (await get<Page<SessionSummary>>('/api/sessions?limit=2')).body;
    expect(page1.items).toHaveLength(2);
    expect(page1.nextCursor).not.toBeNull();
    const page2 = (
      await get<Page<SessionSummary>>(`/api/sessions?limit=2&cursor=${page1.nextCursor}`)
    ).body;
    expect(page2.items.map((s) => s.id)).toEqual([all.items[2]?.id]);
    expect(page2.nextCursor).toBeNull();
    const byCoins = (await get<Page<SessionSummary>>('/api/sessions?sort=coins&order=asc')).body;
    expect(byCoins.items.map((s) => s.coins)).toEqual([3, 15, 17]);
    const summary = (await get<RangeSummary>('/api/summary')).body;
    expect(summary).toMatchObject({
      sessions: 3,
      coins: 35,
      diamonds: 35,
      giftCount: 8,
      gifterCount: 3,
    });
    expect(all.items.reduce((s, i) => s + i.cash.minor, 0)).toBe(summary.cash.minor);
    expect(summary.cash).toEqual({ currency: 'USD', minor: 18 }); // 35 × 0.5 = 17.5 → 18
  });

  it('answers the current session with its top gifters and the detail with breakdowns', async () => {
    const current = (await get<CurrentSession>('/api/sessions/current')).body;
    expect(current.coins).toBe(3);
    expect(current.topGifters).toEqual([{ userId: 'b', handle: 'b', name: '=cmd|b', coins: 3 }]);
    const list = (await get<Page<SessionSummary>>('/api/sessions')).body;
    const second = list.items[1];
    if (!second) throw new Error('missing session');
    const detail = (await get<SessionDetail>(`/api/sessions/${second.id}`)).body;
    expect(detail.gifts).toEqual([
      { giftId: 9002, name: 'Gift 9002', coinsEach: 7, count: 2, coins: 14 },
      { giftId: 9001, name: 'Gift 9001', coinsEach: 3, count: 1, coins: 3 },
    ]);
    expect(detail.timeline.reduce((s, m) => s + m.coins, 0)).toBe(17);
    expect(detail.gifters.map((g) => g.userId)).toEqual(['c', 'a']);
    expect(detail.cash).toEqual(second.cash);
  });

  it('exports one CSV row per gift, safe for spreadsheets', async () => {
    const res = await fetch(`${t.baseUrl}/api/export.csv`, {
      headers: { Authorization: `Bearer ${t.token}` },
    });
    expect(res.headers.get('content-type')).toContain('text/csv');
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines).toHaveLength(6);
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.reduce((s, r) => s + Number(r[10]), 0)).toBe(35);
    // A name starting with "=" must not become a formula.
    expect(rows.every((r) => r[5]?.startsWith("'="))).toBe(true);
    const first = rows[0]?.[0] ?? '';
    const none = await fetch(`${t.baseUrl}/api/export.csv?from=${Date.parse(first) + 3_600_000}`, {
      headers: { Authorization: `Bearer ${t.token}` },
    });
    expect((await none.text()).trim().split('\r\n')).toHaveLength(1);
  });

  it('ranks gifters over periods and keeps ranged gifter counts exact as gifts arrive', async () => {
    const all = (await get<GifterTotal[]>('/api/gifters?period=all')).body;
    expect(all.map((g) => [g.userId, g.coins])).toEqual(
      [
        ['a', 13],
        ['c', 14],
        ['b', 8],
      ].sort((x, y) => Number(y[1]) - Number(x[1])),
    );
    for (const period of ['day', 'week', 'month']) {
      const board = (await get<GifterTotal[]>(`/api/gifters?period=${period}`)).body;
      expect(
        board.map((g) => g.coins),
        period,
      ).toEqual([14, 13, 8]);
    }
    expect(
      (await get<GifterTotal[]>('/api/gifters?period=session')).body.map((g) => g.userId),
    ).toEqual(['b']);
    const profile = (await get<GifterProfile>('/api/gifters/c')).body;
    expect(profile).toMatchObject({
      coins: 14,
      sessions: 1,
      biggestGift: { giftId: 9002, coins: 14 },
    });
    const range = `/api/summary?from=0&to=${Date.now() + 3_600_000}`;
    expect((await get<RangeSummary>(range)).body.gifterCount).toBe(3);
    await c.send([gift('6', 'd', 1), gift('7', 'a', 1)]);
    expect((await get<RangeSummary>(range)).body.gifterCount).toBe(4);
    expect((await get<RangeSummary>(range)).body.coins).toBe(37);
  });

  it('reads and writes settings, rates, goals and withdrawals', async () => {
    const settings = (await get<Settings>('/api/settings')).body;
    expect(settings.currency).toEqual({ code: 'USD', exponent: 2 });
    const put = await apiCall<Settings>(t.baseUrl, t.token, 'PUT', '/api/settings', {
      theme: 'light',
      tiktok: { username: 'creator' },
    });
    expect(put.body.theme).toBe('light');
    expect(put.body.tiktok.waitUntilLive).toBe(settings.tiktok.waitUntilLive);
    const restarted = await t.restart();
    t = restarted;
    c.close();
    c = await IngestClient.connect(t.wsUrl, t.token);
    expect((await get<Settings>('/api/settings')).body.tiktok.username).toBe('creator');

    const rates = (await get<RatesDto[]>('/api/rates')).body;
    expect(rates).toHaveLength(1);
    const newer: RatesDto = {
      ...(rates[0] as RatesDto),
      effectiveFrom: Date.now() + 1000,
      usdPerDiamond: '0.01',
    };
    const added = await apiCall<RatesDto[]>(t.baseUrl, t.token, 'POST', '/api/rates', newer);
    expect(added.status).toBe(200);
    expect(added.body.map((r) => r.usdPerDiamond)).toEqual(['1/200', '1/100']);
    const bad = await apiCall<{ code: string }>(t.baseUrl, t.token, 'POST', '/api/rates', {
      ...newer,
      usdPerDiamond: '0.1e3',
    });
    expect(bad.status).toBe(400);
    // History keeps its rates: the summary did not change.
    expect((await get<RangeSummary>('/api/summary')).body.cash.minor).toBe(18);

    const goal = await apiCall<Goal>(t.baseUrl, t.token, 'PUT', '/api/goal', {
      label: 'Payout',
      kind: 'diamonds',
      target: 100,
      rollover: false,
    });
    expect(goal.status).toBe(200);
    const ev = await EventsClient.connect(t.eventsUrl, { token: t.token });
    expect(ev.state?.goal).toMatchObject({ current: 37, target: 100 });
    const w = await apiCall<WithdrawalDto>(t.baseUrl, t.token, 'POST', '/api/withdrawals', {
      time: Date.now(),
      diamonds: 20,
      receivedMinor: 9,
      feeMinor: 1,
    });
    expect(w.status).toBe(200);
    await ev.waitFor((e) => e.state?.goal?.current === 17);
    const payout = (await get<PayoutStatus>('/api/payout')).body;
    expect(payout).toMatchObject({
      earnedDiamonds: 37,
      withdrawnDiamonds: 20,
      balanceDiamonds: 17,
      effectiveRate: '0.5',
    });
    expect(
      (await apiCall(t.baseUrl, t.token, 'DELETE', `/api/withdrawals/${w.body.id}`)).status,
    ).toBe(200);
    expect(
      (await apiCall(t.baseUrl, t.token, 'DELETE', `/api/withdrawals/${w.body.id}`)).status,
    ).toBe(404);
    await ev.waitFor((e) => e.state?.goal?.current === 37);
    ev.close();
  });

  it('backs up online and restores a backup', async () => {
    const made = await apiCall<{ file: string; bytes: number }>(
      t.baseUrl,
      t.token,
      'POST',
      '/api/backups',
    );
    expect(made.status).toBe(200);
    expect(made.body.bytes).toBeGreaterThan(0);
    await c.send([gift('after-backup', 'z', 1000)]);
    expect((await get<RangeSummary>('/api/summary')).body.coins).toBe(1037);
    const restored = await apiCall(t.baseUrl, t.token, 'POST', '/api/backups/restore', {
      file: made.body.file,
    });
    expect(restored.status).toBe(200);
    expect((await get<RangeSummary>('/api/summary')).body.coins).toBe(37);
    const list = (await get<{ file: string }[]>('/api/backups')).body;
    expect(list.some((b) => b.file.includes('pre-restore'))).toBe(true);
    // The restored ledger no longer knows the event: it is new again.
    const again = await c.send([gift('after-backup', 'z', 1000)]);
    expect(again).toEqual([{ type: 'ack', id: 'after-backup', duplicate: false }]);
  });
});

describe('the CSV export', () => {
  it('pages through large exports without losing or repeating a gift', async () => {
    const t = await startTestServer();
    try {
      const c = await IngestClient.connect(t.wsUrl, t.token);
      const time = Date.UTC(2025, 0, 1);
      for (let f = 0; f < 5; f++) {
        // Many gifts share a time, so paging must break ties by id.
        const frame = Array.from({ length: 500 }, (_, i) => ({
          ...gift(`x${f}-${i}`, `u${i % 50}`, 1 + (i % 3)),
          time: time + Math.floor((f * 500 + i) / 7),
        }));
        const replies = await c.send(frame);
        expect(replies.every((r) => r.type === 'ack')).toBe(true);
      }
      c.close();
      const res = await fetch(`${t.baseUrl}/api/export.csv`, {
        headers: { Authorization: `Bearer ${t.token}` },
      });
      const rows = (await res.text()).trim().split('\r\n').slice(1);
      expect(rows).toHaveLength(2500);
      expect(rows.reduce((s, r) => s + Number(r.split(',')[10]), 0)).toBe(
        (await apiCall<RangeSummary>(t.baseUrl, t.token, 'GET', '/api/summary')).body.coins,
      );
    } finally {
      await t.stop();
    }
  });
});
