import { join } from 'node:path';
import Database from 'better-sqlite3';
import type WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestReply } from '../../shared/api';
import type { LiveMessage, LiveState } from '../../shared/liveState';
import { canonicalGift } from '../unit/samples';
import {
  EventsClient,
  IngestClient,
  rawText,
  startTestServer,
  type TestServer,
} from '../support/server';

/**
 * What one test process saw, in arrival order, across an overlay page's /events socket, the
 * dashboard's /events socket and the /ingest socket.
 */
type Seen =
  | { on: 'page' | 'dashboard'; id: string; pending: boolean }
  | { on: 'ingest'; id: string; type: IngestReply['type'] };

const gift = (id: string, coins: number) =>
  canonicalGift({
    id,
    user: { id: `viewer-${id}` },
    gift: { id: 9000 + coins, name: `Gift ${coins}`, coins, streakable: false },
    streak: undefined,
  });

describe('early (pending) alerts on /events', () => {
  let t: TestServer;
  let reader: Database.Database;
  /** An overlay page (it has a widget): draws alerts, shows no money. */
  let page: EventsClient;
  /** The dashboard: keeps the whole live state. */
  let events: EventsClient;
  let ingest: IngestClient;
  const seen: Seen[] = [];

  beforeAll(async () => {
    t = await startTestServer();
    reader = new Database(join(t.dataDir, 'gemlight.db'), { readonly: true });
    page = await EventsClient.connect(t.eventsUrl, { key: t.overlayKey }, { widget: 'alerts' });
    events = await EventsClient.connect(t.eventsUrl, { token: t.token });
    ingest = await IngestClient.connect(t.wsUrl, t.token);
    // Every listener is registered on sockets of this one process, so `seen` is arrival order.
    for (const [on, client] of [
      ['page', page],
      ['dashboard', events],
    ] as const) {
      client.ws.on('message', (data: WebSocket.RawData) => {
        const m = JSON.parse(rawText(data)) as LiveMessage;
        if (m.type === 'gift') seen.push({ on, id: m.gift.id, pending: !!m.gift.pending });
      });
    }
    ingest.ws.on('message', (data: WebSocket.RawData) => {
      const r = JSON.parse(rawText(data)) as IngestReply;
      seen.push({ on: 'ingest', id: r.id ?? '', type: r.type });
    });
    // A first gift opens the session, so the gifts below only change its totals.
    expect(await ingest.send(gift('warm-up', 1))).toMatchObject([{ type: 'ack' }]);
    await events.waitFor((c) => c.state?.session?.coins === 1);
  });
  afterAll(async () => {
    ingest.close();
    page.close();
    events.close();
    reader.close();
    await t.stop();
  });

  it('the alert arrives before the ack; the snapshot between them has no session change', async () => {
    const committedRows = reader.prepare<[string], { n: number }>(
      'SELECT count(*) AS n FROM raw_events WHERE msg_id = ?',
    );
    let atPending: { snapshot: Promise<LiveState>; rows: number } | null = null;
    // Runs synchronously inside the server's open transaction, when the pending alert goes out.
    const stop = t.server.onLive((m) => {
      if (m.type === 'gift' && m.gift.id === 'early-1' && m.gift.pending && !atPending) {
        atPending = {
          snapshot: t.server.call('live.snapshot', {}),
          rows: committedRows.get('early-1')?.n ?? -1,
        };
      }
    });
    const before = events.state;
    const replies = await ingest.send(gift('early-1', 500));
    stop();
    expect(replies).toMatchObject([{ type: 'ack', id: 'early-1', duplicate: false }]);

    // The page gets the early alert only; the dashboard also gets the committed twin (with the
    // money), and both come before the ack.
    await events.waitFor((c) =>
      c.messages.some((m) => m.type === 'gift' && m.gift.id === 'early-1' && !m.gift.pending),
    );
    const order = seen.filter((s) => s.id === 'early-1');
    expect(order.filter((s) => s.on !== 'dashboard')).toEqual([
      { on: 'page', id: 'early-1', pending: true },
      { on: 'ingest', id: 'early-1', type: 'ack' },
    ]);
    expect(order.filter((s) => s.on !== 'page')).toEqual([
      { on: 'dashboard', id: 'early-1', pending: true },
      { on: 'dashboard', id: 'early-1', pending: false },
      { on: 'ingest', id: 'early-1', type: 'ack' },
    ]);

    // Taken between the pending alert and the commit: nothing of the gift is committed yet, and
    // the snapshot every new client would get shows neither its money nor its alert.
    expect(atPending).not.toBeNull();
    const between = atPending as unknown as { snapshot: Promise<LiveState>; rows: number };
    expect(between.rows).toBe(0);
    const snapshot = await between.snapshot;
    expect(snapshot.session).toEqual(before?.session);
    expect(snapshot.leaderboards).toEqual(before?.leaderboards);
    expect(snapshot.alerts).toEqual(before?.alerts);

    // After the ack: counted exactly once, one alert.
    await events.waitFor((c) => c.state?.session?.coins === 501);
    const after = await t.server.call('live.snapshot', {});
    expect(after.session?.coins).toBe(501);
    expect(after.session?.gifts).toBe(2);
    expect(events.state?.alerts.filter((a) => a.count === 1 && a.coins === 500)).toHaveLength(1);
    expect(events.state).toEqual(after);
  });

  it('a duplicate sends no alert at all, pending or committed', async () => {
    const start = seen.length;
    expect(await ingest.send(gift('early-1', 500))).toMatchObject([{ duplicate: true }]);
    // A fresh gift after it: once its committed alert is in, anything for the duplicate would be too.
    expect(await ingest.send(gift('early-2', 10))).toMatchObject([{ duplicate: false }]);
    await events.waitFor((c) =>
      c.messages.some((m) => m.type === 'gift' && m.gift.id === 'early-2' && !m.gift.pending),
    );
    const alerts = seen.slice(start).filter((s) => s.on !== 'ingest');
    expect(alerts.filter((s) => s.on === 'page')).toEqual([
      { on: 'page', id: 'early-2', pending: true },
    ]);
    expect(alerts.filter((s) => s.on === 'dashboard')).toEqual([
      { on: 'dashboard', id: 'early-2', pending: true },
      { on: 'dashboard', id: 'early-2', pending: false },
    ]);
    await events.waitFor((c) => c.state?.session?.coins === 511);
  });
});
