import { request } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestReply } from '../../shared/api';
import { lanAddresses } from '../../electron/services/http/door';
import { launchChromium } from '../support/browser';
import { EventsClient, ingest, startTestServer, type TestServer } from '../support/server';
import { openIngest, readLedger, report, scale } from './support';

/** Every attack tried, for docs/reliability.md. */
let attacks = 0;

/** A raw HTTP request with full control over Host, Origin and headers. */
function rawRequest(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined> }> {
  attacks += 1;
  return new Promise((res, rej) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: options.method ?? 'GET',
        path: options.path,
        headers: options.headers,
        setHost: !(options.headers && 'Host' in options.headers),
      },
      (resp) => {
        resp.resume();
        resp.on('end', () => res({ status: resp.statusCode ?? 0, headers: resp.headers }));
      },
    );
    req.on('error', rej);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** Tries a WebSocket upgrade; resolves with 101 or the refusal's HTTP status. */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  attacks += 1;
  return new Promise((res) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => {
      ws.close();
      res(101);
    });
    ws.once('unexpected-response', (_req, resp) => {
      res(resp.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', () => res(-1));
  });
}

const gift = (id: string, extra: Record<string, unknown> = {}) => ({
  type: 'gift',
  id,
  user: { id: '42', name: 'Tester' },
  gift: { id: 5655, coins: 1 },
  ...extra,
});

describe('attacks on the local server', () => {
  let s: TestServer;
  let port: number;
  beforeAll(async () => {
    s = await startTestServer();
    port = s.server.port;
  });
  afterAll(async () => {
    report('attacks', { attacksTried: attacks });
    await s.stop();
  });

  it('refuses ingest without the token, with a wrong one, or with it in the wrong place (401)', async () => {
    const url = s.wsUrl;
    expect(await upgradeStatus(url)).toBe(401);
    expect(await upgradeStatus(url, { Authorization: 'Bearer wrong-token' })).toBe(401);
    expect(await upgradeStatus(url, { Authorization: `Bearer ${s.token}x` })).toBe(401);
    expect(await upgradeStatus(url, { Authorization: `Basic ${s.token}` })).toBe(401);
    expect(await upgradeStatus(url, { Authorization: s.token })).toBe(401);
    expect(await upgradeStatus(url, { 'X-Token': s.token })).toBe(401);
    expect(await upgradeStatus(`${url}?key=${s.token}`)).toBe(401);
    expect(await upgradeStatus(url, { Cookie: `token=${s.token}` })).toBe(401);
    expect(await upgradeStatus(url, { 'Sec-WebSocket-Protocol': s.token })).toBe(401);
    // The right token in the right place is let in (the test can tell the difference).
    expect(await upgradeStatus(url, { Authorization: `Bearer ${s.token}` })).toBe(101);

    const api = (headers: Record<string, string>, path = '/api/sessions') =>
      rawRequest(port, { path, headers }).then((r) => r.status);
    expect(await api({})).toBe(401);
    expect(await api({ Authorization: 'Bearer nope' })).toBe(401);
    expect(await api({ 'X-Token': s.token })).toBe(401);
    expect(await api({}, `/api/sessions?key=${s.token}`)).toBe(401);
    expect(await api({ Cookie: `other=${s.token}` })).toBe(401);
    const inBody = await rawRequest(port, {
      method: 'POST',
      path: '/api/sessions/start',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ token: s.token }),
    });
    expect(inBody.status).toBe(401);
    expect(await api({ Authorization: `Bearer ${s.token}` })).toBe(200);
  });

  it('refuses foreign Origins (a web page reaching for the local app)', async () => {
    for (const origin of [
      'http://evil.example',
      `http://evil.example:${port}`,
      'null',
      `https://127.0.0.1:${port}`,
      `http://127.0.0.1:${port + 1}`,
      `http://localhost.evil.example:${port}`,
    ]) {
      expect(
        await upgradeStatus(s.wsUrl, { Authorization: `Bearer ${s.token}`, Origin: origin }),
        origin,
      ).toBe(403);
      expect(await upgradeStatus(`${s.eventsUrl}?key=${s.overlayKey}`, { Origin: origin })).toBe(
        403,
      );
      const put = await rawRequest(port, {
        method: 'PUT',
        path: '/api/settings',
        headers: {
          Authorization: `Bearer ${s.token}`,
          Origin: origin,
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ lanAccess: true }),
      });
      expect(put.status, origin).toBe(403);
      // A simple GET is not refused by Origin, but the browser may not read it: no CORS grant.
      const get = await rawRequest(port, {
        path: '/api/settings',
        headers: { Authorization: `Bearer ${s.token}`, Origin: origin },
      });
      expect(get.headers['access-control-allow-origin']).toBeUndefined();
    }
    const settings = (await s.server.call('settings.get', {})) as { lanAccess: boolean };
    expect(settings.lanAccess).toBe(false);
    expect(
      await upgradeStatus(s.wsUrl, {
        Authorization: `Bearer ${s.token}`,
        Origin: `http://127.0.0.1:${port}`,
      }),
    ).toBe(101);
  });

  it('refuses foreign Host names (DNS rebinding), even with the token', async () => {
    for (const host of [
      `evil.example:${port}`,
      'evil.example',
      `127.0.0.1.nip.io:${port}`,
      `localhost.evil.example:${port}`,
      '',
      `[::ffff:7f00:1]:${port}`,
    ]) {
      const r = await rawRequest(port, {
        path: '/api/sessions',
        headers: { Host: host, Authorization: `Bearer ${s.token}` },
      });
      expect(r.status, host).toBe(403);
      const page = await rawRequest(port, {
        path: `/dashboard?token=${s.token}`,
        headers: { Host: host },
      });
      expect(page.status, host).toBe(403);
      // (ws replaces an empty Host header with its own, so that case is checked over HTTP only.)
      if (host !== '') {
        expect(
          await upgradeStatus(s.wsUrl, { Host: host, Authorization: `Bearer ${s.token}` }),
          host,
        ).toBe(403);
      }
    }
    const ok = await rawRequest(port, {
      path: '/api/sessions',
      headers: { Host: `localhost:${port}`, Authorization: `Bearer ${s.token}` },
    });
    expect(ok.status).toBe(200);
  });

  it('the overlay key can watch, but not ingest, read the API or change settings', async () => {
    const key = s.overlayKey;
    expect(await upgradeStatus(`${s.wsUrl}?key=${key}`)).toBe(401);
    expect(await upgradeStatus(s.wsUrl, { Authorization: `Bearer ${key}` })).toBe(401);
    expect(await upgradeStatus(`${s.wsUrl}?token=${key}`)).toBe(401);
    for (const path of [
      '/api/sessions',
      '/api/settings',
      '/api/app',
      '/api/backups',
      '/api/live',
    ]) {
      expect((await rawRequest(port, { path: `${path}?key=${key}` })).status, path).toBe(401);
      const bearer = await rawRequest(port, { path, headers: { Authorization: `Bearer ${key}` } });
      expect(bearer.status, path).toBe(401);
    }
    const put = await rawRequest(port, {
      method: 'PUT',
      path: `/api/settings?key=${key}`,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ lanAccess: true }),
    });
    expect(put.status).toBe(401);
    const restore = await rawRequest(port, {
      method: 'POST',
      path: `/api/backups/restore?key=${key}`,
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ file: 'x.db' }),
    });
    expect(restore.status).toBe(401);
    // What the key is for still works.
    expect(await upgradeStatus(`${s.eventsUrl}?key=${key}`)).toBe(101);
    expect((await rawRequest(port, { path: `/overlay/alerts?key=${key}` })).status).toBe(200);
  });

  it('with LAN access off, nothing listens beyond loopback', async () => {
    expect(s.server.host).toBe('127.0.0.1');
    const addresses = lanAddresses().map((a) => a.replace(/^\[|\]$/g, ''));
    if (addresses.length === 0) {
      process.stdout.write(
        '[reliability] no non-loopback interface here: only the bind address is checked.\n',
      );
    }
    for (const address of addresses) {
      attacks += 1;
      const outcome = await new Promise<string>((res) => {
        const socket = connect({ host: address, port }, () => {
          socket.destroy();
          res('connected');
        });
        socket.once('error', (e: NodeJS.ErrnoException) => res(e.code ?? 'error'));
        socket.setTimeout(3_000, () => {
          socket.destroy();
          res('timeout');
        });
      });
      expect(outcome, address).not.toBe('connected');
    }
  });

  it('rate limits hold under a flood from one client while a second is still acknowledged', async () => {
    const FLOOD = scale('FLOOD_FRAMES', 3_000, 30_000);
    const flooder = await openIngest(s.wsUrl, s.token);
    const floodReplies: IngestReply[] = [];
    flooder.on('message', (d: Buffer) =>
      floodReplies.push(JSON.parse(d.toString()) as IngestReply),
    );
    // Open many extra connections too: they must not starve the honest client.
    const extra = await Promise.all(
      Array.from({ length: scale('FLOOD_CONNECTIONS', 50, 500) }, () =>
        openIngest(s.wsUrl, s.token).catch(() => null),
      ),
    );
    for (let i = 0; i < FLOOD; i++) flooder.send(JSON.stringify(gift(`flood-${i}`)));
    attacks += FLOOD + extra.length;
    const honest: IngestReply[] = [];
    for (let i = 0; i < 40; i++) {
      honest.push(...(await ingest(s.wsUrl, s.token, gift(`honest-${i}`, { user: { id: '7' } }))));
    }
    await new Promise<void>((res) => {
      const check = () => (floodReplies.length >= FLOOD ? res() : setTimeout(check, 50));
      check();
    });
    flooder.close();
    for (const ws of extra) ws?.close();
    expect(honest.every((r) => r.type === 'ack' && !r.duplicate)).toBe(true);
    const limited = floodReplies.filter((r) => r.type === 'error' && r.code === 'rate_limited');
    const acked = floodReplies.filter((r) => r.type === 'ack');
    expect(limited.length).toBeGreaterThan(0);
    expect(acked.length + limited.length).toBe(FLOOD);
    report('flood', { frames: FLOOD, acked: acked.length, rateLimited: limited.length });

    // The /events socket allows a trickle of heartbeats; a flood is closed with 1008.
    const watcher = await EventsClient.connect(s.eventsUrl, { key: s.overlayKey });
    const closed = new Promise<number>((res) => watcher.ws.once('close', (c) => res(c)));
    for (let i = 0; i < 200; i++) watcher.ws.send('{"type":"ping"}');
    expect(await closed).toBe(1008);

    // Nothing refused was stored; everything acknowledged was, once.
    await s.stop({ keep: true });
    const ledger = readLedger(join(s.dataDir, 'gemlight.db'));
    expect(ledger.rawEvents).toBe(acked.length + honest.length);
    s = await s.restart();
    port = s.server.port;
  });
});

/** What the page reports after the hostile names were rendered. */
interface PageProbe {
  pwned: number;
  scripts: number;
  overflowX: number;
  /** How far the widest element showing a long or zalgo name reaches past the viewport. */
  widest: number;
  shownLong: boolean;
  text: string;
}

/**
 * Waits (polling from Node: the pages' CSP forbids the string evaluation waitForFunction uses)
 * until the page shows the hostile markup as text, or 15 s have passed.
 */
async function waitForHostileText(page: Page): Promise<void> {
  const end = Date.now() + 15_000;
  while (Date.now() < end) {
    if (await page.evaluate<boolean>("document.body.innerText.includes('onerror')")) return;
    await page.waitForTimeout(100);
  }
}

// Ordered by coins (first = biggest gifter): the overlay's leaderboard shows only the top few.
const HOSTILE = [
  '<img src=x onerror="window.__pwned=1;alert(1)">',
  'W'.repeat(100_000),
  '<script>window.__pwned=1;alert(1)</script>',
  `Z${'\u0336\u0337\u0338\u0334\u0335\u030f\u0311\u0306'.repeat(12)}algo`,
  '"><svg onload=window.__pwned=1>',
  'javascript:window.__pwned=1',
  '\u202Eevil\u202D name \u2066rtl\u2069',
  `{{constructor.constructor('window.__pwned=1')()}}`,
];

describe('hostile viewer text is inert in the overlay and the dashboard', () => {
  let s: TestServer;
  let browser: Browser | null = null;
  beforeAll(async () => {
    s = await startTestServer();
    const replies = await ingest(
      s.wsUrl,
      s.token,
      HOSTILE.map((text, i) => ({
        type: 'gift',
        id: `hostile-${i}`,
        user: { id: `${100 + i}`, handle: text, name: text },
        gift: { id: 900 + i, coins: 100 - i, name: text },
        count: 1,
      })),
    );
    expect(replies.every((r) => r.type === 'ack')).toBe(true);
    browser = await launchChromium();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await s.stop();
  });

  async function visit(url: string) {
    if (!browser) throw new Error('no browser');
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const page = await context.newPage();
    await page.addInitScript('window.__pwned = 0;');
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    const response = await page.goto(url);
    await waitForHostileText(page);
    // A moment more for anything an injected handler would have run.
    await page.waitForTimeout(500);
    // Evaluated as text: this file is compiled without the DOM library.
    const result = await page.evaluate<PageProbe>(`({
      pwned: window.__pwned,
      scripts: document.querySelectorAll('script:not([src])').length,
      overflowX: document.documentElement.scrollWidth - window.innerWidth,
      widest: Math.max(0, ...Array.from(document.querySelectorAll('body *'))
        .filter((e) => e.children.length === 0 && /WWWWWWWWWW|\u0336/.test(e.textContent))
        .map((e) => e.getBoundingClientRect().right)) - window.innerWidth,
      shownLong: Array.from(document.querySelectorAll('body *'))
        .some((e) => e.children.length === 0 && e.textContent.includes('WWWWWWWWWW')),
      text: document.body.innerText,
    })`);
    await context.close();
    return { result, dialogs, csp: response?.headers()['content-security-policy'] ?? '' };
  }

  /** The hostile names were shown as text, ran nothing, opened no dialog and stayed in the viewport. */
  function expectInertAndInside(result: PageProbe, dialogs: string[]): void {
    expect(dialogs).toEqual([]);
    expect(result.pwned).toBe(0);
    expect(result.scripts).toBe(0);
    expect(result.overflowX).toBeLessThanOrEqual(0);
    expect(result.shownLong).toBe(true);
    expect(result.widest).toBeLessThanOrEqual(0);
    expect(result.text).toContain('<img src=x onerror=');
  }

  it('the overlay shows them as text, runs nothing and stays in its box; it sends a CSP', async () => {
    attacks += HOSTILE.length;
    const { result, dialogs, csp } = await visit(`${s.baseUrl}/overlay/all?key=${s.overlayKey}`);
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).toMatch(/object-src 'none'/);
    expectInertAndInside(result, dialogs);
  });

  it('the dashboard shows them as text, runs nothing and stays in its box; it sends a CSP', async () => {
    attacks += HOSTILE.length;
    const { result, dialogs, csp } = await visit(`${s.baseUrl}/dashboard?token=${s.token}`);
    expect(csp).toMatch(/script-src 'self'/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    expectInertAndInside(result, dialogs);
  });
});
