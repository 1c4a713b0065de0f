import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server';
import {
  decodeFixtureGift,
  fixturesPresent,
  startTikFinity,
  tikFinityGiftFrame,
  type FakeTikFinity,
} from './support';

/**
 * The sources inside the real Gemlight: the server loads the source manager, the settings turn
 * TikFinity on, and what the TikFinity-like server sends ends up in the ledger exactly once.
 */
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function poll<T>(
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  what: string,
): Promise<T> {
  let last: T | undefined;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      last = await read();
      if (ok(last)) return last;
    } catch {
      // Not there yet (for example no session open).
    }
    if (Date.now() > deadline)
      throw new Error(`Timed out waiting for ${what}: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.runIf(fixturesPresent)('sources in the real server', () => {
  it('counts a TikFinity streak once across a TikFinity restart and records the gap', async () => {
    const tikfinity: FakeTikFinity = await startTikFinity();
    cleanups.push(() => tikfinity.kill());
    const gemlight: TestServer = await startTestServer({ withoutSources: false });
    cleanups.push(() => gemlight.stop());
    const { server } = gemlight;

    await server.call('settings.update', { tikfinity: { url: tikfinity.url, enabled: true } });
    const client = await tikfinity.nextClient();
    await poll(
      () => server.call('sources.list', {}),
      (list) => list.some((s) => s.id === 'tikfinity' && s.state === 'connected'),
      'TikFinity connected',
    );

    const msg = decodeFixtureGift();
    const frames = [1, 2, 3, 4, 5, 6].map((n) => tikFinityGiftFrame(msg, { n, end: n === 6 }));
    for (const frame of frames.slice(0, 3)) client.send(JSON.stringify(frame));
    await poll(
      () => server.call('sessions.current', {}),
      (s) => s.coins === 3,
      'three roses',
    );

    await tikfinity.kill();
    const again = await startTikFinity(tikfinity.port);
    cleanups.push(() => again.kill());
    const next = await again.nextClient();
    // The restarted TikFinity repeats recent messages, then goes on.
    for (const frame of frames.slice(1)) next.send(JSON.stringify(frame));
    const session = await poll(
      () => server.call('sessions.current', {}),
      (s) => s.coins === 6,
      'six roses',
    );
    expect(session.giftCount).toBeGreaterThanOrEqual(1);
    expect(session.simulated).toBe(false);

    const health = await server.call('sources.list', {});
    const source = health.find((s) => s.id === 'tikfinity');
    expect(source?.gaps.length).toBe(1);
    expect(source?.gaps[0]?.to).not.toBeNull();
    const detail = await server.call('sessions.get', { id: session.id });
    expect(detail.gaps.length).toBeGreaterThanOrEqual(1);

    // Simulated traffic goes through the same pipeline but never counts as earnings.
    await server.call('simulator.start', { rate: 200 });
    await poll(
      () => server.call('sources.list', {}),
      (list) => list.some((s) => s.id === 'simulator' && s.eventsPerMinute >= 100),
      'simulated traffic',
    );
    await server.call('simulator.stop', {});
    const summary = await server.call('summary.get', {});
    expect(summary.coins).toBe(6);
    const all = await server.call('sessions.list', { includeSimulated: true });
    expect(all.items.some((s) => s.simulated && s.coins > 0)).toBe(true);
  });
});
