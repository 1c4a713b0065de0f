import type { Page } from 'playwright-core';
import { ensureWeb } from '../../scripts/ensure-web';
import { launchChromium } from '../support/browser';
import { spread, type Spread } from './stats';

/**
 * Benchmark 3 seen from the dashboard: each view of the real dashboard (React build, Chromium)
 * opened on the seeded ledger, timed from the route change to the first animation frame in which
 * its data is on the page. The API rows time the calls; these time what a creator waits for.
 */

/** The row of the dashboard's own load (the other rows are views opened in it). */
export const FIRST_LOAD = 'first load (Live view)';

/** A view to open: its route, and what is on the page once its data has arrived. */
interface View {
  hash: (i: number) => string;
  /** Selectors that must all match. */
  ready: string[];
}

/** What the views need from the ledger: sessions to open and a gifter to look up. */
export interface ViewFacts {
  sessionIds: readonly number[];
  topUser: string;
}

function views(f: ViewFacts): Record<string, View> {
  const pick = (i: number): number =>
    f.sessionIds[(i * 7919) % Math.max(1, f.sessionIds.length)] ?? 1;
  return {
    sessions: {
      hash: () => '#/sessions',
      ready: ['[data-testid=sessions-table][aria-busy=false] tbody tr'],
    },
    'session detail': {
      hash: (i) => `#/sessions/${pick(i)}`,
      // The numbers, gift breakdown, timeline and gifters render in one commit once the detail
      // has arrived; the numbers are there for a session without gifts too.
      ready: ['[data-testid=detail-coins]'],
    },
    'gifters (all-time board)': {
      hash: () => '#/gifters',
      ready: ['[data-testid=leaderboard] li'],
    },
    'gifter profile (top fan)': {
      hash: () => `#/gifters/${encodeURIComponent(f.topUser)}`,
      ready: ['[data-testid=gifter-profile]'],
    },
    payout: {
      hash: () => '#/payout',
      ready: ['[data-testid=rate-configured]'],
    },
  };
}

/**
 * Runs in the page: changes the route to `hash` (or, with none, stays on the page as loaded) and
 * waits, frame by frame, for every `ready` selector. Resolves with the ms from the route change,
 * or from navigation start when there was none.
 */
const WAIT_FOR_VIEW = `async ({ hash, ready, timeoutMs }) => {
  const began = hash === null ? 0 : performance.now();
  if (hash !== null) location.hash = hash;
  for (;;) {
    await new Promise((r) => requestAnimationFrame(r));
    const now = performance.now();
    if (ready.every((s) => document.querySelector(s))) return now - began;
    if (now - began > timeoutMs) throw new Error('view not ready in time: ' + (hash ?? location.hash));
  }
}`;

function waitForView(page: Page, hash: string | null, ready: string[]): Promise<number> {
  return page.evaluate<number>(
    `(${WAIT_FOR_VIEW})(${JSON.stringify({ hash, ready, timeoutMs: 20_000 })})`,
  );
}

/**
 * Loads the dashboard six times, then opens every view `repeats` times (interleaved, each from the
 * Live view so it mounts afresh; the first round warms up and is not counted) and returns the
 * times per view.
 */
export async function timeDashboardViews(
  serve: { baseUrl: string; token: string },
  facts: ViewFacts,
  repeats: number,
  log: (line: string) => void,
): Promise<Record<string, Spread>> {
  ensureWeb(log);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const samples: Record<string, number[]> = {};
    // Opening the dashboard: navigation start → the Live view showing the latest session's coins
    // (from the live socket's snapshot). Six loads; the first warms up and is not counted.
    for (let i = 0; i < 6; i++) {
      await page.goto(`${serve.baseUrl}/dashboard?token=${serve.token}#/live`);
      const ms = await waitForView(page, null, ['[data-testid=live-coins]']);
      if (i > 0) (samples[FIRST_LOAD] ??= []).push(ms);
    }
    const list = views(facts);
    for (let i = 0; i < repeats; i++) {
      for (const [name, view] of Object.entries(list)) {
        await waitForView(page, '#/live', ['[data-testid=live-coins]']);
        const ms = await waitForView(page, view.hash(i), view.ready);
        if (i > 0 || repeats === 1) (samples[name] ??= []).push(ms);
      }
    }
    return Object.fromEntries(Object.entries(samples).map(([name, s]) => [name, spread(s)]));
  } finally {
    await browser.close();
  }
}
