import type { Browser, CDPSession, Page } from 'playwright-core';
import { ensureOverlayBuilt } from '../bench/overlayBuild';
import { launchChromium } from '../support/browser';
import { IngestClient, spawnServeProcess, type ServeProcess } from '../support/server';

/**
 * What benchmark 4 (test/bench/overlayCost.ts) and the heap-snapshot diff (heapDiff.ts) share:
 * the alert storm, and reading the page through plain CDP `Runtime.evaluate`. Playwright's
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
 * Builds the overlay if needed, starts the server and opens its overlay page at 1920×1080 with
 * CDP Performance metrics on; resolves once the page is connected. `jsFlags` is for diagnosis
 * only (V8 settings the benchmark never uses).
 */
export async function openMeasuredOverlay(
  log: (line: string) => void,
  jsFlags?: string,
): Promise<MeasuredOverlay> {
  ensureOverlayBuilt(log);
  const serve = await spawnServeProcess({ via: 'node', env: { GEMLIGHT_SKIP_WEB_BUILD: '1' } });
  const close = async (): Promise<void> => {
    await browser?.close();
    await serve.stop();
  };
  let browser: Browser | null = null;
  try {
    browser = await launchChromium(jsFlags ? [`--js-flags=${jsFlags}`] : []);
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 } });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable', { timeDomain: 'timeTicks' });
    await page.goto(serve.overlayUrl);
    await waitForPage(cdp, OVERLAY_OPEN);
    return { serve, browser, page, cdp, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** JSHeapUsedSize after two forced GCs (the second collects what the first's finalizers freed). */
export async function settledHeapBytes(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
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
