import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestReply } from '../../shared/api';
import { sessionDiamonds, type LiveState } from '../../shared/liveState';
import { formatDiamonds } from '../../electron/app/trayModel';
import { apiCall, ingest } from '../support/server';
import { ask, startShell, until, type Report, type Shell } from './fakeElectron/shellHarness';

/*
 * The shell's wiring without the Electron binary: electron/app/main.ts runs under Node with the real
 * services, and `electron` resolves to a fake (fakeElectron/electron.mjs) that records windows,
 * tray and IPC and takes commands over the child-process channel. The Playwright test
 * (app.e2e.test.ts) covers the same path in real Electron where the binary is installed.
 */

const root = resolve(import.meta.dirname, '../..');

describe('the Electron shell (main.ts) on a fake Electron', () => {
  let shell: Shell;
  let child: ChildProcess;
  let userData: string;

  beforeAll(async () => {
    shell = await startShell();
    child = shell.child;
    userData = shell.userData;
    if (!shell.output().includes('[gemlight] Ready:')) throw new Error(shell.output());
  });

  afterAll(async () => {
    await shell.dispose();
  });

  it('starts the services in the user-data folder with one sandboxed, guarded window', async () => {
    // "Ready" is logged before the window has loaded; the window shows once it has.
    const report = await until(
      () => ask<Report>(child, { type: 'report' }),
      (r) => r.windows[0]?.shown === true,
      'the dashboard window to show',
    );
    expect(report.lockRequested).toBe(true);
    expect(report.sandboxEnabled).toBe(true);
    expect(report.paths.userData).toBe(userData);
    expect(existsSync(join(userData, 'gemlight.db'))).toBe(true);
    expect(readFileSync(join(userData, 'logs', 'gemlight.log'), 'utf8')).toMatch(
      /Z Ready: http:\/\/127\.0\.0\.1:\d+/,
    );
    expect(report.windows).toHaveLength(1);
    const [win] = report.windows;
    expect(win?.shown).toBe(true);
    expect(win?.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      preload: join(root, 'electron', 'preload', 'preload.cjs'),
    });
    expect(win?.load?.url).toBe(report.urls?.dashboard);
    const csp = Object.entries(win?.load?.headers ?? {}).find(
      ([name]) => name.toLowerCase() === 'content-security-policy',
    )?.[1];
    expect(csp?.some((policy) => policy.includes("script-src 'self'"))).toBe(true);
    expect(win?.openDecision).toEqual({ action: 'deny' });
    expect(report.tray.icon).toBe(join(root, 'build', 'tray', 'tray.png'));
    expect(report.tray.tooltip).toBe('Gemlight: no LIVE session');
    expect(report.ipcChannels).toEqual(['gemlight:invoke', 'gemlight:live-subscribe']);
  });

  it('answers IPC from the app origin only', async () => {
    const report = await ask<Report>(child, { type: 'report' });
    const page = report.urls?.dashboard ?? '';
    expect(
      await ask(child, {
        type: 'invoke',
        url: 'https://evil.example/',
        raw: { name: 'health.get', params: {} },
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(
      await ask(child, { type: 'invoke', url: page, raw: { name: 'health.get', params: {} } }),
    ).toMatchObject({
      ok: true,
      value: { ok: true },
    });
    expect(
      await ask(child, {
        type: 'invoke',
        url: page,
        raw: { name: 'sessions.get', params: { id: 7 } },
      }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    });
    expect(await ask<string[]>(child, { type: 'subscribe', url: page })).toContain('snapshot');
  });

  it('follows a gift in the tray, notifies a reached goal, copies the overlay URL', async () => {
    const report = await ask<Report>(child, { type: 'report' });
    const page = report.urls?.dashboard ?? '';
    const token = report.token ?? '';
    const baseUrl = new URL(report.urls?.health ?? '').origin;
    await ask(child, {
      type: 'invoke',
      url: page,
      raw: {
        name: 'goal.set',
        params: { label: 'New mic', kind: 'diamonds', target: 100, rollover: false },
      },
    });
    await ask(child, { type: 'click', label: 'Start session' });
    await until(
      () => ask<Report>(child, { type: 'report' }),
      (r) => r.tray.menu.includes('Session: 0 diamonds'),
      'the session in the tray menu',
    );
    const replies: IngestReply[] = await ingest(report.urls?.ingest ?? '', token, [
      {
        type: 'gift',
        id: 'shell-gift-1',
        time: Date.now(),
        user: { id: '7000000000000000002', handle: 'shell_gifter', name: 'Shell Gifter' },
        gift: { id: 5655, name: 'Rose', coins: 1, streakable: true },
        count: 250,
        streak: { id: 'shell-streak-1', end: true },
      },
    ]);
    expect(replies[0]?.type).toBe('ack');
    const live = await apiCall<LiveState>(baseUrl, token, 'GET', '/api/live');
    if (!live.body.session) throw new Error('no live session');
    const diamonds = formatDiamonds(sessionDiamonds(live.body.session));
    const after = await until(
      () => ask<Report>(child, { type: 'report' }),
      (r) => r.tray.tooltip === `Gemlight: ${diamonds} diamonds this session`,
      'the tray tooltip',
    );
    expect(after.tray.hookTitle).toBe(`💎 ${diamonds}`);
    expect(after.tray.menu[0]).toBe(`Session: ${diamonds} diamonds`);
    const goal = await until(
      () => ask<Report>(child, { type: 'report' }),
      (r) => r.notifications.length > 0,
      'the goal notification',
    );
    expect(goal.notifications).toEqual([
      { title: 'Goal reached: New mic', body: 'You reached 100 diamonds.' },
    ]);

    await ask(child, { type: 'click', label: 'Copy overlay URL' });
    expect((await ask<Report>(child, { type: 'report' })).clipboard).toBe(report.urls?.overlay);
  });

  it('remembers where the window was moved while it is open', async () => {
    await ask(child, { type: 'move-window', x: 321, y: 123 });
    const saved = await until(
      () =>
        Promise.resolve(
          existsSync(join(userData, 'window-state.json'))
            ? (JSON.parse(readFileSync(join(userData, 'window-state.json'), 'utf8')) as {
                x?: number;
                y?: number;
              })
            : null,
        ),
      (state) => state?.x === 321,
      'the moved window state',
    );
    expect(saved).toMatchObject({ x: 321, y: 123 });
  });

  it('stays in the tray when the window closes and shuts down cleanly on SIGTERM', async () => {
    await ask(child, { type: 'close-window' });
    const still = await ask<Report>(child, { type: 'report' });
    expect(still.tray.destroyed).toBe(false);
    // Closing saves the bounds (asynchronously).
    await until(
      () => Promise.resolve(existsSync(join(userData, 'window-state.json'))),
      (saved) => saved,
      'the window state file',
    );

    child.kill('SIGTERM');
    expect(await shell.exited).toBe(0);
    expect(shell.output()).toContain('[gemlight] Shutting down');
    expect(shell.output()).not.toContain('Stopping the services failed');
    // The last connection closed: SQLite removed its write-ahead log.
    expect(existsSync(join(userData, 'gemlight.db-wal'))).toBe(false);
    const state = JSON.parse(readFileSync(join(userData, 'window-state.json'), 'utf8')) as {
      width: number;
    };
    expect(state.width).toBeGreaterThan(0);
    // The gift was committed before the exit.
    const db = new Database(join(userData, 'gemlight.db'), { readonly: true });
    try {
      const row = db
        .prepare("SELECT count(*) AS n FROM raw_events WHERE msg_id = 'shell-gift-1'")
        .get() as { n: number };
      expect(row.n).toBe(1);
    } finally {
      db.close();
    }
  });
});
