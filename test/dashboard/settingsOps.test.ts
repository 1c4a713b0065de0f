import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeObs, type FakeObs } from '../overlay/fakeObs';
import { launchChromium } from '../support/browser';
import { startTestServer, type TestServer } from '../support/server';
import { buildWebRoot } from './webBuild';

/** expect.poll with room for a busy machine (its default gives up after one second). */
const eventually = <T>(actual: () => T | Promise<T>, timeout = 20_000) =>
  expect.poll(actual, { timeout, interval: 100 });

/*
 * Settings that reach outside the dashboard, clicked in real Chromium against a real Gemlight:
 * OBS one-click (against the protocol-level fake OBS).
 */

let server: TestServer;
let webRoot: string;
let browser: Browser;
let page: Page;
let obs: FakeObs;

beforeAll(async () => {
  webRoot = await buildWebRoot();
  obs = await startFakeObs('s3cret');
  server = await startTestServer({ webRoot, obsWatchdogMs: 200 });
  browser = await launchChromium();
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (e) => console.error('dashboard page error:', e.message));
  // Confirmation dialogs (restore, import) are accepted as a creator would.
  page.on('dialog', (d) => void d.accept());
  await page.goto(`${server.baseUrl}/dashboard?token=${server.token}#/settings/overlays`);
});

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  await obs?.stop();
  if (webRoot) rmSync(webRoot, { recursive: true, force: true });
});

describe('settings that act outside the dashboard', () => {
  it('OBS: connect, then one click adds the chosen widgets to the current scene', async () => {
    const card = page.getByRole('region', { name: 'OBS' });
    await card.locator('input[name=obs-url]').fill(obs.url);
    await card.locator('input[name=obs-password]').fill('s3cret');
    await card.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText(/OBS answered \(obs-websocket 5\.5\.4\)/).waitFor();
    await card.locator('input[name=obs-enabled]').check();
    await card.getByRole('button', { name: 'Save' }).click();
    await eventually(() => card.getByTestId('obs-status').getAttribute('data-state')).toBe(
      'connected',
    );

    await card.locator('input[name=obs-widget-goal]').check();
    await card.getByRole('button', { name: 'Add to OBS' }).click();
    await card.getByTestId('obs-added').waitFor();
    expect(await card.getByTestId('obs-added').getByRole('listitem').allTextContents()).toEqual([
      'Gemlight Alertscreated in Gameplay · 1080×1920',
      'Gemlight Goalcreated in Gameplay · 1080×1920',
    ]);
    for (const [name, widget] of [
      ['Gemlight Alerts', 'alerts'],
      ['Gemlight Goal', 'goal'],
    ] as const) {
      const url = new URL(String(obs.inputs.get(name)?.settings.url));
      expect(url.pathname).toBe(`/overlay/${widget}`);
      expect(url.searchParams.get('key')).toBe(server.overlayKey);
      expect(url.searchParams.has('preview')).toBe(false);
    }
    expect(obs.scenes.get('Gameplay')).toEqual(['PS5 capture', 'Gemlight Alerts', 'Gemlight Goal']);
    // No page is connected for them, so the server's watchdog refreshes them; the card says so.
    await card.getByTestId('obs-refreshed').waitFor();
    expect(obs.refreshed.length).toBeGreaterThan(0);
  });
});
