/**
 * Makes sure the web bundles (dashboard and overlay) in out/renderer are built and newer than
 * their sources, building them with `electron-vite build` when not. Used by `npm run serve` and
 * by the test suite's global setup. Set GEMLIGHT_SKIP_WEB_BUILD=1 to skip.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository root. */
export const ROOT = resolve(import.meta.dirname, '..');

const SOURCES = ['renderer', 'overlay', 'shared', 'electron.vite.config.ts', 'package.json'];
const OUTPUTS = ['out/renderer/renderer/index.html', 'out/renderer/overlay/index.html'];

function newestMtime(path: string): number {
  let st;
  try {
    st = statSync(path);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    newest = Math.max(newest, newestMtime(join(path, name)));
  }
  return newest;
}

/** Why the bundles need building, or null when they are current. */
export function webBuildReason(root = ROOT): string | null {
  const outputs = OUTPUTS.map((p) => join(root, p));
  if (outputs.some((p) => !existsSync(p))) return 'out/renderer is missing';
  const built = Math.min(...outputs.map((p) => statSync(p).mtimeMs));
  const newest = Math.max(...SOURCES.map((p) => newestMtime(join(root, p))));
  return newest > built ? 'sources changed since the last build' : null;
}

const sleep = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};

/**
 * Builds the web bundles when missing or stale. Several test runs may start at once, so a lock
 * file makes the others wait for one build instead of writing out/ concurrently.
 */
export function ensureWeb(
  log: (line: string) => void = (l) => process.stderr.write(l + '\n'),
): void {
  if (process.env.GEMLIGHT_SKIP_WEB_BUILD === '1') return;
  if (!existsSync(join(ROOT, 'renderer')) && !existsSync(join(ROOT, 'overlay'))) return;
  const reason = webBuildReason();
  if (reason === null) return;
  const lock = join(ROOT, 'out', '.web-build.lock');
  const deadline = Date.now() + 5 * 60_000;
  let fd: number | null = null;
  while (fd === null) {
    mkdirSync(join(ROOT, 'out'), { recursive: true });
    try {
      fd = openSync(lock, 'wx');
    } catch {
      // Another build is running: wait for it, then check again (it may have done our work).
      const age = Date.now() - (existsSync(lock) ? statSync(lock).mtimeMs : Date.now());
      if (age > 5 * 60_000) rmSync(lock, { force: true });
      if (Date.now() > deadline) throw new Error('Timed out waiting for another web build.');
      sleep(500);
      if (webBuildReason() === null) return;
    }
  }
  try {
    if (webBuildReason() === null) return;
    log(`web: building the dashboard and overlay (${reason}) …`);
    // Run the CLI's script with this Node: no shell and no .cmd shim, so it works on Windows too.
    const cli = join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js');
    const result = spawnSync(process.execPath, [cli, 'build'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    if (result.status !== 0) {
      const detail = result.stderr.toString('utf8').trim().split('\n').slice(-8).join('\n');
      log(
        `web: the build failed; the pages will answer 503 until \`npm run build\` works.\n${detail}`,
      );
    }
  } finally {
    closeSync(fd);
    rmSync(lock, { force: true });
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) ensureWeb();
