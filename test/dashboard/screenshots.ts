/**
 * Screenshots of every dashboard view at 1440×900 with realistic seeded data, for docs/ and the
 * README: `npx tsx test/dashboard/screenshots.ts [outDir]` (default docs/screenshots).
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { launchChromium } from '../support/browser';
import { apiCall, startTestServer } from '../support/server';
import { startSeeded } from './devServer';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const outDir = resolve(process.argv[2] ?? join(REPO_ROOT, 'docs/screenshots'));
mkdirSync(outDir, { recursive: true });

const { server, webRoot } = await startSeeded();
const browser = await launchChromium();
try {
  const api = (method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) =>
    apiCall(server.baseUrl, server.token, method, path, body);
  await api('PUT', '/api/goal', {
    label: 'Next payout',
    kind: 'cash',
    target: 10_000,
    rollover: true,
  });
  const DAY = 86_400_000;
  const rates = await api('GET', '/api/rates');
  const base = (rates.body as Record<string, unknown>[])[0] ?? {};
  await api('POST', '/api/rates', {
    ...base,
    effectiveFrom: Date.now() - 3 * DAY,
    usdPerDiamond: '0.0049',
  });
  await api('POST', '/api/withdrawals', {
    time: Date.now() - 20 * DAY,
    diamonds: 20_000,
    receivedMinor: 9_650,
    feeMinor: 100,
  });
  await api('POST', '/api/withdrawals', {
    time: Date.now() - 6 * DAY,
    diamonds: 24_000,
    receivedMinor: 11_580,
    feeMinor: 120,
  });

  const context = await browser.newContext({
    viewport: { width: 1440, height: 900 },
    deviceScaleFactor: 1,
    locale: 'en-US',
  });
  const page = await context.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`${server.baseUrl}/dashboard?token=${server.token}#/live`);
  const shot = async (name: string, hash: string, ready: string) => {
    await page.evaluate(`window.location.hash = ${JSON.stringify(hash)}`);
    await page.waitForSelector(ready, { timeout: 15_000 });
    await page.evaluate(`window.scrollTo(0, 0)`);
    await page.waitForTimeout(600);
    await page.screenshot({ path: join(outDir, `dashboard-${name}.png`) });
    console.log(`dashboard-${name}.png`);
  };
  await shot('live', '#/live', '[data-testid=live-coins]');
  await shot('sessions', '#/sessions', '[data-testid=sessions-table] tbody tr');
  const id = await page
    .locator('[data-testid=sessions-table] tbody tr')
    .nth(1)
    .getAttribute('data-session-id');
  await shot('session-detail', `#/sessions/${id ?? ''}`, '[data-testid=detail-coins]');
  const top = await page.evaluate(async (token) => {
    const r = await fetch('/api/gifters?period=all&limit=1', {
      headers: { Authorization: `Bearer ${token}` },
    });
    return ((await r.json()) as { userId: string }[])[0]?.userId ?? '';
  }, server.token);
  await shot('gifters', `#/gifters/${top}`, '[data-testid=gifter-profile]');
  await shot('payout', '#/payout', '[data-testid=goal]');
  await shot('settings', '#/settings/earnings', '[data-testid=rates-table]');
  await shot('sources', '#/settings/sources', '[data-testid=ingest-url]');
  await api('POST', '/api/backups');
  await shot('app-data', '#/settings/app', '[data-testid=backup-list] li');
  await page.evaluate(`window.location.hash = '#/settings/overlays'`);
  await page.waitForSelector('[data-testid=overlay-preview]');
  // Let the preview connect, then show a big test alert in it (after the toast has gone).
  await page.getByRole('button', { name: 'All in one', exact: true }).click();
  await page.waitForTimeout(2000);
  await page.locator('select[name=test-gift]').selectOption('6090');
  await page.locator('input[name=test-name]').fill('Sofia Star');
  await page.getByRole('button', { name: 'Send test alert' }).click();
  await page.waitForTimeout(3800);
  await shot('overlay-builder', '#/settings/overlays', '[data-testid=overlay-url]');
  await page.getByRole('button', { name: 'Switch to light theme' }).click();
  await shot('live-light', '#/live', '[data-testid=live-coins]');
  await page.getByRole('button', { name: 'Switch to dark theme' }).click();
  await context.close();

  // A fresh install: what a creator sees before connecting anything.
  const fresh = await startTestServer({ webRoot });
  try {
    const first = await browser.newPage({
      viewport: { width: 1440, height: 900 },
      locale: 'en-US',
    });
    await first.goto(`${fresh.baseUrl}/dashboard?token=${fresh.token}#/live`);
    await first.getByRole('button', { name: /Try the simulator/ }).waitFor();
    await first.waitForTimeout(500);
    await first.screenshot({ path: join(outDir, 'dashboard-empty.png') });
    console.log('dashboard-empty.png');
  } finally {
    await fresh.stop();
  }
} finally {
  await browser.close();
  await server.stop();
  rmSync(webRoot, { recursive: true, force: true });
}
