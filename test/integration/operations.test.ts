import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { CurrentSession, OperationStatus, SessionSummary } from '../../shared/api';
import { exportCommand } from '../../electron/services/backup/cli';
import {
  apiCall,
  IngestClient,
  startTestServer,
  tempDataDir,
  type TestServer,
} from '../support/server';

/**
 * Long operations through the API: a rebuild of the derived tables and a JSON import run in the
 * background with progress readable from operations.status; ingest keeps working meanwhile
 * (events are held and stored when the operation ends), other commands answer a clear 409.
 */

const eventually = <T>(actual: () => T | Promise<T>) =>
  expect.poll(actual, { timeout: 20_000, interval: 25 });

const servers: TestServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});

const gift = (i: number, coins = 1) => ({
  type: 'gift',
  id: `op-gift-${i}`,
  user: {
    id: `70000000000000${String(i % 37).padStart(5, '0')}`,
    handle: `fan${i % 37}`,
    name: `Fan ${i % 37}`,
  },
  gift: { id: 5655, coins },
  count: 1,
});

async function seed(server: TestServer, gifts: number): Promise<void> {
  const client = await IngestClient.connect(server.wsUrl, server.token);
  try {
    await client.send({ type: 'session', action: 'start' });
    for (let i = 0; i < gifts; i += 200) {
      const frame = Array.from({ length: Math.min(200, gifts - i) }, (_, k) => gift(i + k));
      const replies = await client.send(frame);
      expect(replies.every((r) => r.type === 'ack')).toBe(true);
    }
  } finally {
    client.close();
  }
}

/** A gate an operation waits at (through the server's operationStep hook) until released. */
function gate() {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((r) => (open = r));
  return { opened, open };
}

const call = <T>(s: TestServer, method: 'GET' | 'POST', path: string, body?: unknown) =>
  apiCall<T>(s.baseUrl, s.token, method, path, body);
const status = async (s: TestServer) =>
  (await call<OperationStatus | null>(s, 'GET', '/api/operations')).body;

describe('long operations', () => {
  it('rebuild: progress while it runs, 409 for other commands, ingest held and stored after', async () => {
    const hold = gate();
    const steps: OperationStatus[] = [];
    const server = await startTestServer({
      operationPageSize: 50,
      operationStep: async (st) => {
        steps.push(st);
        if (st.records >= 150) await hold.opened;
      },
    });
    servers.push(server);
    await seed(server, 400);
    const before = (await call<CurrentSession>(server, 'GET', '/api/sessions/current')).body;
    expect(before.coins).toBe(400);
    expect(await status(server)).toBeNull();

    // Damage a derived table behind the app's back: the rebuild must restore it from the raw log.
    const db = new Database(join(server.dataDir, 'gemlight.db'));
    db.prepare('UPDATE sessions SET coins = 0').run();
    db.close();

    const started = await call<OperationStatus>(server, 'POST', '/api/operations/rebuild');
    expect(started.status).toBe(200);
    expect(started.body).toMatchObject({ kind: 'rebuild', state: 'running' });

    await eventually(async () => (await status(server))?.records).toBe(150);
    const half = await status(server);
    expect(half?.state).toBe('running');
    expect(half?.progress).toBeGreaterThan(0.2);
    expect(half?.progress).toBeLessThan(0.6);

    // Meanwhile: reads of the ledger and a second operation are refused with what to do.
    const busy = await call<{ code: string; message: string }>(server, 'GET', '/api/sessions');
    expect(busy.status).toBe(409);
    expect(busy.body.message).toMatch(/busy: rebuilding .*\(\d+%\)\. Try again/);
    expect((await call(server, 'POST', '/api/operations/rebuild')).status).toBe(409);
    expect((await call(server, 'GET', '/health')).status).toBe(200);

    // Ingest keeps working: the event is held and acked once stored after the rebuild.
    const client = await IngestClient.connect(server.wsUrl, server.token);
    const reply = client.send(gift(10_000, 100));
    await eventually(async () => (await status(server))?.deferredEvents).toBe(1);
    hold.open();
    expect(await reply).toEqual([{ type: 'ack', id: 'op-gift-10000', duplicate: false }]);
    client.close();

    const done = await status(server);
    expect(done).toMatchObject({ state: 'done', progress: 1, records: 401, error: null });
    const fractions = steps.map((s) => s.progress);
    expect(fractions).toEqual([...fractions].sort((a, b) => a - b));
    expect(new Set(fractions).size).toBeGreaterThan(3);

    const after = (await call<CurrentSession>(server, 'GET', '/api/sessions/current')).body;
    expect(after.coins).toBe(500);
    expect(after.giftCount).toBe(before.giftCount + 1);
    expect(after.cash.minor).toBeGreaterThan(before.cash.minor);
  });

  it('import: replaces the ledger by phases after a backup; a bad file fails and changes nothing', async () => {
    // The export comes from another Gemlight with its own history.
    const source = await startTestServer();
    await seed(source, 120);
    const sourceSessions = (
      await call<{ items: SessionSummary[] }>(source, 'GET', '/api/sessions?includeSimulated=true')
    ).body.items;
    await source.stop({ keep: true });
    const dir = tempDataDir('gemlight-export-');
    const file = join(dir, 'export.json');
    exportCommand(source.dataDir, file);

    const phases: string[] = [];
    const server = await startTestServer({
      operationStep: (st) => {
        phases.push(st.phase);
        return Promise.resolve();
      },
    });
    servers.push(server);
    await seed(server, 3);

    // Refused before starting: a relative path, a missing file.
    expect(
      (await call(server, 'POST', '/api/operations/import', { file: 'export.json' })).status,
    ).toBe(400);
    expect(
      (await call(server, 'POST', '/api/operations/import', { file: join(dir, 'nope.json') }))
        .status,
    ).toBe(404);

    // Not an export: the operation fails with a clear error and the ledger is untouched.
    const junk = join(dir, 'junk.json');
    writeFileSync(junk, JSON.stringify({ hello: 'world' }));
    expect((await call(server, 'POST', '/api/operations/import', { file: junk })).status).toBe(200);
    await eventually(async () => (await status(server))?.state).toBe('failed');
    expect((await status(server))?.error).toEqual({
      code: 'invalid_request',
      message: expect.stringContaining('not a Gemlight ledger export') as unknown,
    });
    expect((await call<CurrentSession>(server, 'GET', '/api/sessions/current')).body.coins).toBe(3);

    phases.length = 0;
    const started = await call<OperationStatus>(server, 'POST', '/api/operations/import', { file });
    expect(started.body).toMatchObject({ kind: 'import', state: 'running' });
    await eventually(async () => (await status(server))?.state).toBe('done');
    const done = await status(server);
    expect(done?.records).toBeGreaterThan(120);
    expect(done?.backupFile).toMatch(/pre-import/);
    expect(phases).toEqual(
      expect.arrayContaining([
        'Checking the export',
        'Backing up the current ledger',
        'Replacing the ledger with the export',
        'Reloading',
      ]),
    );
    const sessions = (
      await call<{ items: SessionSummary[] }>(server, 'GET', '/api/sessions?includeSimulated=true')
    ).body.items;
    expect(sessions).toEqual(sourceSessions);
    const backups = (await call<{ file: string }[]>(server, 'GET', '/api/backups')).body;
    expect(backups.map((b) => b.file)).toContain(done?.backupFile);
  });

  it('stopping the app mid-rebuild undoes it cleanly; the next start has the ledger as before', async () => {
    const hold = gate();
    const server = await startTestServer({
      operationPageSize: 20,
      operationStep: async (st) => {
        if (st.records > 0) await hold.opened;
      },
    });
    await seed(server, 60);
    await call(server, 'POST', '/api/operations/rebuild');
    await eventually(async () => (await status(server))?.records).toBe(20);
    await server.stop({ keep: true });
    // The held rebuild wakes up on a closed ledger: it must fail quietly, not crash the process.
    hold.open();
    await new Promise((r) => setTimeout(r, 50));
    const next = await startTestServer({ dataDir: server.dataDir });
    servers.push(next);
    const current = (await call<CurrentSession>(next, 'GET', '/api/sessions/current')).body;
    expect([current.coins, current.giftCount]).toEqual([60, 60]);
  });
});
