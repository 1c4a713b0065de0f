import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import type { IngestReply, RangeSummary } from '../../shared/api';
import { v1Gift, canonicalGift } from '../unit/samples';
import { VERSION } from '../../electron/services/app';
import { defaultDataDir } from '../../electron/services/config/dataDir';
import { apiCall, ingest, spawnServeProcess, tempDataDir } from '../support/server';

/**
 * Talks to /ingest with Node's own WebSocket (not the `ws` package): the browser API, which can
 * only authenticate with ?token=. Node 20 keeps it behind --experimental-websocket.
 */
function nodeWebSocketIngest(
  url: string,
  frames: unknown[],
  expected: number,
): Promise<IngestReply[]> {
  const script = `
    const [url, framesJson, expected] = process.argv.slice(1);
    const replies = [];
    const ws = new WebSocket(url);
    ws.onopen = () => { for (const f of JSON.parse(framesJson)) ws.send(typeof f === 'string' ? f : JSON.stringify(f)); };
    ws.onmessage = (m) => { replies.push(JSON.parse(m.data)); if (replies.length >= Number(expected)) { console.log(JSON.stringify(replies)); ws.close(); } };
    ws.onerror = (e) => { console.error('error', e.message); process.exit(3); };
  `;
  const flags =
    Number(process.versions.node.split('.')[0]) < 22 ? ['--experimental-websocket'] : [];
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [...flags, '-e', script, url, JSON.stringify(frames), String(expected)],
      { timeout: 20_000 },
      (error, stdout, stderr) => {
        if (error) return reject(new Error(`${error.message}\n${stderr}`));
        resolve(JSON.parse(stdout) as IngestReply[]);
      },
    );
  });
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function dumpDerived(file: string): unknown {
  const db = new Database(file, { readonly: true });
  try {
    const out: Record<string, unknown[]> = {};
    for (const t of [
      'sessions',
      'streaks',
      'session_gifters',
      'session_gifts',
      'minute_rollups',
      'day_gifters',
      'all_gifters',
      'users',
    ]) {
      out[t] = db.prepare(`SELECT * FROM ${t} ORDER BY 1, 2`).all();
    }
    return out;
  } finally {
    db.close();
  }
}

describe('npm run serve', () => {
  it('prints its three lines, takes events from a non-ws client, keeps them over restarts and rebuilds identically', async () => {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const first = await spawnServeProcess({ dataDir, via: 'npm' });
    expect(first.output.filter((l) => /^(ingest|dashboard|overlay) /.test(l))).toHaveLength(3);
    expect(first.ingestUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ingest$/);
    expect(first.dashboardUrl).toContain('/dashboard?token=');
    expect(first.overlayUrl).toMatch(/\/overlay\/alerts\?key=/);
    const health = await fetch(`${first.baseUrl}/health`);
    expect(await health.json()).toEqual({ ok: true, version: VERSION });

    const streak = (i: number, count: number, end: boolean) =>
      v1Gift({
        msgId: `nw-${i}`,
        groupId: 'nw',
        userId: 'native',
        repeatCount: count,
        repeatEnd: end,
      });
    const replies = await nodeWebSocketIngest(
      `${first.ingestUrl}?token=${first.token}`,
      [
        [streak(1, 1, false), streak(2, 4, false)],
        '{broken',
        streak(3, 10, true),
        streak(2, 4, false),
      ],
      5,
    );
    expect(replies.map((r) => (r.type === 'ack' ? (r.duplicate ? 'dup' : 'ack') : r.code))).toEqual(
      ['ack', 'ack', 'invalid_json', 'ack', 'dup'],
    );
    const viaWs = await ingest(
      first.ingestUrl,
      first.token,
      canonicalGift({
        id: 'ws-1',
        user: { id: 'wsuser' },
        count: 1,
        streak: { id: 'x', end: true },
      }),
    );
    expect(viaWs).toEqual([{ type: 'ack', id: 'ws-1', duplicate: false }]);
    const before = (await apiCall<RangeSummary>(first.baseUrl, first.token, 'GET', '/api/summary'))
      .body;
    expect(before.coins).toBe(11);
    await first.stop('SIGTERM');

    // Signals straight to the server process: it must exit 0 after closing the ledger.
    const second = await spawnServeProcess({
      dataDir,
      via: 'node',
      env: { GEMLIGHT_TOKEN: 'fixed-token-for-the-test-1234' },
    });
    expect(second.token).toBe('fixed-token-for-the-test-1234');
    const kept = (await apiCall<RangeSummary>(second.baseUrl, second.token, 'GET', '/api/summary'))
      .body;
    expect(kept).toEqual(before);
    expect(await second.stop('SIGINT')).toBe(0);

    const file = join(dataDir, 'gemlight.db');
    const derivedBefore = dumpDerived(file);
    const third = await spawnServeProcess({ dataDir, via: 'node', args: ['--rebuild'] });
    expect(third.output.some((l) => l.startsWith('rebuild:'))).toBe(true);
    const rebuilt = (await apiCall<RangeSummary>(third.baseUrl, third.token, 'GET', '/api/summary'))
      .body;
    expect(rebuilt).toEqual(before);
    expect(await third.stop('SIGTERM')).toBe(0);
    expect(dumpDerived(file)).toEqual(derivedBefore);
  });

  it('refuses bad flags with a message and knows the platform data folders', async () => {
    const run = (args: string[]) =>
      new Promise<{ code: number | null; stderr: string }>((resolve) => {
        execFile(
          process.execPath,
          ['--import', 'tsx', 'electron/serve.ts', ...args],
          { cwd: join(import.meta.dirname, '../..') },
          (error, _out, stderr) => resolve({ code: error ? (error.code as number) : 0, stderr }),
        );
      });
    const bad = await run(['--port', 'abc']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('not a port number');
    expect(defaultDataDir('linux', { XDG_CONFIG_HOME: '/x/cfg' }, '/home/a')).toBe(
      '/x/cfg/Gemlight',
    );
    expect(defaultDataDir('linux', {}, '/home/a')).toBe('/home/a/.config/Gemlight');
    expect(defaultDataDir('darwin', {}, '/Users/a')).toBe(
      '/Users/a/Library/Application Support/Gemlight',
    );
    expect(
      defaultDataDir('win32', { APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'C:\\Users\\a'),
    ).toMatch(/Roaming[\\/]Gemlight$/);
  });
});
