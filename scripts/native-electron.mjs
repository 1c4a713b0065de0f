#!/usr/bin/env node
/**
 * Builds a second copy of better-sqlite3 for the installed Electron's ABI into native/electron/,
 * leaving node_modules' Node build alone (it serves `npm test` and `npm run serve`). Runs as
 * `postinstall`. It never fails an install: when it cannot build (no Electron binary, no network
 * to fetch a prebuilt binary or Electron's headers) it says what it skipped and why, and exits 0.
 *
 * Environment:
 *   GEMLIGHT_SKIP_NATIVE_ELECTRON=1  skip on purpose
 *   GEMLIGHT_ELECTRON_DIR            the electron package folder (default node_modules/electron)
 *   GEMLIGHT_NATIVE_OUT              the output folder (default native/electron)
 *   GEMLIGHT_ELECTRON_HEADERS_URL    where node-gyp gets Electron's headers (a mirror)
 *   npm_config_better_sqlite3_binary_host  where prebuild-install gets prebuilt binaries (a mirror)
 *   GEMLIGHT_NATIVE_STEP_TIMEOUT_MS  a shorter time limit for each build step (tests)
 */
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const outDir = process.env.GEMLIGHT_NATIVE_OUT ?? join(root, 'native', 'electron');
const electronDir = process.env.GEMLIGHT_ELECTRON_DIR ?? join(root, 'node_modules', 'electron');
const sqliteDir = join(root, 'node_modules', 'better-sqlite3');
const BINDING = 'better_sqlite3.node';
const STAMP = 'build.json';
const headersUrl = process.env.GEMLIGHT_ELECTRON_HEADERS_URL || 'https://electronjs.org/headers';
/** A shorter limit for each build step (tests); the defaults are 2 min to download, 15 to compile. */
const stepLimitMs = Number(process.env.GEMLIGHT_NATIVE_STEP_TIMEOUT_MS) || Infinity;

const say = (line) => console.log(`[native-electron] ${line}`);

/** Thrown to stop without building; the top level reports it and exits 0. */
class Skip extends Error {}

function skip(reason) {
  throw new Skip(reason);
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}

/** The Electron executable's path, or null with the reason it is not there. */
function electronBinary() {
  const pathFile = join(electronDir, 'path.txt');
  if (!existsSync(pathFile)) {
    const why = process.env.ELECTRON_SKIP_BINARY_DOWNLOAD
      ? 'ELECTRON_SKIP_BINARY_DOWNLOAD is set, so the Electron binary was not downloaded'
      : 'the Electron binary is not installed (node_modules/electron/path.txt is missing)';
    return { path: null, why };
  }
  const path = join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(path)
    ? { path, why: '' }
    : { path: null, why: `the Electron binary is missing at ${path}` };
}

/** The lines of a failed build that say why: the download it tried and the first error. */
function whyFailed(output) {
  const lines = output
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  const picked = [
    lines.find((line) => /http GET/.test(line)),
    lines.find((line) => /Error:|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET/.test(line)),
  ].filter(Boolean);
  return (picked.length > 0 ? picked : lines.slice(-3)).join(' | ');
}

/**
 * The environment for the build tools, without npm's settings that would aim them at another
 * runtime: under `npm install`, npm passes its config as npm_config_* (a `nodedir` there makes
 * node-gyp compile against Node's headers instead of Electron's).
 */
function buildEnv() {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    if (
      /^npm_config_(nodedir|target|target_arch|arch|runtime|disturl|dist_url|build_from_source)$/i.test(
        key,
      )
    ) {
      delete env[key];
    }
  }
  return env;
}

/**
 * Runs a node script; resolves with null on success or why it failed. On POSIX it gets its own
 * process group, so a timeout ends the compiler processes under it too, not only node-gyp.
 */
function runNode(script, args, cwd, timeoutMs) {
  return new Promise((done) => {
    const group = process.platform !== 'win32';
    const child = spawn(process.execPath, [script, ...args], {
      cwd,
      env: buildEnv(),
      detached: group,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (group && child.pid) process.kill(-child.pid, 'SIGKILL');
        else child.kill('SIGKILL');
      } catch {
        // Already gone.
      }
    }, timeoutMs);
    const finish = (how) => {
      clearTimeout(timer);
      if (how === null) return done(null);
      const why = whyFailed(output);
      done(`${how}${why ? `: ${why}` : ''}`);
    };
    child.on('error', (error) => finish(error.message));
    child.on('close', (code) => {
      if (timedOut) finish(`timed out after ${Math.round(timeoutMs / 1000)} s`);
      else finish(code === 0 ? null : `exit ${code}`);
    });
  });
}

function findNodeGyp() {
  const require = createRequire(join(root, 'package.json'));
  try {
    return require.resolve('node-gyp/bin/node-gyp.js');
  } catch {
    const fromNpm = process.env.npm_config_node_gyp;
    return fromNpm && existsSync(fromNpm) ? fromNpm : null;
  }
}

async function main() {
  if (process.env.GEMLIGHT_SKIP_NATIVE_ELECTRON) skip('GEMLIGHT_SKIP_NATIVE_ELECTRON is set.');
  const electron = readJson(join(electronDir, 'package.json'));
  if (!electron?.version) skip('the electron package is not installed.');
  const sqlite = readJson(join(sqliteDir, 'package.json'));
  if (!sqlite?.version) skip('better-sqlite3 is not installed.');
  const binary = electronBinary();
  if (!binary.path)
    skip(
      `${binary.why}; the app cannot run here either. Run \`node scripts/native-electron.mjs\` after installing it.`,
    );

  const wanted = {
    electron: electron.version,
    betterSqlite3: sqlite.version,
    platform: process.platform,
    arch: process.arch,
  };
  const have = readJson(join(outDir, STAMP));
  if (
    have &&
    existsSync(join(outDir, BINDING)) &&
    JSON.stringify(have) === JSON.stringify(wanted)
  ) {
    say(
      `up to date: better-sqlite3 ${sqlite.version} for Electron ${electron.version} in ${outDir}`,
    );
    return;
  }

  // Build in a copy, so the Node build in node_modules is never touched.
  const work = mkdtempSync(join(tmpdir(), 'gemlight-native-'));
  try {
    const copy = join(work, 'better-sqlite3');
    const ownBuild = join(sqliteDir, 'build');
    cpSync(sqliteDir, copy, {
      recursive: true,
      filter: (src) => src !== ownBuild && !src.startsWith(ownBuild + sep),
    });
    const target = [`--target=${electron.version}`, `--arch=${process.arch}`];
    say(
      `building better-sqlite3 ${sqlite.version} for Electron ${electron.version} (${process.platform}-${process.arch})…`,
    );
    const failures = [];
    const prebuild = join(root, 'node_modules', 'prebuild-install', 'bin.js');
    const prebuilt = existsSync(prebuild)
      ? await runNode(
          prebuild,
          ['--runtime=electron', ...target, `--platform=${process.platform}`],
          copy,
          Math.min(120_000, stepLimitMs),
        )
      : 'prebuild-install is not installed';
    if (prebuilt !== null) {
      failures.push(`prebuilt binary: ${prebuilt}`);
      const nodeGyp = findNodeGyp();
      const compiled = nodeGyp
        ? await runNode(
            nodeGyp,
            ['rebuild', '--release', '--runtime=electron', `--dist-url=${headersUrl}`, ...target],
            copy,
            Math.min(15 * 60_000, stepLimitMs),
          )
        : 'node-gyp is not installed';
      if (compiled !== null) {
        failures.push(`compile against Electron headers: ${compiled}`);
        skip(
          `could not build better-sqlite3 for Electron ${electron.version} (${failures.join('; ')}).`,
        );
      }
    }
    const built = join(copy, 'build', 'Release', BINDING);
    if (!existsSync(built)) skip(`the build finished but ${built} is missing.`);
    mkdirSync(outDir, { recursive: true });
    cpSync(built, join(outDir, `${BINDING}.tmp`));
    renameSync(join(outDir, `${BINDING}.tmp`), join(outDir, BINDING));
    writeFileSync(join(outDir, STAMP), `${JSON.stringify(wanted, null, 2)}\n`);
    say(`built ${join(outDir, BINDING)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (error) {
  const reason =
    error instanceof Skip
      ? error.message
      : `unexpected error: ${error instanceof Error ? error.message : String(error)}`;
  say(`skipped: ${reason}`);
  say('npm test and npm run serve are unaffected; see docs/electron.md for the Electron build.');
}
process.exitCode = 0;
