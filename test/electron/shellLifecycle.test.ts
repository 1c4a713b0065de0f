import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ask, startShell, until, type Report, type Shell } from './fakeElectron/shellHarness';

/* Start and stop paths of electron/app/main.ts on the fake Electron (see shell.test.ts). */

describe('the Electron shell: start and quit', () => {
  const shells: Shell[] = [];
  let busy: Server | null = null;

  afterEach(async () => {
    for (const shell of shells.splice(0)) await shell.dispose();
    await new Promise<void>((done) => (busy ? busy.close(() => done()) : done()));
    busy = null;
  });

  it('starts hidden at login (tray only) and quits cleanly from the tray menu', async () => {
    const shell = await startShell({ args: ['--hidden'] });
    shells.push(shell);
    expect(shell.output()).toContain('[gemlight] Ready:');
    const report = await ask<Report>(shell.child, { type: 'report' });
    expect(report.windows).toHaveLength(0);
    expect(report.tray.menu).toContain('Open dashboard');

    // The tray opens the window on demand.
    await ask(shell.child, { type: 'click', label: 'Open dashboard' });
    await until(
      () => ask<Report>(shell.child, { type: 'report' }),
      (r) => r.windows[0]?.shown === true,
      'the dashboard window',
    );

    await ask(shell.child, { type: 'click', label: 'Quit Gemlight' });
    expect(await shell.exited).toBe(0);
    expect(shell.output()).toContain('[gemlight] Shutting down');
    expect(shell.output()).not.toContain('failed');
  });

  it('says the port is busy and exits 1 when it cannot listen', async () => {
    busy = createServer();
    await new Promise<void>((done) => busy?.listen(0, '127.0.0.1', () => done()));
    const port = (busy.address() as AddressInfo).port;
    const shell = await startShell({ env: { GEMLIGHT_PORT: String(port) } });
    shells.push(shell);
    expect(await shell.exited).toBe(1);
    expect(shell.output()).toContain("Gemlight's port is already in use");
    expect(shell.output()).not.toContain('[gemlight] Ready:');
  });
});
