import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readSync,
  closeSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/*
 * `npm run dist`'s electron-builder config, checked by packaging for real (Linux `dir` target) with
 * a stand-in Electron distribution and a stand-in native build, so it needs neither the Electron
 * binary nor a network: the layout of the package is what is checked, not Electron itself.
 */

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'gemlight-pack-'));

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

/** Reads the file tree of an asar archive from its header (a length-prefixed JSON). */
function asarTree(file: string): AsarDir {
  const fd = openSync(file, 'r');
  try {
    const prefix = Buffer.alloc(16);
    readSync(fd, prefix, 0, 16, 0);
    const length = prefix.readUInt32LE(12);
    const json = Buffer.alloc(length);
    readSync(fd, json, 0, length, 16);
    return JSON.parse(json.toString('utf8')) as AsarDir;
  } finally {
    closeSync(fd);
  }
}
interface AsarDir {
  files: Record<string, AsarDir | { size: number; unpacked?: boolean }>;
}
const child = (dir: AsarDir | undefined, name: string): AsarDir | undefined => {
  const entry = dir?.files[name];
  return entry && 'files' in entry ? entry : undefined;
};
const has = (dir: AsarDir, path: string): boolean => {
  const parts = path.split('/');
  const last = parts.pop() ?? '';
  let at: AsarDir | undefined = dir;
  for (const part of parts) at = child(at, part);
  return at !== undefined && last in at.files;
};

describe('electron-builder packaging (npm run dist)', () => {
  it('packs the bundles, unpacks better-sqlite3 and carries the Electron native build', () => {
    if (!existsSync(join(root, 'out', 'main', 'main.js'))) {
      throw new Error(
        'out/main/main.js is missing: the suite builds it in globalSetup (electron-vite build).',
      );
    }
    const electronDist = join(work, 'electron-dist');
    mkdirSync(electronDist);
    writeFileSync(join(electronDist, 'electron'), '#!/bin/sh\n');
    chmodSync(join(electronDist, 'electron'), 0o755);
    const native = join(work, 'native');
    mkdirSync(native);
    writeFileSync(join(native, 'better_sqlite3.node'), 'stand-in');
    writeFileSync(join(native, 'build.json'), '{}');
    const nodeBuild = join(
      root,
      'node_modules',
      'better-sqlite3',
      'build',
      'Release',
      'better_sqlite3.node',
    );
    const nodeBuildTime = statSync(nodeBuild).mtimeMs;
    const output = join(work, 'dist');
    const config = join(work, 'builder.json');
    writeFileSync(
      config,
      JSON.stringify({
        extends: join(root, 'electron-builder.yml'),
        extraResources: [
          { from: native, to: 'native/electron', filter: ['better_sqlite3.node', 'build.json'] },
        ],
        electronDist,
        electronVersion: '39.8.10',
        directories: { output, buildResources: 'build' },
      }),
    );
    const run = spawnSync(
      process.execPath,
      [
        join(root, 'node_modules', 'electron-builder', 'cli.js'),
        '--config',
        config,
        '--linux',
        'dir',
        '--publish',
        'never',
      ],
      { cwd: root, encoding: 'utf8', timeout: 180_000 },
    );
    if (run.status !== 0) console.log(run.stdout, run.stderr);
    expect(run.status).toBe(0);
    // node_modules keeps its Node-ABI build, untouched (npmRebuild is off).
    expect(statSync(nodeBuild).mtimeMs).toBe(nodeBuildTime);

    const resources = join(output, 'linux-unpacked', 'resources');
    expect(existsSync(join(resources, 'native', 'electron', 'better_sqlite3.node'))).toBe(true);
    const unpacked = join(resources, 'app.asar.unpacked', 'node_modules', 'better-sqlite3');
    expect(existsSync(join(unpacked, 'lib', 'database.js'))).toBe(true);
    // Neither its sources nor its Node-ABI build travel: the app loads the Electron build.
    expect(existsSync(join(unpacked, 'build'))).toBe(false);
    expect(existsSync(join(unpacked, 'deps'))).toBe(false);

    const tree = asarTree(join(resources, 'app.asar'));
    for (const path of [
      'package.json',
      'out/main/main.js',
      'out/preload/preload.cjs',
      'out/renderer/renderer/index.html',
      'out/renderer/overlay/index.html',
      'build/icon.png',
      'build/tray/tray.png',
      'build/tray/trayTemplate.png',
      'node_modules/zod/package.json',
      'node_modules/ws/package.json',
    ]) {
      expect(has(tree, path), path).toBe(true);
    }
    for (const absent of [
      'node_modules/electron-vite',
      'node_modules/tsx',
      'node_modules/electron',
      'src',
      'test',
    ]) {
      expect(has(tree, absent), absent).toBe(false);
    }
  });
});
