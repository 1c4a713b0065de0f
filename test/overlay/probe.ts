import type { Page } from 'playwright-core';

/**
 * Reads the overlay's debug numbers (window.gemlightOverlay) from a page. Expressions are
 * strings because this file is type-checked for Node, where there is no `window`.
 */

/** What the overlay page reports about itself. */
export interface OverlayProbe {
  widget: string;
  connection: 'connecting' | 'open' | 'closed';
  snapshots: number;
  invalidFrames: number;
  alerts: {
    maxLagMs: number;
    visibleGifts: number;
    cardsShown: number;
    mergedGifts: number;
  } | null;
  cardsOnScreen: number;
}

/** The page's current numbers. */
export async function probe(page: Page): Promise<OverlayProbe> {
  return page.evaluate<OverlayProbe>(`(() => {
    const d = window.gemlightOverlay;
    return { ...d, alerts: d.alerts ? { ...d.alerts } : null, cardsOnScreen: d.cardsOnScreen() };
  })()`);
}

/**
 * Waits until a page expression is truthy. Polled from Node with `evaluate` (which the page's
 * CSP allows) rather than `waitForFunction` (which needs eval, refused by the overlay's CSP).
 */
export async function waitUntil(page: Page, expression: string, timeout = 20_000): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    if (await page.evaluate<boolean>(`Boolean(${expression})`)) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until the page has received at least `n` snapshots. */
export async function waitForSnapshots(page: Page, n = 1, timeout = 20_000): Promise<void> {
  await waitUntil(page, `(window.gemlightOverlay?.snapshots ?? 0) >= ${n}`, timeout);
}
