/**
 * `npm run soak`: the reliability suites at full size (100,000 events and 20 kills, 100,000
 * fuzzed frames, 2 million events in the long run). Extra arguments go to vitest, e.g.
 * `npm run soak -- test/reliability/crash.test.ts`. Sizes can be overridden one by one with
 * GEMLIGHT_CRASH_EVENTS, GEMLIGHT_CRASH_KILLS, GEMLIGHT_FUZZ_FRAMES, GEMLIGHT_LONGRUN_EVENTS,
 * GEMLIGHT_FLOOD_FRAMES and GEMLIGHT_FLOOD_CONNECTIONS.
 */
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const args = process.argv.slice(2);
const targets = args.some((a) => !a.startsWith('-')) ? [] : ['test/reliability'];
const result = spawnSync(
  process.execPath,
  [resolve(root, 'node_modules/vitest/vitest.mjs'), 'run', ...targets, '--maxWorkers=1', ...args],
  { cwd: root, stdio: 'inherit', env: { ...process.env, GEMLIGHT_SOAK: '1' } },
);
process.exit(result.status ?? 1);
