import { execFile, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ELECTRON_BINDING, electronBindingPath } from '../../electron/app/nativeBinding';

const root = resolve(import.meta.dirname, '../..');
const script = join(root, 'scripts', 'native-electron.mjs');
const require = createRequire(import.meta.url);
const electronVersion = (require('electron/package.json') as { version: string }).version;
const sqliteVersion = (require('better-sqlite3/package.json') as { version: string }).version;

/** Runs the postinstall script the way npm would, with extra environment. */
function run(env: Record<string, string>): { status: number | null; out: string } {
  const result = spawnSync(process.execPath, [script], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, GEMLIGHT_SKIP_NATIVE_ELECTRON: '', ...env },
    timeout: 30_000,
  });
  return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

/** The same, without blocking this process (a local server in it must answer). */
function runAsync(env: Record<string, string>): Promise<{ status: number | null; out: string }> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [script],
      {
        cwd: root,
        env: { ...process.env, GEMLIGHT_SKIP_NATIVE_ELECTRON: '', ...env },
        timeout: 120_000,
      },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        done({ status, out: `${stdout}${stderr}` });
      },
    );
  });
}

describe('scripts/native-electron.mjs', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gemlight-native-test-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('skips with the reason and exits 0 when the Electron binary is absent', () => {
    const electronDir = join(dir, 'electron');
    mkdirSync(electronDir);
    writeFileSync(join(electronDir, 'package.json'), JSON.stringify({ version: electronVersion }));
    const out = join(dir, 'out');
    const { status, out: text } = run({
      ELECTRON_SKIP_BINARY_DOWNLOAD: '1',
      GEMLIGHT_ELECTRON_DIR: electronDir,
      GEMLIGHT_NATIVE_OUT: out,
    });
    expect(status).toBe(0);
    expect(text).toContain('skipped: ELECTRON_SKIP_BINARY_DOWNLOAD is set');
    expect(text).toContain('npm test and npm run serve are unaffected');
    expect(readdirSync(dir)).toEqual(['electron']);
  });

  it('names a missing binary file and an uninstalled electron package', () => {
    const electronDir = join(dir, 'electron');
    mkdirSync(electronDir);
    writeFileSync(join(electronDir, 'package.json'), JSON.stringify({ version: electronVersion }));
    writeFileSync(join(electronDir, 'path.txt'), 'electron');
    const missing = run({ ELECTRON_SKIP_BINARY_DOWNLOAD: '', GEMLIGHT_ELECTRON_DIR: electronDir });
    expect(missing.status).toBe(0);
    expect(missing.out).toContain('the Electron binary is missing at');

    const none = run({ GEMLIGHT_ELECTRON_DIR: join(dir, 'nowhere') });
    expect(none.status).toBe(0);
    expect(none.out).toContain('skipped: the electron package is not installed');
  });

  it('skips with the reason and exits 0 when no prebuilt binary or headers can be downloaded', async () => {
    // A local server that has nothing (404) stands in for GitHub and the headers host.
    const requests: string[] = [];
    const server = createServer((req, res) => {
      requests.push(req.url ?? '');
      res.writeHead(404).end();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
    const host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const electronDir = join(dir, 'electron');
      mkdirSync(join(electronDir, 'dist'), { recursive: true });
      writeFileSync(
        join(electronDir, 'package.json'),
        JSON.stringify({ version: electronVersion }),
      );
      writeFileSync(join(electronDir, 'path.txt'), 'electron');
      writeFileSync(join(electronDir, 'dist', 'electron'), '');
      const out = join(dir, 'out');
      const before = readdirSync(tmpdir()).filter((n) => n.startsWith('gemlight-native-')).length;
      const { status, out: text } = await runAsync({
        GEMLIGHT_ELECTRON_DIR: electronDir,
        GEMLIGHT_NATIVE_OUT: out,
        npm_config_better_sqlite3_binary_host: host,
        GEMLIGHT_ELECTRON_HEADERS_URL: host,
      });
      expect(status).toBe(0);
      expect(text).toContain(
        `skipped: could not build better-sqlite3 for Electron ${electronVersion}`,
      );
      expect(text).toContain('prebuilt binary: exit');
      expect(text).toContain('compile against Electron headers: exit');
      expect(existsSync(out)).toBe(false);
      // Both ways were tried against the stand-in host, and the work folder was removed.
      expect(requests.some((u) => u.includes(`electron-v`))).toBe(true);
      expect(requests.some((u) => u.includes(`v${electronVersion}`) && u.includes('headers'))).toBe(
        true,
      );
      expect(readdirSync(tmpdir()).filter((n) => n.startsWith('gemlight-native-')).length).toBe(
        before,
      );
    } finally {
      server.close();
    }
  });

  it('gives up on a download that never answers, ending the whole build step, and exits 0', async () => {
    // A stand-in host that accepts connections and never answers.
    const server = createServer(() => {});
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
    const host = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const electronDir = join(dir, 'electron');
      mkdirSync(join(electronDir, 'dist'), { recursive: true });
      writeFileSync(
        join(electronDir, 'package.json'),
        JSON.stringify({ version: electronVersion }),
      );
      writeFileSync(join(electronDir, 'path.txt'), 'electron');
      writeFileSync(join(electronDir, 'dist', 'electron'), '');
      const { status, out: text } = await runAsync({
        GEMLIGHT_ELECTRON_DIR: electronDir,
        GEMLIGHT_NATIVE_OUT: join(dir, 'out'),
        npm_config_better_sqlite3_binary_host: host,
        GEMLIGHT_ELECTRON_HEADERS_URL: host,
        GEMLIGHT_NATIVE_STEP_TIMEOUT_MS: '1500',
      });
      expect(status).toBe(0);
      expect(text).toContain('prebuilt binary: timed out after 2 s');
      expect(text).toContain('compile against Electron headers: timed out after 2 s');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('skips on request', () => {
    const { status, out } = run({ GEMLIGHT_SKIP_NATIVE_ELECTRON: '1' });
    expect(status).toBe(0);
    expect(out).toContain('skipped: GEMLIGHT_SKIP_NATIVE_ELECTRON is set');
  });

  it('does nothing when the build for this Electron is already there', () => {
    const electronDir = join(dir, 'electron');
    mkdirSync(join(electronDir, 'dist'), { recursive: true });
    writeFileSync(join(electronDir, 'package.json'), JSON.stringify({ version: electronVersion }));
    writeFileSync(join(electronDir, 'path.txt'), 'electron');
    writeFileSync(join(electronDir, 'dist', 'electron'), '');
    const out = join(dir, 'out');
    mkdirSync(out);
    writeFileSync(join(out, 'better_sqlite3.node'), 'built');
    const stamp = {
      electron: electronVersion,
      betterSqlite3: sqliteVersion,
      platform: process.platform,
      arch: process.arch,
    };
    writeFileSync(join(out, 'build.json'), JSON.stringify(stamp));
    const { status, out: text } = run({
      GEMLIGHT_ELECTRON_DIR: electronDir,
      GEMLIGHT_NATIVE_OUT: out,
    });
    expect(status).toBe(0);
    expect(text).toContain(
      `up to date: better-sqlite3 ${sqliteVersion} for Electron ${electronVersion}`,
    );
  });
});

describe('electronBindingPath', () => {
  const exists = (present: string[]) => (path: string) => present.includes(path);

  it('uses native/electron beside the app in development', () => {
    const path = join('/repo', ELECTRON_BINDING);
    expect(
      electronBindingPath({
        isPackaged: false,
        appPath: '/repo',
        resourcesPath: '/res',
        exists: exists([path]),
      }),
    ).toBe(path);
  });

  it('uses the resources folder when packaged', () => {
    const path = join('/res', ELECTRON_BINDING);
    expect(
      electronBindingPath({
        isPackaged: true,
        appPath: '/res/app.asar',
        resourcesPath: '/res',
        exists: exists([path]),
      }),
    ).toBe(path);
  });

  it('gives undefined when there is no Electron build', () => {
    expect(
      electronBindingPath({
        isPackaged: false,
        appPath: '/repo',
        resourcesPath: '/res',
        exists: exists([]),
      }),
    ).toBeUndefined();
  });
});
