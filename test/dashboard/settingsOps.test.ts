import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeObs, type FakeObs } from '../overlay/fakeObs';
import { wavFile } from '../overlay/wavFile';
import { launchChromium } from '../support/browser';
import { apiCall, IngestClient, startTestServer, type TestServer } from '../support/server';
import { buildWebRoot } from './webBuild';

/** expect.poll with room for a busy machine (its default gives up after one second). */
const eventually = <T>(actual: () => T | Promise<T>, timeout = 20_000) =>
  expect.poll(actual, { timeout, interval: 100 });

/*
 * Settings that reach outside the dashboard, clicked in real Chromium against a real Gemlight:
 * OBS one-click (against the protocol-level fake OBS), alert sounds uploaded to the app, and a
 * long operation (rebuild) with its progress bar.
 */

let server: TestServer;
let webRoot: string;
let browser: Browser;
let page: Page;
let obs: FakeObs;
/** Holds a rebuild half-way (through the server's operationStep hook) until released. */
let releaseRebuild: () => void = () => undefined;
const rebuildHeld = new Promise<void>((r) => (releaseRebuild = r));

beforeAll(async () => {
  webRoot = await buildWebRoot();
  obs = await startFakeObs('s3cret');
  server = await startTestServer({
    webRoot,
    obsWatchdogMs: 200,
    operationPageSize: 20,
    operationStep: async (st) => {
      if (st.kind === 'rebuild' && st.records > 0) await rebuildHeld;
    },
  });
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

  it('Sounds: an uploaded sound plays in the overlay under its CSP; a non-audio file is refused', async () => {
    await page.getByRole('button', { name: 'Gift alerts', exact: true }).click();
    const fileInput = page.locator('input[name=sound-file]');
    await fileInput.setInputFiles({
      name: 'notes.mp3',
      mimeType: 'audio/mpeg',
      buffer: Buffer.from('<html><script>alert(1)</script></html>'),
    });
    await eventually(() => page.getByTestId('sound-error').textContent()).toContain(
      'not an MP3, Ogg or WAV',
    );

    await fileInput.setInputFiles({
      name: 'Big Chime.wav',
      mimeType: 'audio/wav',
      buffer: wavFile(),
    });
    const select = page.locator('select[name=sound]');
    await eventually(() => select.inputValue()).toMatch(
      /^\/media\/sounds\/big-chime-[0-9a-f]{8}\.wav$/,
    );
    const soundPath = await select.inputValue();
    await page.locator('input[name=sound-tier-toast]').uncheck();
    const urlField = page.getByTestId('overlay-url');
    await eventually(() => urlField.inputValue()).toContain(
      'soundTiers=standard%2Cbig%2Ccelebration',
    );
    const overlayUrl = new URL(await urlField.inputValue());
    expect(overlayUrl.searchParams.get('sound')).toBe(`${soundPath}?key=${server.overlayKey}`);
    expect(overlayUrl.searchParams.get('volume')).toBe('60');

    const overlay = await page.context().newPage();
    const cspErrors: string[] = [];
    overlay.on('console', (m) => {
      if (/Content Security Policy|Refused to load/i.test(m.text())) cspErrors.push(m.text());
    });
    const loaded: { status: number; type: string; kind: string }[] = [];
    overlay.on('response', (r) => {
      if (new URL(r.url()).pathname === soundPath) {
        loaded.push({
          status: r.status(),
          type: r.headers()['content-type'] ?? '',
          kind: r.request().resourceType(),
        });
      }
    });
    try {
      await overlay.goto(overlayUrl.href);
      await overlay.waitForLoadState('load');
      expect(loaded).toEqual([]);
      // A standard-tier gift (Rose ×150) plays the sound: the page's audio element loads it.
      const sent = await apiCall(server.baseUrl, server.token, 'POST', '/api/overlay/test-alert', {
        giftId: 5655,
        count: 150,
        name: 'Sound Tester',
      });
      expect(sent.status).toBe(200);
      await eventually(() => overlay.locator('body').textContent()).toContain('Sound Tester');
      await eventually(() => loaded.length).toBeGreaterThan(0);
      expect(loaded[0]).toEqual({ status: 200, type: 'audio/wav', kind: 'media' });
      expect(cspErrors).toEqual([]);
    } finally {
      await overlay.close();
    }
  });

  it('Data: a rebuild shows its progress bar while it runs and the outcome when done', async () => {
    const client = await IngestClient.connect(server.wsUrl, server.token);
    await client.send({ type: 'session', action: 'start' });
    const gifts = Array.from({ length: 100 }, (_, i) => ({
      type: 'gift',
      id: `rebuild-ui-${i}`,
      user: { id: `71000000000000${i % 9}`, handle: `fan${i % 9}`, name: `Fan ${i % 9}` },
      gift: { id: 5655, coins: 1 },
      count: 1,
    }));
    const replies = await client.send(gifts);
    expect(replies.every((r) => r.type === 'ack')).toBe(true);
    client.close();

    await page.evaluate(`window.location.hash = '#/settings/app'`);
    await page.getByRole('button', { name: 'Rebuild from raw log' }).click();
    const bar = page.getByTestId('operation-progress');
    const shown = page.getByTestId('operation');
    await eventually(() => shown.getAttribute('data-state')).toBe('running');
    await eventually(async () => Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(
      0,
    );
    const held = Number(await bar.getAttribute('aria-valuenow'));
    expect(held).toBeLessThan(100);
    expect(await page.getByTestId('operation-phase').textContent()).toMatch(
      /^Rebuilding sessions, leaderboards and totals from the raw log… \d+%$/,
    );
    releaseRebuild();
    await eventually(() => shown.getAttribute('data-state')).toBe('done');
    expect(await bar.getAttribute('aria-valuenow')).toBe('100');
    expect(await page.getByTestId('operation-phase').textContent()).toMatch(
      /^Rebuilt from [\d,]+ raw records\.$/,
    );
    const current = await apiCall<{ coins: number }>(
      server.baseUrl,
      server.token,
      'GET',
      '/api/sessions/current',
    );
    expect(current.body.coins).toBe(100);
  });
});
