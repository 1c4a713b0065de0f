import { describe, expect, it } from 'vitest';
import type { Page, RangeSummary, SessionSummary } from '../../shared/api';
import type { SourceHealth } from '../../shared/liveState';
import { apiCall, EventsClient, IngestClient, startTestServer } from '../support/server';

describe('sources wired into the server', () => {
  it('runs the simulator through the whole pipeline without touching earnings, and replays a stored session', async () => {
    const t = await startTestServer({ withoutSources: false });
    try {
      const c = await IngestClient.connect(t.wsUrl, t.token);
      const live = [1, 2, 3].map((i) => ({
        type: 'gift',
        id: `live-${i}`,
        user: { id: `viewer${i}` },
        gift: { id: 5655 },
        count: i,
        streak: { id: `s${i}`, end: true },
      }));
      await c.send(live);
      await c.send({ type: 'session', action: 'end' });
      c.close();
      const before = (await apiCall<RangeSummary>(t.baseUrl, t.token, 'GET', '/api/summary')).body;
      expect(before.coins).toBe(6);

      const ev = await EventsClient.connect(t.eventsUrl, { token: t.token });
      const started = await apiCall(t.baseUrl, t.token, 'POST', '/api/simulator/start', {
        rate: 50,
      });
      expect(started).toEqual({ status: 200, body: { running: true } });
      await ev.waitFor(
        (e) => (e.state?.session?.simulated ?? false) && (e.state?.session?.coins ?? 0) > 0,
        20_000,
      );
      const sources = (await apiCall<SourceHealth[]>(t.baseUrl, t.token, 'GET', '/api/sources'))
        .body;
      expect(sources.some((s) => s.kind === 'simulator')).toBe(true);
      expect((await apiCall(t.baseUrl, t.token, 'POST', '/api/simulator/stop')).body).toEqual({
        running: false,
      });
      const after = (await apiCall<RangeSummary>(t.baseUrl, t.token, 'GET', '/api/summary')).body;
      expect(after).toEqual(before);

      const sessions = (
        await apiCall<Page<SessionSummary>>(t.baseUrl, t.token, 'GET', '/api/sessions')
      ).body;
      const stored = sessions.items[0];
      if (!stored) throw new Error('no stored session');
      const replay = await apiCall<{ started: boolean; events: number }>(
        t.baseUrl,
        t.token,
        'POST',
        `/api/sessions/${stored.id}/replay`,
        { speed: 20 },
      );
      expect(replay.body).toEqual({ started: true, events: 3 });
      await ev.waitFor(
        (e) => e.state?.alerts.some((a) => a.origin === 'replay' && a.count === 3) ?? false,
        20_000,
      );
      expect((await apiCall<RangeSummary>(t.baseUrl, t.token, 'GET', '/api/summary')).body).toEqual(
        before,
      );
      ev.close();
    } finally {
      await t.stop();
    }
  });
});
