import { afterEach, describe, expect, it } from 'vitest';
import {
  createObsBridge,
  sourceNameOf,
  staleWidgets,
  startObsWatchdog,
  widgetSpecs,
  type ObsBridge,
} from '../../electron/services/obs/obsBridge';
import type { OverlayPresence } from '../../shared/liveState';
import { startFakeObs, type FakeObs } from './fakeObs';

/** The OBS bridge through the real obs-websocket-js client, against a protocol-level fake OBS. */

let obs: FakeObs | null = null;
let bridge: ObsBridge | null = null;

afterEach(async () => {
  await bridge?.disconnect();
  await obs?.stop();
  obs = null;
  bridge = null;
});

const overlayUrl = (widget: string): string =>
  `http://127.0.0.1:21280/overlay/${widget}?key=secret-key&unit=diamonds`;

const presence = (widget: string, lastSeenAt: number, preview = false): OverlayPresence => ({
  id: `${widget}-${lastSeenAt}`,
  widget,
  connectedAt: 0,
  lastSeenAt,
  preview,
});

describe('OBS bridge', () => {
  it('adds widgets to the current scene as canvas-sized browser sources, once', async () => {
    obs = await startFakeObs('hunter2');
    bridge = await createObsBridge();
    const connected = await bridge.connect({ url: obs.url, password: 'hunter2' });
    expect(connected).toEqual({ ok: true, value: { obsWebSocketVersion: '5.5.4', rpcVersion: 1 } });

    const added = await bridge.addWidgets([
      { widget: 'alerts', url: overlayUrl('alerts') },
      { widget: 'goal', url: overlayUrl('goal'), width: 800, height: 200 },
    ]);
    expect(added.ok && added.value).toEqual([
      {
        widget: 'alerts',
        inputName: 'Gemlight Alerts',
        sceneName: 'Gameplay',
        width: 1080,
        height: 1920,
        action: 'created',
      },
      {
        widget: 'goal',
        inputName: 'Gemlight Goal',
        sceneName: 'Gameplay',
        width: 800,
        height: 200,
        action: 'created',
      },
    ]);
    const alerts = obs.inputs.get('Gemlight Alerts');
    expect(alerts?.kind).toBe('browser_source');
    expect(alerts?.settings).toMatchObject({
      url: overlayUrl('alerts'),
      width: 1080,
      height: 1920,
      shutdown: false,
    });
    expect(obs.scenes.get('Gameplay')).toEqual(['PS5 capture', 'Gemlight Alerts', 'Gemlight Goal']);

    // A second click updates instead of duplicating, and puts a removed source back.
    obs.scenes.set('Gameplay', ['PS5 capture', 'Gemlight Goal']);
    const again = await bridge.addWidgets([
      { widget: 'alerts', url: `${overlayUrl('alerts')}&scale=1.2` },
    ]);
    expect(again.ok && again.value[0]?.action).toBe('updated');
    expect(obs.inputs.get('Gemlight Alerts')?.settings.url).toBe(
      `${overlayUrl('alerts')}&scale=1.2`,
    );
    expect(obs.scenes.get('Gameplay')).toEqual(['PS5 capture', 'Gemlight Goal', 'Gemlight Alerts']);
    expect([...obs.inputs.keys()].filter((n) => n.startsWith('Gemlight'))).toHaveLength(2);
  });

  it('refreshes only the sources whose page stopped beating', async () => {
    obs = await startFakeObs();
    bridge = await createObsBridge();
    expect((await bridge.connect({ url: obs.url })).ok).toBe(true);
    await bridge.addWidgets(
      (['alerts', 'leaderboard', 'goal'] as const).map((w) => ({ widget: w, url: overlayUrl(w) })),
    );
    const now = 1_000_000;
    const result = await bridge.refreshStale(
      [
        presence('alerts', now - 5_000),
        presence('leaderboard', now - 120_000),
        // A preview in the dashboard is not the OBS page.
        presence('goal', now - 1_000, true),
      ],
      now,
    );
    expect(result).toEqual({ ok: true, value: ['Gemlight Leaderboard', 'Gemlight Goal'] });
    expect(obs.refreshed).toEqual(['Gemlight Leaderboard', 'Gemlight Goal']);
    const refresh = obs.requests.find((r) => r.type === 'PressInputPropertiesButton');
    expect(refresh?.data.propertyName).toBe('refreshnocache');
  });

  it('answers a wrong password, a dead address and bad input with error codes', async () => {
    obs = await startFakeObs('right');
    bridge = await createObsBridge();
    const wrong = await bridge.connect({ url: obs.url, password: 'wrong' });
    expect(!wrong.ok && wrong.error.code).toBe('unauthorized');
    const notUrl = await bridge.connect({ url: 'obs on my pc' });
    expect(!notUrl.ok && notUrl.error.code).toBe('invalid_request');
    const http = await bridge.connect({ url: 'http://127.0.0.1:4455' });
    expect(!http.ok && http.error.code).toBe('invalid_request');
    const url = obs.url;
    await obs.stop();
    obs = null;
    const down = await bridge.connect({ url });
    expect(!down.ok && down.error.code).toBe('not_found');
    const notConnected = await bridge.addWidgets([{ widget: 'all', url: overlayUrl('all') }]);
    expect(!notConnected.ok && notConnected.error.code).toBe('conflict');
  });

  it('knows which widgets are stale from presence alone', () => {
    const now = 100_000;
    expect(staleWidgets(['alerts', 'all'], [presence('all', now)], now)).toEqual(['alerts']);
    expect(staleWidgets(['goal'], [presence('goal', now - 45_000)], now)).toEqual([]);
    expect(staleWidgets(['goal'], [presence('goal', now - 45_001)], now)).toEqual(['goal']);
    expect(sourceNameOf('leaderboard')).toBe('Gemlight Leaderboard');
  });

  it('builds widget URLs from the overlay info and the builder query, key last', () => {
    const specs = widgetSpecs(
      { baseUrl: 'http://127.0.0.1:21280/overlay', key: 'k3y' },
      ['alerts', 'goal'],
      'accent=00e5ff&key=evil&unit=diamonds',
    );
    expect(specs).toEqual([
      {
        widget: 'alerts',
        url: 'http://127.0.0.1:21280/overlay/alerts?accent=00e5ff&unit=diamonds&key=k3y',
      },
      {
        widget: 'goal',
        url: 'http://127.0.0.1:21280/overlay/goal?accent=00e5ff&unit=diamonds&key=k3y',
      },
    ]);
  });

  it('the watchdog refreshes a source once its page goes quiet', async () => {
    obs = await startFakeObs();
    bridge = await createObsBridge();
    expect((await bridge.connect({ url: obs.url })).ok).toBe(true);
    await bridge.addWidgets([{ widget: 'alerts', url: overlayUrl('alerts') }]);
    let now = 1_000_000;
    const pages = [presence('alerts', now)];
    const results: string[][] = [];
    const stop = startObsWatchdog(bridge, () => pages, {
      now: () => now,
      intervalMs: 20,
      onResult: (r) => {
        if (r.ok) results.push(r.value);
      },
    });
    try {
      await expect.poll(() => results.length).toBeGreaterThan(1);
      expect(obs.refreshed).toEqual([]);
      now += 60_000;
      await expect.poll(() => obs?.refreshed.length ?? 0).toBeGreaterThan(0);
      expect(obs.refreshed[0]).toBe('Gemlight Alerts');
    } finally {
      stop();
    }
  });
});
