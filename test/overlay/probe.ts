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

/** Waits until the page has received at least `n` snapshots. */
export async function waitForSnapshots(page: Page, n = 1, timeout = 20_000): Promise<void> {
  await page.waitForFunction(`(window.gemlightOverlay?.snapshots ?? 0) >= ${n}`, undefined, {
    timeout,
  });
}
