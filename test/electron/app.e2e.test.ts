import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CurrentSession, IngestReply } from '../../shared/api';
import { sessionDiamonds, type LiveState } from '../../shared/liveState';
import { formatDiamonds } from '../../electron/app/trayModel';
import type { GemlightTestHooks } from '../../electron/app/testHooks';
import type { GemlightBridge } from '../../electron/app/bridge-types';
import { apiCall, ingest } from '../support/server';

/*
 * The real app, end to end: Electron starts the services in-process, opens the dashboard, a gift
 * sent to /ingest shows on screen and in the tray title. Runs wherever the Electron binary is
 * installed; skipped, with the reason printed, where it is not (ELECTRON_SKIP_BINARY_DOWNLOAD).
 */

const root = resolve(import.meta.dirname, '../..');

/** The Electron executable, or the reason there is none. */
function electronBinary(): { path: string } | { path: null; why: string } {
  const dir = join(root, 'node_modules', 'electron');
  const pathFile = join(dir, 'path.txt');
  if (!existsSync(pathFile)) {
    return {
      path: null,
      why: process.env.ELECTRON_SKIP_BINARY_DOWNLOAD
        ? 'ELECTRON_SKIP_BINARY_DOWNLOAD is set, so the Electron binary was not downloaded'
        : 'the Electron binary is not installed (node_modules/electron/path.txt is missing)',
    };
  }
  const path = join(dir, 'dist', readFileSync(pathFile, 'utf8').trim());
  if (!existsSync(path)) return { path: null, why: `no Electron binary at ${path}` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return { path: null, why: 'no display to open windows on (run the tests under xvfb-run)' };
  }
  return { path };
}

const binary = electronBinary();
if ('why' in binary) {
  console.log(`[electron e2e] skipped: ${binary.why}. The rest of the suite runs.`);
}

/** Polls until `read` returns a value `accept`s; returns that value. */
async function until<T>(
  read: () => Promise<T>,
  accept: (value: T) => boolean,
  what: string,
): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 150; i++) {
    last = await read();
    if (accept(last)) return last;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`Timed out waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

describe('the Gemlight app (Electron)', () => {
  let app: ElectronApplication | null = null;
  let page: Page;
  let userData: string;

  beforeAll(async () => {
    if (!binary.path) return;
    const build = spawnSync(
      process.execPath,
      [join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    if (build.status !== 0)
      throw new Error(`electron-vite build failed:\n${build.stdout}\n${build.stderr}`);
    userData = mkdtempSync(join(tmpdir(), 'gemlight-e2e-'));
    app = await _electron.launch({
      executablePath: binary.path,
      // Chromium refuses to run as root with its OS sandbox (CI containers); the renderer sandbox
      // (webPreferences.sandbox) stays on either way.
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--disable-gpu', root],
      env: {
        ...process.env,
        GEMLIGHT_USER_DATA: userData,
        GEMLIGHT_PORT: '0',
        GEMLIGHT_TEST_HOOKS: '1',
      },
      timeout: 60_000,
    });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  afterAll(async () => {
    await app?.close();
    if (userData) rmSync(userData, { recursive: true, force: true });
  });

  it.skipIf(!binary.path)(
    'shows a gift sent to /ingest on screen and in the tray title',
    async () => {
      if (!app) throw new Error('the app did not start');
      const electronApp = app;
      const hooks = await until(
        () =>
          electronApp.evaluate(() => {
            const h = (globalThis as { __gemlightTest?: GemlightTestHooks }).__gemlightTest;
            return h ? { urls: h.urls, token: h.token } : null;
          }),
        (h) => h !== null,
        'the test hooks',
      );
      if (!hooks) throw new Error('no test hooks');
      const baseUrl = new URL(hooks.urls.health).origin;

      // The page is isolated: no Node, one bridge object that answers API commands.
      const isolated = await page.evaluate(() => ({
        require: typeof (globalThis as { require?: unknown }).require,
        process: typeof (globalThis as { process?: unknown }).process,
        bridgeKeys: Object.keys(
          (globalThis as unknown as { gemlight: GemlightBridge }).gemlight,
        ).sort(),
      }));
      expect(isolated).toEqual({
        require: 'undefined',
        process: 'undefined',
        bridgeKeys: ['invoke', 'onLive'],
      });
      const health = await page.evaluate(() =>
        (globalThis as unknown as { gemlight: GemlightBridge }).gemlight.invoke('health.get', {}),
      );
      expect(health.ok).toBe(true);
      const refused = await page.evaluate(() =>
        (globalThis as unknown as { gemlight: GemlightBridge }).gemlight
          .invoke('sessions.get', { id: 42 as unknown as string })
          .then(
            () => 'resolved',
            (error: { code: string }) => error.code,
          ),
      );
      expect(refused).toBe('invalid_request');

      await page.evaluate(() =>
        (globalThis as unknown as { gemlight: GemlightBridge }).gemlight.invoke(
          'sessions.start',
          {},
        ),
      );
      const replies: IngestReply[] = await ingest(hooks.urls.ingest, hooks.token, [
        {
          type: 'gift',
          id: 'e2e-gift-1',
          time: Date.now(),
          user: { id: '7000000000000000001', handle: 'e2e_gifter', name: 'E2E Gifter' },
          gift: { id: 5655, name: 'Rose', coins: 1, streakable: true },
          count: 250,
          streak: { id: 'e2e-streak-1', end: true },
        },
      ]);
      expect(replies).toEqual([expect.objectContaining({ type: 'ack', id: 'e2e-gift-1' })]);

      const current = await apiCall<CurrentSession>(
        baseUrl,
        hooks.token,
        'GET',
        '/api/sessions/current',
      );
      expect(current.body.coins).toBe(250);
      const live = await apiCall<LiveState>(baseUrl, hooks.token, 'GET', '/api/live');
      if (!live.body.session) throw new Error('no live session');
      const diamonds = sessionDiamonds(live.body.session);
      expect(diamonds).toBeGreaterThan(0);

      // On screen: the gifter's name appears in the dashboard's live view.
      await page.getByText('E2E Gifter').first().waitFor({ timeout: 30_000 });

      const title = await until(
        () =>
          electronApp.evaluate(
            () =>
              (globalThis as { __gemlightTest?: GemlightTestHooks }).__gemlightTest?.trayTitle() ??
              '',
          ),
        (t) => t === `💎 ${formatDiamonds(diamonds)}`,
        'the tray title',
      );
      expect(title).toBe(`💎 ${formatDiamonds(diamonds)}`);
    },
  );
});
