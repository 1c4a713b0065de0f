import { rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import type { LiveState } from '../../shared/liveState';
import type { SessionDetail } from '../../shared/api';
import { launchChromium } from '../support/browser';
import { apiCall, startTestServer, type TestServer } from '../support/server';
import { buildWebRoot } from './webBuild';

/** expect.poll with room for a busy machine (its default gives up after one second). */
const eventually = <T>(actual: () => T, timeout = 20_000) =>
  expect.poll(actual, { timeout, interval: 100 });

/*
 * The dashboard with Gemlight's sources running. Gaps are real: a TikFinity-compatible server that
 * Gemlight connects to goes away and comes back; the session detail marks the time nobody
 * observed, and the Live view's source health counts it. A stored session replays as a simulation.
 */

let server: TestServer;
let webRoot: string;
let browser: Browser;
let fake: WebSocketServer;
let port = 0;
const clients = new Set<WebSocket>();

function listen(at: number): Promise<WebSocketServer> {
  return new Promise((resolve, reject) => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: at });
    wss.on('connection', (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
    });
    wss.once('listening', () => resolve(wss));
    wss.once('error', reject);
  });
}

const get = async <T>(path: string): Promise<T> =>
  (await apiCall<T>(server.baseUrl, server.token, 'GET', path)).body;

function sendGift(id: string, coins: number): void {
  const frame = JSON.stringify({
    event: 'gift',
    data: {
      msgId: id,
      userId: '7100000000000000001',
      uniqueId: 'regular_fan',
      nickname: 'Regular Fan',
      giftId: 5585,
      giftName: 'Confetti',
      diamondCount: coins,
      repeatCount: 1,
      repeatEnd: true,
      giftType: 2,
    },
  });
  for (const c of clients) c.send(frame);
}

const tikfinity = async () =>
  (await get<LiveState>('/api/live')).sources.find((s) => s.kind === 'tikfinity');

beforeAll(async () => {
  webRoot = await buildWebRoot();
  fake = await listen(0);
  port = (fake.address() as AddressInfo).port;
  server = await startTestServer({ webRoot, withoutSources: false });
  const put = await apiCall(server.baseUrl, server.token, 'PUT', '/api/settings', {
    tikfinity: { url: `ws://127.0.0.1:${port}/`, enabled: true },
  });
  expect(put.status).toBe(200);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  for (const c of clients) c.terminate();
  await new Promise((r) => fake?.close(r));
  if (webRoot) rmSync(webRoot, { recursive: true, force: true });
});

describe('dashboard with sources', () => {
  it('are marked in the session detail and counted in source health', async () => {
    await eventually(async () => (await tikfinity())?.state, 15_000).toBe('connected');
    await eventually(() => clients.size).toBe(1);
    sendGift('gap-1', 100);
    await eventually(
      async () => (await get<{ coins?: number }>('/api/sessions/current')).coins,
      10_000,
    ).toBe(100);

    // The source goes away for a while, then comes back.
    for (const c of clients) c.terminate();
    await new Promise((r) => fake.close(r));
    await eventually(async () => (await tikfinity())?.state, 10_000).not.toBe('connected');
    await new Promise((r) => setTimeout(r, 1500));
    fake = await listen(port);
    await eventually(async () => (await tikfinity())?.state, 30_000).toBe('connected');
    await eventually(() => clients.size).toBe(1);
    sendGift('gap-2', 100);
    await eventually(
      async () => (await get<{ coins?: number }>('/api/sessions/current')).coins,
      10_000,
    ).toBe(200);

    const current = await get<SessionDetail>('/api/sessions/current');
    const detail = await get<SessionDetail>(`/api/sessions/${current.id}`);
    expect(detail.gaps.length).toBeGreaterThan(0);
    expect(detail.gapMs).toBeGreaterThan(0);

    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    await page.goto(
      `${server.baseUrl}/dashboard?token=${server.token}#/sessions/${encodeURIComponent(current.id)}`,
    );
    await eventually(() => page.getByTestId('gap-note').textContent(), 10_000).toContain(
      'Observed, with a',
    );
    expect(await page.getByRole('list', { name: 'Gaps in the data' }).locator('li').count()).toBe(
      detail.gaps.length,
    );

    await page.evaluate(`window.location.hash = '#/live'`);
    await eventually(() => page.getByTestId('source-list').textContent()).toMatch(/\d+ gaps? \(/);
    await page.close();
  });

  it('replays an ended session as a simulation that never counts as earnings', async () => {
    const ended = await apiCall<{ id: string }>(
      server.baseUrl,
      server.token,
      'POST',
      '/api/sessions/end',
      {},
    );
    expect(ended.status).toBe(200);
    const summaryBefore = await get<unknown>('/api/summary');
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: 'en-US' });
    await page.goto(
      `${server.baseUrl}/dashboard?token=${server.token}#/sessions/${encodeURIComponent(ended.body.id)}`,
    );
    await page.locator('select[name=replay-speed]').selectOption('20');
    await page.getByRole('button', { name: /Replay as a simulation/ }).click();
    await eventually(() => page.url()).toContain('#/live');
    await eventually(async () => {
      const all = await get<{
        items: { simulated: boolean; giftCount: number; cash: { minor: number } }[];
      }>('/api/sessions?includeSimulated=true&limit=5');
      return all.items.some((x) => x.simulated && x.giftCount > 0 && x.cash.minor === 0);
    }).toBe(true);
    await eventually(() => page.locator('.nav-badge').textContent()).toBe('SIM');
    expect(await get<unknown>('/api/summary')).toEqual(summaryBefore);
    await page.close();
  });
});
