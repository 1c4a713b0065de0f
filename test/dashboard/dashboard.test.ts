import { readFileSync, rmSync } from 'node:fs';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HTTP_ROUTES, type CommandName, type ParamsOf, type ResultOf } from '../../shared/api';
import * as Q from '../../shared/rational';
import { launchChromium } from '../support/browser';
import { apiCall, startTestServer, type TestServer } from '../support/server';
import { history, openSession, seedClock, seedIngest, shortSessions, type SeedEvent } from './seed';
import { buildWebRoot } from './webBuild';

/** expect.poll with room for a busy machine (its default gives up after one second). */
const eventually = <T>(actual: () => T, timeout = 20_000) =>
  expect.poll(actual, { timeout, interval: 100 });

/*
 * The dashboard in real Chromium against a real Gemlight seeded through /ingest. Every number the
 * views show is compared with what the API reports for the same thing.
 */

const DAY = 86_400_000;
let server: TestServer;
let webRoot: string;
let browser: Browser;
let context: BrowserContext;
let page: Page;

/** Calls a command over HTTP exactly as the dashboard's client does, and fails on an error. */
async function api<K extends CommandName>(name: K, params: ParamsOf<K>): Promise<ResultOf<K>> {
  const route = HTTP_ROUTES[name];
  const rest: Record<string, unknown> = { ...(params as Record<string, unknown>) };
  const path = route.path.replace(/:(\w+)/g, (_m, key: string) => {
    const v = rest[key];
    delete rest[key];
    return encodeURIComponent(String(v));
  });
  const query = new URLSearchParams(
    Object.fromEntries(
      Object.entries(rest).map(([k, v]) => [k, String(v as string | number | boolean)]),
    ),
  ).toString();
  const withBody = route.method === 'POST' || route.method === 'PUT';
  const { status, body } = await apiCall<ResultOf<K>>(
    server.baseUrl,
    server.token,
    route.method,
    withBody || !query ? path : `${path}?${query}`,
    withBody ? rest : undefined,
  );
  if (status >= 400) throw new Error(`${name} answered ${status}: ${JSON.stringify(body)}`);
  return body;
}

/** Formats numbers in the page's own Intl, exactly as the dashboard does for the creator's locale. */
async function formatted(values: { ints?: number[]; cash?: number[]; dates?: number[] }) {
  const settings = await api('settings.get', {});
  const { code, exponent } = settings.currency;
  const decimals = (values.cash ?? []).map((minor) =>
    Q.toDecimal(Q.rational(minor, 10n ** BigInt(exponent)), exponent),
  );
  return page.evaluate(
    ({ locale, code, exponent, ints, decimals, dates }) => {
      const int = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
      const cash = new Intl.NumberFormat(locale, {
        style: 'currency',
        currency: code,
        minimumFractionDigits: exponent,
        maximumFractionDigits: exponent,
      });
      const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' });
      return {
        ints: ints.map((n) => int.format(n)),
        // Decimal strings, formatted without a float round trip (as formatMinor does).
        cash: decimals.map((d) => cash.format(d as unknown as number)),
        dates: dates.map((t) => date.format(t)),
      };
    },
    {
      locale: settings.locale,
      code,
      exponent,
      ints: values.ints ?? [],
      decimals,
      dates: values.dates ?? [],
    },
  );
}

/** The DOM members the tests read inside the page (this tsconfig has no DOM types). */
interface PageRow {
  getAttribute(name: string): string | null;
  querySelector(selector: string): { textContent: string | null } | null;
}

/** Each row's `attr` and the text of its `[data-col=…]` cells, read in the page. */
const rowCells = (rows: Locator, attr: string, cols: string[] = []): Promise<(string | null)[][]> =>
  rows.evaluateAll(
    (trs: PageRow[], a: { attr: string; cols: string[] }) =>
      trs.map((tr) => [
        tr.getAttribute(a.attr),
        ...a.cols.map((c) => tr.querySelector(`[data-col=${c}]`)?.textContent?.trim() ?? ''),
      ]),
    { attr, cols },
  );

const text = async (testId: string) =>
  ((await page.getByTestId(testId).textContent()) ?? '').trim();
const go = async (hash: string) => {
  await page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`);
};

beforeAll(async () => {
  webRoot = await buildWebRoot();
  const clock = seedClock();
  server = await startTestServer({
    webRoot,
    now: clock.now,
    ingestRateLimit: { perSecond: 100_000, burst: 100_000 },
  });
  const now = Date.now();
  // 22 short old sessions + 3 evening sessions (one yesterday) + the open one: two pages of history.
  const events: SeedEvent[] = [
    ...shortSessions(now, 22, 32),
    ...history(now, { sessions: 3, intensity: 0.4 }),
    ...openSession(now, 40, { intensity: 1 }),
  ];
  await seedIngest(server.wsUrl, server.token, events, clock);
  browser = await launchChromium();
  context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    locale: 'en-US',
    acceptDownloads: true,
  });
  page = await context.newPage();
  page.on('pageerror', (e) => console.error('dashboard page error:', e.message));
  await page.goto(`${server.baseUrl}/dashboard?token=${server.token}#/live`);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (webRoot) rmSync(webRoot, { recursive: true, force: true });
});

describe('dashboard', () => {
  it('takes the token out of the address bar and keeps working', async () => {
    await page.getByTestId('live-coins').waitFor();
    expect(page.url()).not.toContain(server.token);
    expect(page.url()).toContain('#/live');
    await page.reload();
    await page.getByTestId('live-coins').waitFor();
  });

  it('Live shows the current session exactly as the API reports it, and ticks with new gifts', async () => {
    const current = await api('sessions.current', {});
    const f = await formatted({
      ints: [current.coins, current.diamonds, current.giftCount, current.gifterCount],
      cash: [current.cash.minor],
    });
    await eventually(() => text('live-coins')).toBe(f.ints[0]);
    expect(await text('live-diamonds')).toBe(f.ints[1]);
    expect(await text('live-gifts')).toBe(f.ints[2]);
    expect(await text('live-gifters')).toBe(f.ints[3]);
    expect(await text('live-cash')).toBe(f.cash[0]);
    const shownTop = await page
      .getByTestId('live-top-gifters')
      .getByTestId('gifter-coins')
      .allTextContents();
    const apiTop = await formatted({
      ints: current.topGifters.slice(0, shownTop.length).map((g) => g.coins),
    });
    expect(shownTop.length).toBeGreaterThan(0);
    expect(shownTop).toEqual(apiTop.ints);

    // A new gift arrives: the numbers move to what the API then reports, without a reload.
    const user = { id: '6900000000000000001', handle: 'newfan', name: 'New Fan' };
    await seedIngest(server.wsUrl, server.token, [
      {
        type: 'gift',
        id: 'live-tick-1',
        time: Date.now(),
        user,
        gift: { id: 5585, name: 'Confetti', coins: 100, streakable: false },
        count: 1,
      },
    ]);
    const after = await api('sessions.current', {});
    expect(after.coins).toBe(current.coins + 100);
    const g = await formatted({
      ints: [after.coins, after.diamonds, after.giftCount],
      cash: [after.cash.minor],
    });
    await eventually(() => text('live-coins')).toBe(g.ints[0]);
    expect(await text('live-diamonds')).toBe(g.ints[1]);
    expect(await text('live-gifts')).toBe(g.ints[2]);
    expect(await text('live-cash')).toBe(g.cash[0]);
    await eventually(() => page.getByTestId('gift-feed').textContent()).toContain('New Fan');
  });

  it('Sessions lists every session with the API numbers, sorts on the server and pages by cursor', async () => {
    await go('#/sessions');
    const rows = page.locator('[data-testid=sessions-table] tbody tr');
    const first = await api('sessions.list', {
      limit: 25,
      sort: 'startedAt',
      order: 'desc',
      includeSimulated: false,
    });
    expect(first.total).toBeGreaterThan(25);
    await eventually(() => rows.count()).toBe(first.items.length);

    const compareRows = async (items: typeof first.items) => {
      await eventually(async () =>
        (await rowCells(rows, 'data-session-id')).map((r) => r[0]),
      ).toEqual(items.map((s) => s.id));
      const cols = ['coins', 'diamonds', 'cash', 'gifts', 'gifters'];
      const cells = (await rowCells(rows, 'data-session-id', cols)).map((r) => r.slice(1));
      const ints = await formatted({
        ints: items.flatMap((s) => [s.coins, s.diamonds, s.giftCount, s.gifterCount]),
        cash: items.map((s) => s.cash.minor),
      });
      const expected = items.map((_s, i) => [
        ints.ints[i * 4],
        ints.ints[i * 4 + 1],
        ints.cash[i],
        ints.ints[i * 4 + 2],
        ints.ints[i * 4 + 3],
      ]);
      expect(cells).toEqual(expected);
    };
    await compareRows(first.items);

    const summary = await api('summary.get', {});
    const s = await formatted({
      ints: [summary.sessions, summary.coins, summary.diamonds],
      cash: [summary.cash.minor],
    });
    expect(await text('summary-sessions')).toBe(s.ints[0]);
    expect(await text('summary-coins')).toBe(s.ints[1]);
    expect(await text('summary-diamonds')).toBe(s.ints[2]);
    expect(await text('summary-cash')).toBe(s.cash[0]);

    // Sorting is a keyboard-reachable button in the column header; the server does the sorting.
    await page.getByRole('button', { name: /^Coins/ }).focus();
    await page.keyboard.press('Enter');
    const byCoins = await api('sessions.list', {
      limit: 25,
      sort: 'coins',
      order: 'desc',
      includeSimulated: false,
    });
    await compareRows(byCoins.items);

    await page.getByRole('button', { name: 'Older →' }).click();
    expect(byCoins.nextCursor).not.toBeNull();
    const second = await api('sessions.list', {
      limit: 25,
      sort: 'coins',
      order: 'desc',
      includeSimulated: false,
      cursor: byCoins.nextCursor ?? '',
    });
    await compareRows(second.items);
    await page.getByRole('button', { name: '← Newer' }).click();
    await compareRows(byCoins.items);
  });

  it('Sessions filters by date on the server', async () => {
    await go('#/sessions');
    const day = new Date();
    day.setDate(day.getDate() - 1);
    day.setHours(0, 0, 0, 0);
    const iso = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')}`;
    await page.getByLabel('From', { exact: true }).fill(iso);
    await page.getByLabel('To', { exact: true }).fill(iso);
    const expected = await api('sessions.list', {
      limit: 25,
      sort: 'startedAt',
      order: 'desc',
      includeSimulated: false,
      from: day.getTime(),
      to: day.getTime() + DAY,
    });
    expect(expected.items.length).toBeGreaterThan(0);
    const rows = page.locator('[data-testid=sessions-table] tbody tr');
    await eventually(async () =>
      (await rowCells(rows, 'data-session-id')).map((r) => r[0]),
    ).toEqual(expected.items.map((x) => x.id));
    const summary = await api('summary.get', { from: day.getTime(), to: day.getTime() + DAY });
    const f = await formatted({ ints: [summary.sessions], cash: [summary.cash.minor] });
    await eventually(() => text('summary-sessions')).toBe(f.ints[0]);
    expect(await text('summary-cash')).toBe(f.cash[0]);
    await page.getByRole('button', { name: 'Clear dates' }).click();
    await eventually(() => rows.count()).toBe(25);
  });

  it('Session detail shows the same totals, gift breakdown and gifters as the API', async () => {
    const list = await api('sessions.list', { limit: 5, sort: 'startedAt', order: 'desc' });
    const past = list.items.find((s) => s.endedAt !== null);
    expect(past).toBeDefined();
    const id = past?.id ?? '';
    await go('#/sessions');
    await page.locator(`[data-session-id="${id}"] a`).click();
    await page.getByTestId('detail-coins').waitFor();
    const d = await api('sessions.get', { id });
    const f = await formatted({
      ints: [d.coins, d.diamonds, d.giftCount, d.gifterCount, d.peakViewers],
      cash: [d.cash.minor],
    });
    expect(await text('detail-coins')).toBe(f.ints[0]);
    expect(await text('detail-diamonds')).toBe(f.ints[1]);
    expect(await text('detail-gifts')).toBe(f.ints[2]);
    expect(await text('detail-gifters')).toBe(f.ints[3]);
    expect(await text('detail-viewers')).toBe(f.ints[4]);
    expect(await text('detail-cash')).toBe(f.cash[0]);

    const giftCells = await rowCells(
      page.locator('[data-testid=gift-breakdown] tbody tr'),
      'data-gift-id',
      ['count', 'coins'],
    );
    const gi = await formatted({ ints: d.gifts.flatMap((g) => [g.count, g.coins]) });
    expect(giftCells).toEqual(
      d.gifts.map((g, i) => [String(g.giftId), gi.ints[i * 2], gi.ints[i * 2 + 1]]),
    );
    expect(d.gifts.reduce((sum, g) => sum + g.coins, 0)).toBe(d.coins);

    const gifterCells = await rowCells(
      page.locator('[data-testid=gifter-table] tbody tr'),
      'data-user-id',
      ['coins'],
    );
    const gf = await formatted({ ints: d.gifters.map((g) => g.coins) });
    expect(gifterCells).toEqual(d.gifters.map((g, i) => [g.userId, gf.ints[i]]));
  });

  it('Payout: a goal (default USD 100) and a withdrawal move the progress and the projected date', async () => {
    await go('#/payout');
    const target = page.locator('input[name=goal-target]');
    await target.waitFor();
    await eventually(() => target.inputValue()).toBe('100.00');
    await page.getByRole('button', { name: 'Save goal' }).click();
    await page.getByTestId('goal-progress').waitFor();

    const before = await api('payout.status', {});
    expect(before.goal?.reached).toBe(false);
    expect(before.projectedAt).not.toBeNull();
    const shown = async (status: typeof before) => {
      const f = await formatted({
        cash: [status.goal?.current ?? 0],
        dates: [status.projectedAt ?? 0],
      });
      await eventually(() => text('goal-current')).toBe(f.cash[0]);
      expect(await page.getByTestId('goal-progress').getAttribute('aria-valuenow')).toBe(
        String(Math.round((status.goal?.fraction ?? 0) * 1000) / 10),
      );
      expect(await text('goal-projected')).toBe(`Projected: ${f.dates[0]}`);
    };
    await shown(before);

    // A wrong entry says what to do instead of failing silently.
    await page.getByRole('button', { name: 'Record withdrawal' }).click();
    await eventually(() => page.getByRole('alert').first().textContent()).toContain(
      'Enter the diamonds withdrawn',
    );

    const diamonds = Math.floor(before.balanceDiamonds / 2);
    await page.locator('input[name=withdrawal-diamonds]').fill(String(diamonds));
    await page.locator('input[name=withdrawal-received]').fill('12.00');
    await page.locator('input[name=withdrawal-fee]').fill('0.50');
    await page.getByRole('button', { name: 'Record withdrawal' }).click();
    await page.getByTestId('withdrawals-table').waitFor();

    const after = await api('payout.status', {});
    expect(after.withdrawnDiamonds).toBe(diamonds);
    expect(after.goal?.current ?? 0).toBeLessThan(before.goal?.current ?? 0);
    expect(after.projectedAt ?? 0).toBeGreaterThan(before.projectedAt ?? 0);
    await shown(after);
    expect(await text('goal-projected')).not.toBe(
      `Projected: ${(await formatted({ dates: [before.projectedAt ?? 0] })).dates[0]}`,
    );

    // The withdrawal implies a rate; one click makes it the rate from now on.
    expect(after.effectiveRate).not.toBeNull();
    const ratesBefore = await api('rates.list', {});
    await page.getByRole('button', { name: 'Use this rate from now on' }).click();
    await eventually(async () => (await api('rates.list', {})).length).toBe(ratesBefore.length + 1);
    const status = await api('payout.status', {});
    expect(
      Q.equals(
        Q.fromJSON(status.configuredRate) ?? Q.ZERO,
        Q.fromJSON(status.effectiveRate ?? '') ?? Q.ONE,
      ),
    ).toBe(true);
  });

  it("a new USD-per-diamond rate effective today leaves yesterday's session cash unchanged", async () => {
    const list = await api('sessions.list', { limit: 25, sort: 'startedAt', order: 'desc' });
    const startOfToday = new Date();
    startOfToday.setHours(0, 0, 0, 0);
    const yesterday = list.items.find(
      (s) => s.startedAt < startOfToday.getTime() && s.startedAt >= startOfToday.getTime() - DAY,
    );
    expect(yesterday).toBeDefined();
    const cashBefore = yesterday?.cash.minor ?? -1;
    expect(cashBefore).toBeGreaterThan(0);

    await go('#/settings/earnings');
    const table = page.locator('[data-testid=rates-table] tbody tr');
    await table.first().waitFor();
    const rowsBefore = await table.count();
    await page.locator('input[name=rate-usdPerDiamond]').fill('0.01');
    await page.getByRole('button', { name: 'Add rate' }).click();
    await eventually(() => table.count()).toBe(rowsBefore + 1);
    const rates = await api('rates.list', {});
    expect(
      rates.some(
        (r) =>
          r.effectiveFrom === startOfToday.getTime() &&
          Q.equals(Q.fromJSON(r.usdPerDiamond) ?? Q.ZERO, Q.rational(1, 100)),
      ),
    ).toBe(true);

    const again = await api('sessions.get', { id: yesterday?.id ?? '' });
    expect(again.cash.minor).toBe(cashBefore);
    await go('#/sessions');
    const cell = page.locator(`[data-session-id="${yesterday?.id ?? ''}"] [data-col=cash]`);
    const f = await formatted({ cash: [cashBefore] });
    await eventually(() => cell.textContent()).toBe(f.cash[0]);
  });

  it('the overlay builder URL shows the configured widget, and a test alert appears there without earning', async () => {
    await go('#/settings/overlays');
    await page.getByRole('button', { name: 'Top gifters', exact: true }).click();
    await page.locator('input[name=title]').fill('Our top fans');
    const urlField = page.getByTestId('overlay-url');
    await eventually(() => urlField.inputValue()).toContain('title=Our+top+fans');
    const boardUrl = await urlField.inputValue();
    expect(boardUrl).toContain('/overlay/leaderboard?');
    expect(boardUrl).toContain(`key=${server.overlayKey}`);
    expect(boardUrl).not.toContain(server.token);

    const overlay = await context.newPage();
    try {
      await overlay.goto(boardUrl);
      await eventually(() => overlay.locator('body').textContent(), 10_000).toContain(
        'Our top fans',
      );

      await page.getByRole('button', { name: 'Gift alerts', exact: true }).click();
      await eventually(() => urlField.inputValue()).toContain('/overlay/alerts?');
      await overlay.goto(await urlField.inputValue());
      await eventually(async () =>
        (await api('live.snapshot', {})).overlays.some((o) => o.widget === 'alerts' && !o.preview),
      ).toBe(true);

      const summaryBefore = await api('summary.get', {});
      const currentBefore = await api('sessions.current', {});
      await page.locator('input[name=test-name]').fill('Alert Tester');
      await page.getByRole('button', { name: 'Send test alert' }).click();
      await eventually(() => overlay.locator('body').textContent(), 10_000).toContain(
        'Alert Tester',
      );

      const summaryAfter = await api('summary.get', {});
      const currentAfter = await api('sessions.current', {});
      expect(summaryAfter).toEqual(summaryBefore);
      expect([
        currentAfter.coins,
        currentAfter.diamonds,
        currentAfter.giftCount,
        currentAfter.cash,
      ]).toEqual([
        currentBefore.coins,
        currentBefore.diamonds,
        currentBefore.giftCount,
        currentBefore.cash,
      ]);
      const f = await formatted({ ints: [currentBefore.coins] });
      await go('#/live');
      await eventually(() => text('live-coins')).toBe(f.ints[0]);
    } finally {
      await overlay.close();
    }
  });

  it('Gifters shows the leaderboards and a gifter history as the API reports them', async () => {
    await go('#/gifters');
    const board = page.locator('[data-testid=leaderboard] li');
    for (const [label, period] of [
      ['All time', 'all'],
      ['Week', 'week'],
    ] as const) {
      await page.getByRole('button', { name: label, exact: true }).click();
      const top = await api('gifters.top', { period, limit: 50 });
      expect(top.length).toBeGreaterThan(0);
      const f = await formatted({ ints: top.map((g) => g.coins) });
      await eventually(() => rowCells(board, 'data-user-id', ['coins'])).toEqual(
        top.map((g, i) => [g.userId, f.ints[i]]),
      );
    }
    const first = (await api('gifters.top', { period: 'all', limit: 1 }))[0];
    await page.locator(`[data-user-id="${first?.userId ?? ''}"] a`).click();
    await page.getByTestId('gifter-profile').waitFor();
    const profile = await api('gifters.get', { userId: first?.userId ?? '' });
    const p = await formatted({ ints: [profile.coins, profile.sessions] });
    expect(await text('profile-coins')).toBe(p.ints[0]);
    expect(await text('profile-sessions')).toBe(p.ints[1]);
    expect(profile.coins).toBe(first?.coins);
  });

  it("formats every number for the creator's locale", async () => {
    await go('#/settings/earnings');
    await page.locator('input[name=locale]').fill('de-DE');
    await page.getByRole('button', { name: 'Save currency' }).click();
    await eventually(async () => (await api('settings.get', {})).locale).toBe('de-DE');
    await go('#/live');
    const current = await api('sessions.current', {});
    expect(current.coins).toBeGreaterThan(999);
    const f = await formatted({ ints: [current.coins], cash: [current.cash.minor] });
    expect(f.ints[0]).toContain('.');
    await eventually(() => text('live-coins')).toBe(f.ints[0]);
    expect(await text('live-cash')).toBe(f.cash[0]);
    await go('#/settings/earnings');
    await page.locator('input[name=locale]').fill('en-US');
    await page.getByRole('button', { name: 'Save currency' }).click();
    await eventually(async () => (await api('settings.get', {})).locale).toBe('en-US');
    await go('#/live');
    await eventually(async () => (await text('live-coins')).includes(',')).toBe(true);
  });

  it('says what happened and what to do when the page has no valid token', async () => {
    const stranger = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    try {
      const p = await stranger.newPage();
      await p.goto(`${server.baseUrl}/dashboard?token=not-the-token#/sessions`);
      await eventually(() => p.getByRole('alert').first().textContent()).toContain(
        'Open the dashboard from Gemlight',
      );
      await eventually(() => p.locator('.conn').textContent(), 10_000).toBe('Access token refused');
    } finally {
      await stranger.close();
    }
  });

  it('works the same through the Electron preload bridge (window.gemlight)', async () => {
    const inApp = await browser.newContext({
      viewport: { width: 1440, height: 900 },
      locale: 'en-US',
    });
    try {
      // A stand-in for the preload: same interface, carried over HTTP here because the Electron
      // binary is not available to tests. The page itself gets no token.
      await inApp.addInitScript(`(() => {
        const token = ${JSON.stringify(server.token)};
        const routes = ${JSON.stringify(HTTP_ROUTES)};
        const listeners = new Set();
        let socket = null;
        window.gemlight = {
          async invoke(name, params) {
            const route = routes[name];
            const rest = { ...params };
            const path = route.path.replace(/:(\\w+)/g, (_m, k) => { const v = rest[k]; delete rest[k]; return encodeURIComponent(v); });
            const body = route.method === 'POST' || route.method === 'PUT';
            const qs = new URLSearchParams(Object.entries(rest).map(([k, v]) => [k, String(v)])).toString();
            const res = await fetch(body || !qs ? path : path + '?' + qs, {
              method: route.method,
              headers: { Authorization: 'Bearer ' + token, 'Content-Type': 'application/json' },
              body: body ? JSON.stringify(rest) : undefined,
            });
            const json = await res.json();
            if (!res.ok) throw { code: json.code, message: json.message };
            return json;
          },
          onLive(listener) {
            listeners.add(listener);
            if (!socket) {
              socket = new WebSocket('ws://' + location.host + '/events?token=' + token);
              socket.onmessage = (e) => { const m = JSON.parse(e.data); for (const l of listeners) l(m); };
            }
            return () => listeners.delete(listener);
          },
        };
      })();`);
      const p = await inApp.newPage();
      await p.goto(`${server.baseUrl}/dashboard#/sessions`);
      const list = await api('sessions.list', {
        limit: 25,
        sort: 'startedAt',
        order: 'desc',
        includeSimulated: false,
      });
      const rows = p.locator('[data-testid=sessions-table] tbody tr');
      await eventually(async () =>
        (await rowCells(rows, 'data-session-id')).map((r) => r[0]),
      ).toEqual(list.items.map((x) => x.id));
      await p.evaluate(`window.location.hash = '#/live'`);
      const current = await api('sessions.current', {});
      const f = await formatted({ ints: [current.coins] });
      await eventually(async () => (await p.getByTestId('live-coins').textContent())?.trim()).toBe(
        f.ints[0],
      );
    } finally {
      await inApp.close();
    }
  });

  it('exports a session as JSON and the whole history as CSV, with the API numbers', async () => {
    const list = await api('sessions.list', { limit: 5, sort: 'startedAt', order: 'desc' });
    const id = list.items.find((x) => x.endedAt !== null)?.id ?? '';
    await go(`#/sessions/${id}`);
    await page.getByTestId('detail-coins').waitFor();
    const [json] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export JSON' }).click(),
    ]);
    const exported = JSON.parse(readFileSync((await json.path()) ?? '', 'utf8')) as unknown;
    expect(exported).toEqual(await api('sessions.get', { id }));

    await go('#/settings/app');
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export all sessions (CSV)' }).click(),
    ]);
    const lines = readFileSync((await csv.path()) ?? '', 'utf8')
      .trim()
      .split('\r\n');
    const header = (lines[0] ?? '').split(',');
    const summary = await api('summary.get', {});
    expect(lines.length - 1).toBe(summary.sessions);
    const coinsAt = header.indexOf('coins');
    const cashAt = header.indexOf('cash_minor');
    const rows = lines.slice(1).map((l) => l.split(','));
    expect(rows.reduce((sum, r) => sum + Number(r[coinsAt]), 0)).toBe(summary.coins);
    expect(rows.reduce((sum, r) => sum + Number(r[cashAt]), 0)).toBe(summary.cash.minor);
  });

  it('reconnects by itself after the app restarts and shows the same numbers again', async () => {
    await go('#/live');
    const before = await api('sessions.current', {});
    const f = await formatted({ ints: [before.coins], cash: [before.cash.minor] });
    await eventually(() => text('live-coins')).toBe(f.ints[0]);
    const status = page
      .getByRole('status')
      .filter({ hasText: /Live feed|Reconnecting|Connecting/ });
    server = await server.restart({ port: server.server.port });
    await eventually(() => status.textContent(), 15_000).toContain('Live feed connected');
    const after = await api('sessions.current', {});
    expect(after.coins).toBe(before.coins);
    await eventually(() => text('live-coins')).toBe(f.ints[0]);
    expect(await text('live-cash')).toBe(f.cash[0]);

    // The page listens to the restarted app: a gift sent to it shows up without a reload.
    const user = { id: '6900000000000000002', handle: 'afterrestart', name: 'After Restart' };
    const gift = { id: 5660, name: 'Hand Hearts', coins: 100, streakable: false };
    await seedIngest(server.wsUrl, server.token, [
      { type: 'gift', id: 'after-restart-1', time: Date.now(), user, gift, count: 1 },
    ]);
    const ticked = await api('sessions.current', {});
    expect(ticked.coins).toBe(before.coins + 100);
    const g = await formatted({ ints: [ticked.coins] });
    await eventually(() => text('live-coins'), 15_000).toBe(g.ints[0]);
  });
});
