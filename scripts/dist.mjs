#!/usr/bin/env node
/**
 * `npm run dist`: packages the built app (out/) with electron-builder for this machine's platform
 * (extra arguments pass through, e.g. `npm run dist -- --linux deb`). It first checks that
 * native/electron/ holds better-sqlite3 built for the installed Electron on this platform, since
 * the packaged app loads that build and electron-builder is told not to rebuild node_modules.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const require = createRequire(join(root, 'package.json'));

function refuse(message) {
  console.error(`[dist] ${message}`);
  process.exit(1);
}

const electronVersion = require('electron/package.json').version;
const sqliteVersion = require('better-sqlite3/package.json').version;
const stampFile = join(root, 'native', 'electron', 'build.json');
if (
  !existsSync(stampFile) ||
  !existsSync(join(root, 'native', 'electron', 'better_sqlite3.node'))
) {
  refuse(
    'native/electron/ has no Electron build of better-sqlite3. Run `node scripts/native-electron.mjs` ' +
      '(needs the Electron binary and network access), then try again.',
  );
}
const stamp = JSON.parse(readFileSync(stampFile, 'utf8'));
const wanted = {
  electron: electronVersion,
  betterSqlite3: sqliteVersion,
  platform: process.platform,
  arch: process.arch,
};
for (const [key, value] of Object.entries(wanted)) {
  if (stamp[key] !== value) {
    refuse(
      `native/electron/ was built for ${key} ${stamp[key]}, this package needs ${value}. Run \`node scripts/native-electron.mjs\`.`,
    );
  }
}
if (!existsSync(join(root, 'out', 'main', 'main.js')))
  refuse('out/ is missing: run `npm run build` first.');

const builder = require.resolve('electron-builder/cli.js');
const result = spawnSync(
  process.execPath,
  [builder, '--config', 'electron-builder.yml', '--publish', 'never', ...process.argv.slice(2)],
  {
    cwd: root,
    stdio: 'inherit',
  },
);
process.exit(result.status ?? 1);
