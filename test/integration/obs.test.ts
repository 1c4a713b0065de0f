import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ObsAddedSource, ObsStatusDto } from '../../shared/api';
import { startFakeObs, type FakeObs } from '../overlay/fakeObs';
import { apiCall, startTestServer, type TestServer } from '../support/server';

/**
 * The OBS one-click integration through the real server API, against the protocol-level fake
 * OBS (test/overlay/fakeObs.ts) spoken to by the real obs-websocket-js client.
 */

const eventually = <T>(actual: () => T | Promise<T>) =>
  expect.poll(actual, { timeout: 15_000, interval: 50 });

let server: TestServer | null = null;
let obs: FakeObs | null = null;
const sockets: WebSocket[] = [];

afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  await server?.stop();
  await obs?.stop();
  server = null;
  obs = null;
});

const call = <T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown) => {
  if (!server) throw new Error('no server');
  return apiCall<T>(server.baseUrl, server.token, method, path, body);
};
const status = async () => (await call<ObsStatusDto>('GET', '/api/obs')).body;

/** An overlay page's live connection (what makes its heartbeat known to the server). */
async function overlayPage(widget: string): Promise<void> {
  if (!server) throw new Error('no server');
  const ws = new WebSocket(`${server.eventsUrl}?key=${server.overlayKey}&widget=${widget}`);
  sockets.push(ws);
  await new Promise<void>((resolve, reject) => {
    ws.once('message', () => resolve());
    ws.once('error', reject);
  });
}

describe('OBS integration through the API', () => {
  it('tests the connection, adds widgets sized to the canvas and refreshes stale sources', async () => {
    obs = await startFakeObs('hunter2');
    server = await startTestServer({ obsWatchdogMs: 100 });
    expect((await status()).state).toBe('off');

    // Test connection: a wrong password is a clear 401, the right one answers OBS's version.
    const wrong = await call<{ code: string }>('POST', '/api/obs/test', {
      url: obs.url,
      password: 'nope',
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.code).toBe('unauthorized');
    const right = await call<{ obsWebSocketVersion: string }>('POST', '/api/obs/test', {
      url: obs.url,
      password: 'hunter2',
    });
    expect(right).toEqual({ status: 200, body: { obsWebSocketVersion: '5.5.4', sources: [] } });

    // Before the integration is on, adding is refused with what to do.
    const early = await call<{ code: string }>('POST', '/api/obs/widgets', { widgets: ['alerts'] });
    expect(early.status).toBe(409);
    const bad = await call<{ code: string }>('POST', '/api/obs/widgets', { widgets: ['evil'] });
    expect(bad.status).toBe(400);

    // The goal page is live in OBS (fresh heartbeat); the alerts page is not.
    await overlayPage('goal');
    const saved = await call('PUT', '/api/settings', {
      obs: { url: obs.url, password: 'hunter2', enabled: true },
    });
    expect(saved.status).toBe(200);
    await eventually(async () => (await status()).state).toBe('connected');
    expect((await status()).obsWebSocketVersion).toBe('5.5.4');

    const added = await call<ObsAddedSource[]>('POST', '/api/obs/widgets', {
      widgets: ['alerts', 'goal'],
      query: 'accent=00e5ff&key=stolen&unit=diamonds',
    });
    expect(added.status).toBe(200);
    expect(added.body.map((a) => [a.inputName, a.width, a.height, a.action])).toEqual([
      ['Gemlight Alerts', 1080, 1920, 'created'],
      ['Gemlight Goal', 1080, 1920, 'created'],
    ]);
    const alertsUrl = new URL(String(obs.inputs.get('Gemlight Alerts')?.settings.url));
    expect(alertsUrl.pathname).toBe('/overlay/alerts');
    expect(alertsUrl.port).toBe(String(server.server.port));
    expect(alertsUrl.searchParams.get('key')).toBe(server.overlayKey);
    expect(alertsUrl.searchParams.get('accent')).toBe('00e5ff');
    expect(obs.scenes.get('Gameplay')).toEqual(['PS5 capture', 'Gemlight Alerts', 'Gemlight Goal']);
    expect((await status()).sources).toEqual(['alerts', 'goal']);

    // The watchdog refreshes the source whose page sends no heartbeat, and only that one.
    await eventually(() => obs?.refreshed.includes('Gemlight Alerts')).toBe(true);
    expect(obs.refreshed).not.toContain('Gemlight Goal');
    expect((await status()).refreshed.map((r) => r.inputName)).toContain('Gemlight Alerts');

    // A click refreshes a named source whatever its heartbeat.
    const forced = await call<{ refreshed: string[] }>('POST', '/api/obs/refresh', {
      widgets: ['goal'],
    });
    expect(forced.body).toEqual({ refreshed: ['Gemlight Goal'] });

    // OBS quits: the state says so, and the one-click refuses with a code instead of hanging.
    await obs.stop();
    obs = null;
    await eventually(async () => (await status()).state).toBe('error');
    const gone = await call<{ code: string }>('POST', '/api/obs/widgets', { widgets: ['all'] });
    expect(gone.status).toBe(409);

    // Turning it off disconnects and stops the watchdog.
    await call('PUT', '/api/settings', { obs: { enabled: false } });
    await eventually(async () => (await status()).state).toBe('off');
  });
});
