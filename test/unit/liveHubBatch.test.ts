import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { GiftEvent, LiveEvent } from '../../shared/events';
import { reduceLive, type LiveMessage } from '../../shared/liveState';
import type { CommittedBatch } from '../../electron/services/ingest/pipeline';
import { openLedger, type LedgerDb } from '../../electron/services/ledger/db';
import { LiveHub, type LiveHubContext } from '../../electron/services/live/hub';
import { T0, lion, rose } from './liveFixtures';
import { storedHubContext } from '../support/hub';

const dirs: string[] = [];
const dbs: LedgerDb[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A real ledger in a temp dir, a writer on it and a hub context with a hand-driven clock. */
function openHubLedger(): {
  ctx: LiveHubContext;
  ingest: (events: LiveEvent[], testEvents?: LiveEvent[]) => CommittedBatch;
  expire: () => CommittedBatch;
} {
  const dir = mkdtempSync(join(tmpdir(), 'gemlight-hub-'));
  dirs.push(dir);
  const db = openLedger(join(dir, 'gemlight.db'));
  dbs.push(db);
  let clock = T0;
  const { ctx, writer, settings } = storedHubContext(db, () => clock);
  // As the pipeline does: one transaction, writes batched, effects in record order.
  const ingest = (events: LiveEvent[], testEvents: LiveEvent[] = []): CommittedBatch => {
    const batch: CommittedBatch = { effects: [], testEvents };
    db.transaction(() =>
      writer.batch(() => {
        for (const e of events) {
          clock = Math.max(clock, e.time);
          const effects = writer.append(e, { source: 'push', receivedAt: clock, raw: '{}' });
          if (effects) batch.effects.push(...effects);
        }
      }),
    )();
    return batch;
  };
  // The pipeline's housekeeping: streaks whose end never came are closed (combo messages).
  const expire = (): CommittedBatch => {
    clock += settings.streakTimeoutMs + 1;
    const batch: CommittedBatch = { effects: [], testEvents: [] };
    db.transaction(() => batch.effects.push(...writer.expireStreaks(clock)))();
    return batch;
  };
  return { ctx, ingest, expire };
}

/** Gift traffic: 13 viewers in rose streaks of 5 (the last ones left open), lions, likes, viewers. */
function traffic(from: number, count: number): LiveEvent[] {
  const events: LiveEvent[] = [];
  for (let i = from; i < from + count; i++) {
    const time = T0 + i * 100;
    const u = i % 13;
    const user = { id: `u${u}`, handle: `fan${u}`, name: `Fan ${u}` };
    const k = Math.floor(i / 13);
    const gift: GiftEvent =
      i % 17 === 0
        ? { type: 'gift', id: `g${i}`, time, user, gift: lion, count: 1, origin: 'live' }
        : {
            type: 'gift',
            id: `g${i}`,
            time,
            user,
            gift: rose,
            count: (k % 5) + 1,
            streak: { id: `st${u}-${Math.floor(k / 5)}`, end: k % 5 === 4 },
            origin: 'live',
          };
    events.push(gift);
    if (i % 7 === 0)
      events.push({ type: 'like', id: `l${i}`, time, user, count: 3, origin: 'live' });
    if (i % 11 === 0) events.push({ type: 'viewers', id: `v${i}`, time, count: i, origin: 'live' });
  }
  return events;
}

const testGift: LiveEvent = {
  type: 'gift',
  id: 'test-1',
  time: T0,
  user: { id: 'u-test', handle: 'tester', name: 'Tester' },
  gift: lion,
  count: 2,
  origin: 'test',
};

describe('LiveHub batches', () => {
  it('a committed batch leaves the snapshot that publishing its messages one by one leaves', () => {
    const { ctx, ingest, expire } = openHubLedger();
    const batched = new LiveHub(ctx);
    const oneByOne = new LiveHub(ctx);
    const initial = batched.snapshot();
    expect(oneByOne.snapshot()).toEqual(initial);
    const received: LiveMessage[] = [];
    const order: string[] = [];
    batched.subscribe((m) => {
      received.push(m);
      order.push(`a${received.length}`);
    });
    batched.subscribe(() => order.push(`b${received.length}`));

    // The first batch opens the session (a snapshot follows), the next ones add to it. Each is
    // published right after its commit, as the pipeline does.
    const steps = [
      () => ingest(traffic(0, 400), [testGift]),
      () => ingest(traffic(400, 400)),
      expire,
    ];
    const batches = steps.map((step) => {
      const batch = step();
      batched.committed(batch);
      return batch;
    });
    for (const m of received) oneByOne.publish(m);

    expect(oneByOne.snapshot()).toEqual(batched.snapshot());
    expect(JSON.stringify(oneByOne.snapshot())).toBe(JSON.stringify(batched.snapshot()));
    // What an overlay computes from its snapshot and the messages it got is the server's state.
    expect(received.reduce(reduceLive, initial)).toEqual(batched.snapshot());

    // Every message went to both listeners, message by message, in the order of the effects.
    expect(order).toEqual(received.flatMap((_, i) => [`a${i + 1}`, `b${i + 1}`]));
    const giftIds = received.flatMap((m) => (m.type === 'gift' ? [m.gift.id] : []));
    const effectIds = batches.flatMap((b) =>
      b.effects.flatMap((e) => (e.type === 'gift' ? [e.gift.id] : [])),
    );
    expect(giftIds).toEqual(['test-1', ...effectIds]);
    expect(effectIds).toHaveLength(800);
    const types = new Set(received.map((m) => m.type));
    for (const t of ['gift', 'combo', 'social', 'viewers', 'snapshot', 'leaderboard']) {
      expect(types, t).toContain(t);
    }

    const s = batched.snapshot();
    const coins = batches
      .flatMap((b) => b.effects)
      .reduce((n, e) => n + (e.type === 'gift' ? e.gift.deltaCoins : 0), 0);
    expect(s.session?.coins).toBe(coins);
    expect(s.session?.likes).toBe(3 * Math.ceil(800 / 7));
    expect(s.alerts.length).toBeGreaterThan(13);
    expect(s.alerts.every((a) => a.ended)).toBe(true);
  });

  it('applied sends each gift once as a pending copy, in committed order, and never touches the state', () => {
    const { ctx, ingest } = openHubLedger();
    const hub = new LiveHub(ctx);
    const batch = ingest(traffic(0, 100), [testGift]);
    const before = hub.snapshot();
    // No listener: nothing to build.
    hub.applied(batch);
    expect(hub.snapshot()).toBe(before);

    const first: LiveMessage[] = [];
    const second: LiveMessage[] = [];
    hub.subscribe((m) => first.push(m));
    hub.subscribe((m) => second.push(m));
    hub.applied(batch);
    expect(hub.snapshot()).toBe(before);
    expect(second).toEqual(first);
    // The same message object for every listener.
    first.forEach((m, i) => expect(second[i]).toBe(m));

    const gifts = batch.effects.flatMap((e) => (e.type === 'gift' ? [e.gift] : []));
    expect(first).toHaveLength(gifts.length + 1);
    const [testMessage, ...rest] = first;
    expect(testMessage).toMatchObject({ type: 'gift', gift: { key: 'ttest-1', pending: true } });
    // Byte for byte the committed gift plus `pending`, as the protocol documents it.
    expect(rest.map((m) => JSON.stringify(m))).toEqual(
      gifts.map((g) => JSON.stringify({ type: 'gift', gift: { ...g, pending: true } })),
    );
  });

  it('marks each committed gift with the round its pending twin went out in, and nothing else', () => {
    const { ctx, ingest } = openHubLedger();
    const hub = new LiveHub(ctx);
    const seen: { type: string; pending: boolean; round: number | null }[] = [];
    hub.subscribe((m, d) =>
      seen.push({
        type: m.type,
        pending: m.type === 'gift' && m.gift.pending === true,
        round: d.twinRound,
      }),
    );
    expect(hub.pendingRound).toBe(0);
    const first = ingest(traffic(0, 20), [testGift]);
    hub.applied(first);
    expect(hub.pendingRound).toBe(1);
    hub.committed(first);
    const committedGifts = seen.filter((s) => s.type === 'gift' && !s.pending);
    expect(committedGifts.length).toBeGreaterThan(1);
    expect(committedGifts.every((s) => s.round === 1)).toBe(true);
    // Pending copies and every other message carry no round.
    expect(seen.filter((s) => s.pending || s.type !== 'gift').every((s) => s.round === null)).toBe(
      true,
    );

    // A batch committed without its pending twins sent (none went out for it): no round.
    seen.length = 0;
    const second = ingest(traffic(20, 20));
    hub.committed(second);
    expect(seen.some((s) => s.type === 'gift')).toBe(true);
    expect(seen.every((s) => s.round === null)).toBe(true);
    expect(hub.pendingRound).toBe(1);
  });
});
