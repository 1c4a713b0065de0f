import type { Browser, CDPSession, Page } from 'playwright-core';
import { ensureWeb } from '../../scripts/ensure-web';
import { launchChromium } from '../support/browser';
import { IngestClient, spawnServeProcess, type ServeProcess } from '../support/server';

/**
 * What the overlay's measurements share (benchmarks 2 and 4, heapDiff.ts, rehearsalCost.ts): the
 * server serving the shipped bundles, the measured page, the alert storm, and reading the page
 * through plain CDP `Runtime.evaluate`. Playwright's
 * `page.evaluate` would run (and, polled during a storm, get V8 to compile and optimise) its own
 * helper scripts inside the measured page, so their code would be counted as the overlay's heap.
 */

/** Evaluates an expression in the page's main world and returns its JSON value. */
export async function pageValue(cdp: CDPSession, expression: string): Promise<unknown> {
  const reply = await cdp.send('Runtime.evaluate', { expression, returnByValue: true });
  if (reply.exceptionDetails) {
    throw new Error(`page expression failed: ${expression}: ${reply.exceptionDetails.text}`);
  }
  return reply.result.value;
}

/** Polls an expression until it is `true` (polled from Node: the page's CSP forbids eval). */
export async function waitForPage(
  cdp: CDPSession,
  expression: string,
  timeoutMs = 30_000,
  everyMs = 100,
): Promise<void> {
  const began = performance.now();
  while ((await pageValue(cdp, expression)) !== true) {
    if (performance.now() - began > timeoutMs) {
      throw new Error(`timed out waiting for ${expression} in the page`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The overlay page is connected and has drawn its first frame. */
export const OVERLAY_OPEN =
  'Boolean(window.gemlightOverlay && window.gemlightOverlay.connection === "open")';

/** The alerts overlay open in Chromium against `npm run serve`, read through plain CDP. */
export interface MeasuredOverlay {
  serve: ServeProcess;
  browser: Browser;
  page: Page;
  cdp: CDPSession;
  close: () => Promise<void>;
}

/**
 * Opens `url` in a new 1920×1080 page of `browser` with CDP Performance metrics on; resolves once
 * the overlay is connected (polled every `pollMs`), with the time from navigation to then.
 */
export async function openMeasuredPage(
  browser: Browser,
  url: string,
  pollMs = 100,
): Promise<{ page: Page; cdp: CDPSession; loadMs: number }> {
  const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
  const began = performance.now();
  await page.goto(url);
  await waitForPage(cdp, OVERLAY_OPEN, 30_000, pollMs);
  return { page, cdp, loadMs: performance.now() - began };
}

/**
 * Builds the web bundles if needed (as the app ships them), starts the server and opens its
 * overlay page (`openMeasuredPage`). `jsFlags` is for diagnosis only (V8 settings the benchmark
 * never uses).
 */
export async function openMeasuredOverlay(
  log: (line: string) => void,
  jsFlags?: string,
): Promise<MeasuredOverlay> {
  const serve = await startMeasuredServe(log);
  const close = async (): Promise<void> => {
    await browser?.close();
    await serve.stop();
  };
  let browser: Browser | null = null;
  try {
    browser = await launchChromium(jsFlags ? [`--js-flags=${jsFlags}`] : []);
    const { page, cdp } = await openMeasuredPage(browser, serve.overlayUrl);
    return { serve, browser, page, cdp, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * `npm run serve` for the overlay's measurements, serving the web bundles as the app ships them
 * (`electron-vite build`, rebuilt first when older than their sources).
 */
export async function startMeasuredServe(log: (line: string) => void): Promise<ServeProcess> {
  ensureWeb(log);
  return spawnServeProcess({ via: 'node', env: { GEMLIGHT_SKIP_WEB_BUILD: '1' } });
}

/** The page's CDP Performance metrics by name. */
export async function pageMetrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics } = await cdp.send('Performance.getMetrics');
  return Object.fromEntries(metrics.map((m) => [m.name, m.value]));
}

/** JSHeapUsedSize after two forced GCs (the second collects what the first's finalizers freed). */
export async function settledHeapBytes(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  return (await pageMetrics(cdp)).JSHeapUsedSize ?? 0;
}

/** One storm: `alerts` gifts at `rate`/s from 300 viewers, every 50th a big one. */
export interface StormPlan {
  alerts: number;
  rate: number;
}

/**
 * Sends a storm through /ingest and waits until every card has left the screen (exit animations
 * included). Returns how long the cards took to leave after the last gift was acked (ms).
 */
export async function sendStorm(
  cdp: CDPSession,
  server: { wsUrl: string; token: string },
  round: number,
  plan: StormPlan,
): Promise<number> {
  const client = await IngestClient.connect(server.wsUrl, server.token);
  const perFrame = Math.max(1, Math.round(plan.rate / 10));
  const began = performance.now();
  for (let sent = 0; sent < plan.alerts;) {
    const batch = [];
    for (let k = 0; k < perFrame && sent < plan.alerts; k++, sent++) {
      const big = sent % 50 === 0;
      batch.push({
        type: 'gift',
        id: `cost-${round}-${sent}`,
        user: { id: `u${sent % 300}`, handle: `fan${sent % 300}`, name: `Fan ${sent % 300}` },
        gift: big
          ? { id: 9901, name: 'Bench Castle', coins: 5000, streakable: false }
          : { id: 9902, name: 'Bench Star', coins: 10, streakable: false },
        count: 1,
      });
    }
    const replies = await client.send(batch);
    if (replies.some((r) => r.type !== 'ack')) throw new Error('overlay storm: a gift was refused');
    const wait = began + (sent / plan.rate) * 1000 - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  client.close();
  const drainStart = performance.now();
  await waitForPage(cdp, 'window.gemlightOverlay.cardsOnScreen() === 0', 120_000, 250);
  return performance.now() - drainStart;
}
