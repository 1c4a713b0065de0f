import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { apiCall, IngestClient, startTestServer, type TestServer } from '../support/server';
import { buildOverlay, overlayBuildIsFresh, overlayBundleSize } from './buildOverlay';
import { probe, waitForSnapshots, waitUntil } from './probe';

/**
 * The overlay's Done-when checks, in Chromium against the real server: events go in through
 * /ingest on a WebSocket, the page gets them from /events like OBS would.
 */

let server: TestServer;
let browser: Browser;
let ingestClient: IngestClient;
let seq = 0;

/** Cards stay up long enough for the assertions; the storm test uses the defaults. */
const LONG = 'durations=20000,20000,20000,20000';

/** Counts pending timeouts and animation frames, so idleness can be checked from outside. */
const IDLE_PROBE = `(() => {
  const timeouts = new Set(); const frames = new Set();
  const st = window.setTimeout.bind(window), ct = window.clearTimeout.bind(window);
  const raf = window.requestAnimationFrame.bind(window), caf = window.cancelAnimationFrame.bind(window);
  window.setTimeout = (fn, ms, ...args) => {
    const id = st((...a) => { timeouts.delete(id); if (typeof fn === 'function') fn(...a); }, ms, ...args);
    timeouts.add(id); return id;
  };
  window.clearTimeout = (id) => { timeouts.delete(id); ct(id); };
  window.requestAnimationFrame = (fn) => { const id = raf((t) => { frames.delete(id); fn(t); }); frames.add(id); return id; };
  window.cancelAnimationFrame = (id) => { frames.delete(id); caf(id); };
  window.__idle = () => ({ timeouts: timeouts.size, frames: frames.size, animations: document.getAnimations().length });
})()`;

/** Records every alert card the page adds, and the most cards on screen at once. */
const CARD_LOG = `(() => {
  window.__cards = []; window.__maxCards = 0;
  const root = document.querySelector('.area-alerts');
  new MutationObserver((mutations) => {
    for (const m of mutations) for (const n of m.addedNodes) {
      if (!(n instanceof HTMLElement)) continue;
      if (!n.classList.contains('alert-card') && !n.classList.contains('celebration')) continue;
      window.__cards.push({
        key: n.dataset.key ?? null, kind: n.dataset.kind, tier: n.dataset.tier,
        name: n.querySelector('.viewer-name')?.textContent ?? null,
      });
    }
    const live = root.querySelectorAll('.alert-card:not(.leaving), .celebration:not(.leaving)').length;
    window.__maxCards = Math.max(window.__maxCards, live);
  }).observe(root, { childList: true, subtree: true });
})()`;

interface LoggedCard {
  key: string | null;
  kind: string;
  tier: string;
  name: string | null;
}

const user = (id: string, name: string): { id: string; handle: string; name: string } => ({
  id,
  handle: `h${id}`,
  name,
});

/** A canonical gift event for /ingest. Gift ids are from the bundled catalog. */
function giftEvent(
  u: { id: string; handle: string; name: string },
  giftId: number,
  count: number,
  streak?: { id: string; end: boolean },
): Record<string, unknown> {
  seq++;
  return {
    type: 'gift',
    id: `ov-${seq}`,
    user: u,
    gift: { id: giftId },
    count,
    ...(streak ? { streak } : {}),
  };
}

async function send(events: Record<string, unknown>[]): Promise<void> {
  const replies = await ingestClient.send(events);
  for (const r of replies) expect(r.type, JSON.stringify(r)).toBe('ack');
}

/** Counts calls to play() on any media element (alert sounds). */
const PLAY_COUNT = `(() => {
  window.__plays = 0;
  const play = HTMLMediaElement.prototype.play;
  HTMLMediaElement.prototype.play = function () { window.__plays++; return play.call(this); };
})()`;

async function openOverlay(
  widget: string,
  query = '',
  on: TestServer = server,
  initScripts: string[] = [],
): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  for (const script of [IDLE_PROBE, ...initScripts]) await page.addInitScript(script);
  await page.goto(`${on.baseUrl}/overlay/${widget}?key=${on.overlayKey}&${query}`);
  await waitForSnapshots(page);
  if (widget === 'alerts' || widget === 'all') await page.evaluate(CARD_LOG);
  return page;
}

const cards = (page: Page): Promise<LoggedCard[]> => page.evaluate<LoggedCard[]>('window.__cards');

beforeAll(async () => {
  if (!overlayBuildIsFresh()) await buildOverlay();
  const size = overlayBundleSize();
  console.log(
    `overlay bundle: ${size.raw} bytes raw, ${size.gzip} bytes gzip (${size.files.join(', ')})`,
  );
  server = await startTestServer();
  browser = await launchChromium();
  ingestClient = await IngestClient.connect(server.wsUrl, server.token);
});

afterAll(async () => {
  ingestClient?.close();
  await browser?.close();
  await server?.stop();
});

describe('overlay in Chromium against the real server', () => {
  it('shows a gift with the right name, gift and count', async () => {
    const page = await openOverlay('alerts', LONG);
    await send([giftEvent(user('1001', 'Alice'), 5480, 5, { id: 'alice-hearts', end: true })]);
    const card = page.locator('.alert-card', { hasText: 'Alice' });
    await card.waitFor();
    expect(await card.locator('.viewer-name').textContent()).toBe('Alice');
    expect(await card.locator('.gift-name').textContent()).toBe('Heart');
    expect(await card.locator('.combo-count').textContent()).toBe('5');
    expect(await card.locator('.card-value').textContent()).toBe('50 coins');
    await page.close();
  });

  it('gives a 10-step streak one alert whose counter ends at 10', async () => {
    const page = await openOverlay('alerts', LONG);
    const streaker = user('1002', 'Streaker');
    for (let n = 1; n <= 10; n++) {
      await send([giftEvent(streaker, 5655, n, { id: 'streak-10', end: n === 10 })]);
    }
    const counter = page.locator('.alert-card', { hasText: 'Streaker' }).locator('.combo-count');
    await expect.poll(() => counter.textContent(), { timeout: 10_000 }).toBe('10');
    const mine = (await cards(page)).filter((c) => c.name === 'Streaker');
    expect(mine).toHaveLength(1);
    expect(await page.locator('.alert-card', { hasText: 'Streaker' }).count()).toBe(1);
    await page.close();
  });

  it('a streak that climbs in a burst pops its counter once, not once per step', async () => {
    // Counts the counter's pop animations as the page starts them.
    const countPops = `(() => {
      window.__pops = 0;
      const animate = Element.prototype.animate;
      Element.prototype.animate = function (...args) {
        if (this.classList.contains('combo-count')) window.__pops++;
        return animate.apply(this, args);
      };
    })()`;
    const page = await openOverlay('alerts', LONG, server, [countPops]);
    const burster = user('1010', 'Burster');
    // From here on (the page's load-time rehearsal pops counters too).
    await page.evaluate('window.__pops = 0');
    // 30 steps in one frame: they reach the page within a few milliseconds of each other.
    await send(
      Array.from({ length: 30 }, (_, i) =>
        giftEvent(burster, 5655, i + 1, { id: 'burst-30', end: i === 29 }),
      ),
    );
    const counter = page.locator('.alert-card', { hasText: 'Burster' }).locator('.combo-count');
    await expect.poll(() => counter.textContent(), { timeout: 10_000 }).toBe('30');
    // A pop per 260 ms the burst spans (one or two here); a pop per step would be 29.
    const pops = await page.evaluate<number>('window.__pops');
    expect(pops).toBeGreaterThanOrEqual(1);
    expect(pops).toBeLessThanOrEqual(4);
    await page.close();
  });

  it('renders a hostile nickname as inert, isolated text', async () => {
    const page = await openOverlay('alerts', LONG);
    let dialogs = 0;
    page.on('dialog', (d) => {
      dialogs++;
      void d.dismiss();
    });
    const hostile = '<img src=x onerror=alert(1)>\u202Eevil\u202C';
    // 95 stacked combining marks (the server keeps 100 code points of a name).
    const zalgo = `Zalgo${'\u0336\u0334\u0337\u0338\u0321'.repeat(19)}`;
    await send([
      giftEvent(user('1003', hostile), 5480, 1),
      giftEvent(user('1004', zalgo), 5480, 1),
      giftEvent(user('1005', 'Plain'), 5480, 1),
    ]);
    const card = page.locator('.alert-card', { hasText: '<img src=x' });
    await card.waitFor();
    await page.locator('.alert-card', { hasText: 'Plain' }).waitFor();
    const name = card.locator('.viewer-name');
    expect(await name.evaluate((n: { tagName: string }) => n.tagName)).toBe('BDI');
    const text = (await name.textContent()) ?? '';
    expect(text.startsWith('<img src=x onerror=alert(1)>')).toBe(true);
    expect(text).not.toContain('\u202E');
    // No element was made from the text: the page has no <img> at all (no avatars were sent).
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('.area-alerts img, .area-alerts script').count()).toBe(0);
    expect(dialogs).toBe(0);
    // The zalgo name stays inside a card of normal height.
    const zalgoBox = await page.locator('.alert-card', { hasText: 'Zalgo' }).boundingBox();
    const plainBox = await page.locator('.alert-card', { hasText: 'Plain' }).boundingBox();
    expect(zalgoBox?.height).toBe(plainBox?.height);
    const zalgoText =
      (await page
        .locator('.alert-card', { hasText: 'Zalgo' })
        .locator('.viewer-name')
        .textContent()) ?? '';
    // The tower of marks is cut down to two on the last letter.
    expect([...zalgoText].filter((c) => /\p{M}/u.test(c))).toHaveLength(2);
    await page.close();
  });

  it('keeps a storm of 2,000 small gifts within the lag bound and shows every big gift', async () => {
    const page = await openOverlay('alerts');
    const baselineNodes = await page.evaluate<number>('document.querySelectorAll("*").length');
    const frames: Record<string, unknown>[][] = [];
    const bigNames: string[] = [];
    // 200 viewers × a 10-step Rose/Heart streak = 2,000 small gift messages, in 80 frames of 25.
    const small: Record<string, unknown>[] = [];
    for (let step = 1; step <= 10; step++) {
      for (let v = 0; v < 200; v++) {
        small.push(
          giftEvent(user(`s${v}`, `Fan ${v}`), v % 4 === 0 ? 5480 : 5655, step, {
            id: `storm-${v}`,
            end: step === 10,
          }),
        );
      }
    }
    for (let f = 0; f < 80; f++) {
      const frame = small.slice(f * 25, f * 25 + 25);
      if (f % 10 === 5) {
        // Eight big gifts spread over the storm: Private Jet, Sports Car and one Lion.
        const name = `Whale ${f}`;
        bigNames.push(name);
        const giftId = f === 45 ? 6369 : f % 20 === 5 ? 5767 : 6089;
        frame.push(giftEvent(user(`w${f}`, name), giftId, 1));
      }
      frames.push(frame);
    }
    // 80 frames over 2 s, without waiting for the replies in between.
    const pending: Promise<void>[] = [];
    for (const frame of frames) {
      pending.push(send(frame));
      await new Promise((r) => setTimeout(r, 25));
    }
    await Promise.all(pending);
    // Wait until every streak has been seen and the screen has emptied again.
    await waitUntil(
      page,
      `(() => { const a = window.gemlightOverlay.alerts;
        return a.visibleGifts >= ${200 + bigNames.length} && window.gemlightOverlay.cardsOnScreen() === 0
          && !document.querySelector('.leaving, .shoutout'); })()`,
      60_000,
    );
    const stats = await probe(page);
    console.log('storm:', JSON.stringify(stats.alerts));
    expect(stats.alerts?.maxLagMs).toBeLessThan(5_000);
    const log = await cards(page);
    const shownBig = new Set(log.filter((c) => c.kind === 'single').map((c) => c.name));
    for (const name of bigNames) expect(shownBig).toContain(name);
    // Small gifts were merged, big ones never.
    expect(log.some((c) => c.kind === 'merged')).toBe(true);
    for (const c of log.filter((c) => c.kind === 'merged')) {
      expect(['toast', 'standard']).toContain(c.tier);
    }
    expect(await page.evaluate<number>('window.__maxCards')).toBeLessThanOrEqual(3);
    // Nothing left behind: no nodes, no timers, no frames, no running animations.
    expect(await page.evaluate<number>('document.querySelectorAll("*").length')).toBe(
      baselineNodes,
    );
    expect(await page.evaluate('window.__idle()')).toEqual({
      timeouts: 0,
      frames: 0,
      animations: 0,
    });
    await page.close();
  });

  it('rehearses the alert path at load without showing, sounding or counting anything', async () => {
    const page = await openOverlay('alerts', 'sound=/sounds/ding.mp3', server, [PLAY_COUNT]);
    const report = await page.evaluate<{
      frames: number;
      invalidFrames: number;
      cardsShown: number;
      mergedGifts: number;
      leftWaiting: number;
    }>('window.gemlightOverlay.rehearsal');
    // Every tier, a streak and a storm that merges went through validation, scheduler and cards.
    expect(report.frames).toBeGreaterThan(150);
    expect(report.invalidFrames).toBe(0);
    expect(report.cardsShown).toBeGreaterThanOrEqual(5);
    expect(report.mergedGifts).toBeGreaterThan(0);
    expect(report.leftWaiting).toBe(0);
    const shown = await probe(page);
    expect(shown.alerts).toEqual({ maxLagMs: 0, visibleGifts: 0, cardsShown: 0, mergedGifts: 0 });
    expect(shown.cardsOnScreen).toBe(0);
    expect(await page.evaluate<number>('window.__plays')).toBe(0);
    expect(
      await page.evaluate<number>(
        'document.querySelectorAll(".alert-card, .celebration, .shoutout").length',
      ),
    ).toBe(0);
    expect(await page.evaluate('window.__idle()')).toEqual({
      timeouts: 0,
      frames: 0,
      animations: 0,
    });
    // The first real gift is drawn as usual.
    await send([giftEvent(user('rh1', 'After Rehearsal'), 5655, 1)]);
    await waitUntil(page, 'window.__cards.length === 1');
    expect((await cards(page))[0]?.name).toBe('After Rehearsal');
    expect(await page.evaluate<number>('window.__plays')).toBe(1);
    await page.close();

    // The rehearsal's boards and session stay its own: a page with every widget shows none of
    // its gifters, and its one snapshot is the server's.
    const all = await openOverlay('all');
    expect(await all.evaluate<number>('window.gemlightOverlay.rehearsal.frames')).toBe(
      report.frames,
    );
    expect(await all.evaluate<number>('window.gemlightOverlay.snapshots')).toBe(1);
    expect(await all.evaluate<string>('document.body.textContent')).not.toMatch(/rehearsal/i);
    await all.close();
  });

  it('rehearses to the end under the extremes a URL can set, then connects', async () => {
    const extremes = [
      'min=10000000',
      'max=1&lag=1000&durations=500,500,500,500',
      'max=10&lag=60000&durations=120000,120000,120000,120000',
      'standard=1&big=2&celebration=3&shoutout=0',
      'tiers=9999998,9999999,10000000&sound=/sounds/x.mp3',
    ];
    for (const query of extremes) {
      const page = await openOverlay('alerts', query);
      const report = await page.evaluate<{ frames: number; leftWaiting: number } | null>(
        'window.gemlightOverlay.rehearsal',
      );
      expect(report, query).not.toBeNull();
      expect(report?.frames, query).toBeGreaterThan(150);
      expect(report?.leftWaiting, query).toBe(0);
      expect((await probe(page)).connection, query).toBe('open');
      await page.close();
    }
  });

  it('shows test alerts sent from the dashboard', async () => {
    const page = await openOverlay('alerts', LONG);
    const res = await apiCall(server.baseUrl, server.token, 'POST', '/api/overlay/test-alert', {
      giftId: 5767,
      name: 'Preview Pal',
    });
    expect(res.status).toBe(200);
    const card = page.locator('.alert-card', { hasText: 'Preview Pal' });
    await card.waitFor();
    expect(await card.getAttribute('data-origin')).toBe('test');
    expect(await card.locator('.gift-name').textContent()).toBe('Private Jet');
    await page.close();
  });

  it('comes back with the right leaderboard and goal after the server restarts, without a reload', async () => {
    // A server of its own: the board and goal must hold exactly these gifts.
    let own = await startTestServer();
    let client = await IngestClient.connect(own.wsUrl, own.token);
    const sendOwn = async (events: Record<string, unknown>[]): Promise<void> => {
      for (const r of await client.send(events)) expect(r.type, JSON.stringify(r)).toBe('ack');
    };
    const goal = await apiCall(own.baseUrl, own.token, 'PUT', '/api/goal', {
      label: 'New capture card',
      kind: 'diamonds',
      target: 100_000,
      rollover: false,
    });
    expect(goal.status).toBe(200);
    const page = await openOverlay('all', 'period=session&top=5', own);
    await page.evaluate('window.__sameDocument = true');
    await sendOwn([giftEvent(user('r1', 'Rhea'), 5767, 1)]);
    await page.locator('.board-row', { hasText: 'Rhea' }).waitFor();

    const port = own.server.port;
    client.close();
    await own.stop({ keep: true });
    await waitUntil(page, `window.gemlightOverlay.connection !== 'open'`);
    // The app is down: the page stays transparent and keeps its last picture.
    expect(
      await page.evaluate(
        'getComputedStyle(document.body).backgroundColor + "|" + getComputedStyle(document.documentElement).backgroundColor',
      ),
    ).toBe('rgba(0, 0, 0, 0)|rgba(0, 0, 0, 0)');

    own = await own.restart({ port });
    client = await IngestClient.connect(own.wsUrl, own.token);
    // Sent while the page is (most likely) still waiting to reconnect: only the snapshot can
    // bring these to the page.
    await sendOwn([
      giftEvent(user('r2', 'Sol'), 6089, 1),
      giftEvent(user('r3', 'Juno'), 5897, 1),
      giftEvent(user('r1', 'Rhea'), 5978, 1),
    ]);
    await waitForSnapshots(page, 2, 30_000);
    const rows = page.locator('.board-row .row-name');
    await expect
      .poll(() => rows.allTextContents(), { timeout: 10_000 })
      .toEqual(['Sol', 'Rhea', 'Juno']);
    expect(await page.locator('.board-row .row-amount-text').allTextContents()).toEqual([
      '7,000',
      '5,787',
      '699',
    ]);
    const total = 4_888 + 7_000 + 699 + 899;
    await expect
      .poll(() => page.locator('.goal-current').textContent(), { timeout: 10_000 })
      .toBe(total.toLocaleString('en-US'));
    expect(await page.locator('.goal-target').textContent()).toBe('100,000');
    expect(await page.locator('.goal-label').textContent()).toBe('New capture card');
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    await page.close();
    client.close();
    await own.stop();
  });
});
