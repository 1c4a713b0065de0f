import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_RATES,
  USD,
  coinsToMinor,
  minorPerDiamond,
  roundRunning,
  type Rates,
} from '../../shared/earnings';
import type { EventOrigin, GiftEvent } from '../../shared/events';
import type { GifterTotal } from '../../shared/leaderboard';
import {
  ALERT_HISTORY,
  MINUTE_HISTORY,
  emptyLiveState,
  reduceLive,
  sessionCashMinor,
  sessionDiamonds,
  type LiveMessage,
  type LiveSession,
  type LiveState,
  type SourceHealth,
} from '../../shared/liveState';
import * as Q from '../../shared/rational';
import { StreakBook } from '../../shared/streaks';
import { T0, lion, makeCounted, makeSession, rose, viewer } from './liveFixtures';

const session = makeSession;

const counted = makeCounted;

const withSession = (s: LiveSession | null = session()): LiveState =>
  reduceLive(emptyLiveState(), { type: 'session', session: s });

const run = (state: LiveState, msgs: LiveMessage[]): LiveState => msgs.reduce(reduceLive, state);

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

describe('alerts', () => {
  it('one alert per streak, however many updates', () => {
    const s = run(withSession(), [
      { type: 'gift', gift: counted({ id: 'm1', count: 1 }) },
      {
        type: 'gift',
        gift: counted({
          id: 'm2',
          count: 3,
          deltaCount: 2,
          deltaCoins: 2,
          started: false,
          time: T0 + 500,
        }),
      },
      {
        type: 'gift',
        gift: counted({
          id: 'm3',
          count: 3,
          deltaCount: 0,
          deltaCoins: 0,
          started: false,
          time: T0 + 400,
        }),
      },
      {
        type: 'gift',
        gift: counted({
          id: 'm4',
          count: 5,
          deltaCount: 2,
          deltaCoins: 2,
          ended: true,
          time: T0 + 900,
        }),
      },
    ]);
    expect(s.alerts).toHaveLength(1);
    expect(s.alerts[0]).toEqual({
      key: 'k1',
      user: viewer,
      gift: rose,
      count: 5,
      coins: 5,
      ended: true,
      origin: 'live',
      startedAt: T0,
      updatedAt: T0 + 900,
    });
    expect(s.session).toMatchObject({ coins: 5, gifts: 5 });
  });

  it('an update with a lower count or a late end never lowers or reopens an alert', () => {
    const s = run(withSession(), [
      { type: 'gift', gift: counted({ count: 7, ended: true }) },
      {
        type: 'gift',
        gift: counted({ id: 'm2', count: 4, ended: false, deltaCount: 0, deltaCoins: 0 }),
      },
    ]);
    expect(s.alerts[0]).toMatchObject({ count: 7, coins: 7, ended: true });
  });

  it('newest first, at most ALERT_HISTORY', () => {
    const msgs: LiveMessage[] = Array.from({ length: ALERT_HISTORY + 5 }, (_, i) => ({
      type: 'gift',
      gift: counted({ key: `k${i}`, id: `m${i}`, time: T0 + i }),
    }));
    const s = run(withSession(), msgs);
    expect(s.alerts).toHaveLength(ALERT_HISTORY);
    expect(s.alerts[0]?.key).toBe(`k${ALERT_HISTORY + 4}`);
    expect(s.session?.gifts).toBe(ALERT_HISTORY + 5);
  });

  it('combo updates the count of a shown alert and ignores unknown keys', () => {
    const base = run(withSession(), [
      { type: 'gift', gift: counted({ gift: { ...rose, coins: 5 }, deltaCoins: 5 }) },
    ]);
    const s = run(base, [
      { type: 'combo', key: 'k1', count: 4, ended: false },
      { type: 'combo', key: 'k1', count: 2, ended: true },
      { type: 'combo', key: 'nope', count: 99, ended: true },
    ]);
    expect(s.alerts).toHaveLength(1);
    expect(s.alerts[0]).toMatchObject({ count: 4, coins: 20, ended: true });
    // Combos are display only: the ledger's gift messages carry the money.
    expect(s.session?.coins).toBe(5);
  });
});

describe('session totals and origins', () => {
  const cases: [EventOrigin, boolean, boolean][] = [
    ['live', false, true],
    ['live', true, false],
    ['simulated', false, false],
    ['simulated', true, true],
    ['replay', false, false],
    ['replay', true, true],
    ['test', false, false],
    ['test', true, false],
  ];
  it.each(cases)('a %s gift in a simulated=%s session counts: %s', (origin, simulated, counts) => {
    const s = run(withSession(session({ simulated })), [
      {
        type: 'gift',
        gift: counted({
          origin,
          gift: lion,
          count: 1,
          deltaCoins: 29999,
          sessionId: origin === 'test' ? null : 's1',
        }),
      },
    ]);
    expect(s.alerts).toHaveLength(1);
    expect(s.session?.coins).toBe(counts ? 29999 : 0);
    expect(s.session?.gifts).toBe(counts ? 1 : 0);
    expect(s.perMinute).toEqual(counts ? [{ minute: T0, coins: 29999, gifts: 1 }] : []);
  });

  it('a gift of another session, or with no session shown, only alerts', () => {
    const other = run(withSession(), [{ type: 'gift', gift: counted({ sessionId: 's0' }) }]);
    expect(other.session?.coins).toBe(0);
    expect(other.alerts).toHaveLength(1);
    const none = run(emptyLiveState(), [{ type: 'gift', gift: counted() }]);
    expect(none.session).toBeNull();
    expect(none.alerts).toHaveLength(1);
    expect(none.perMinute).toEqual([]);
  });

  it('likes, follows, shares and viewers update the shown session only', () => {
    const msgs: LiveMessage[] = [
      { type: 'social', kind: 'like', count: 15, user: viewer, time: T0 },
      { type: 'social', kind: 'like', count: 5, user: viewer, time: T0 },
      { type: 'social', kind: 'follow', count: 1, user: viewer, time: T0 },
      { type: 'social', kind: 'share', count: 1, user: viewer, time: T0 },
      { type: 'viewers', count: 321 },
    ];
    expect(run(withSession(), msgs).session).toMatchObject({
      likes: 20,
      follows: 1,
      shares: 1,
      viewers: 321,
      coins: 0,
    });
    expect(run(emptyLiveState(), msgs)).toEqual(emptyLiveState());
  });

  it('a new session clears the per-minute chart and the session board, the same one keeps them', () => {
    const board: GifterTotal[] = [
      { userId: 'u1', handle: 'fan', name: 'Fan', coins: 5, reachedAt: T0 },
    ];
    const s = run(withSession(), [
      { type: 'gift', gift: counted() },
      { type: 'leaderboard', period: 'session', entries: board },
      { type: 'leaderboard', period: 'all', entries: board },
    ]);
    const same = reduceLive(s, { type: 'session', session: session({ coins: 1, gifts: 1 }) });
    expect(same.perMinute).toHaveLength(1);
    expect(same.leaderboards.session).toEqual(board);
    const next = reduceLive(s, { type: 'session', session: session({ id: 's2' }) });
    expect(next.perMinute).toEqual([]);
    expect(next.leaderboards).toEqual({ session: [], day: [], all: board });
    expect(next.alerts).toHaveLength(1);
    const ended = reduceLive(s, { type: 'session', session: null });
    expect(ended.session).toBeNull();
  });
});

describe('per-minute chart', () => {
  it('buckets by minute, adds late messages to their bucket, drops those beyond the chart', () => {
    const s = run(withSession(), [
      { type: 'gift', gift: counted({ key: 'a', time: T0 + 1000 }) },
      {
        type: 'gift',
        gift: counted({ key: 'b', time: T0 + 61_000, deltaCoins: 3, deltaCount: 3 }),
      },
      { type: 'gift', gift: counted({ key: 'c', time: T0 + 2000 }) },
      { type: 'gift', gift: counted({ key: 'd', time: T0 - 3_600_000 }) },
    ]);
    expect(s.perMinute).toEqual([
      { minute: T0, coins: 2, gifts: 2 },
      { minute: T0 + 60_000, coins: 3, gifts: 3 },
    ]);
    expect(s.session?.coins).toBe(6);
  });

  it('keeps at most MINUTE_HISTORY minutes', () => {
    const msgs: LiveMessage[] = Array.from({ length: MINUTE_HISTORY + 10 }, (_, i) => ({
      type: 'gift',
      gift: counted({ key: `k${i}`, time: T0 + i * 60_000 }),
    }));
    const s = run(withSession(), msgs);
    expect(s.perMinute).toHaveLength(MINUTE_HISTORY);
    expect(s.perMinute[0]?.minute).toBe(T0 + 10 * 60_000);
  });
});

describe('other messages', () => {
  const source = (id: string, state: SourceHealth['state']): SourceHealth => ({
    id,
    kind: 'tiktok',
    label: id,
    state,
    eventsPerMinute: 0,
    lastEventAt: null,
    lastError: null,
    gaps: [],
  });

  it('sources are replaced by id and kept sorted; goal, overlays and snapshot replace', () => {
    const s = run(emptyLiveState(), [
      { type: 'source', source: source('tiktok', 'connecting') },
      { type: 'source', source: source('push', 'connected') },
      { type: 'source', source: source('tiktok', 'connected') },
    ]);
    expect(s.sources.map((x) => `${x.id}:${x.state}`)).toEqual([
      'push:connected',
      'tiktok:connected',
    ]);
    const goal = {
      goal: {
        id: 'g',
        label: 'x',
        kind: 'diamonds' as const,
        target: 10,
        rollover: false,
        createdAt: 0,
      },
      current: 5,
      target: 10,
      fraction: 0.5,
      reached: false,
      completions: 0,
    };
    expect(reduceLive(s, { type: 'goal', goal }).goal).toEqual(goal);
    const overlays = [{ id: 'o', widget: 'alerts', connectedAt: 1, lastSeenAt: 2, preview: false }];
    expect(reduceLive(s, { type: 'overlays', overlays }).overlays).toEqual(overlays);
    const snap = withSession();
    expect(reduceLive(s, { type: 'snapshot', state: snap })).toBe(snap);
    expect(emptyLiveState({ code: 'JPY', exponent: 0 }).currency).toEqual({
      code: 'JPY',
      exponent: 0,
    });
  });

  it('the reducer is pure: frozen inputs, every message kind', () => {
    const state = deepFreeze(
      run(withSession(), [
        { type: 'gift', gift: counted() },
        { type: 'source', source: source('a', 'idle') },
      ]),
    );
    const copy = structuredClone(state);
    const msgs: LiveMessage[] = [
      { type: 'gift', gift: counted({ id: 'm2', count: 2, deltaCount: 1, deltaCoins: 1 }) },
      { type: 'gift', gift: counted({ key: 'k2', time: T0 - 10 * 60_000 }) },
      { type: 'combo', key: 'k1', count: 9, ended: true },
      { type: 'social', kind: 'like', count: 1, user: viewer, time: T0 },
      { type: 'viewers', count: 3 },
      { type: 'session', session: session({ id: 's9' }) },
      { type: 'leaderboard', period: 'day', entries: [] },
      { type: 'goal', goal: null },
      { type: 'source', source: source('a', 'error') },
      { type: 'overlays', overlays: [] },
      { type: 'snapshot', state: emptyLiveState() },
    ];
    for (const m of msgs) reduceLive(state, deepFreeze(m));
    expect(state).toEqual(copy);
  });
});

describe('session money', () => {
  it('diamonds are whole diamonds rounded down', () => {
    expect(sessionDiamonds(session({ coins: 7, diamondsPerCoin: '1/2' }))).toBe(3);
    expect(sessionDiamonds(session({ coins: 7 }))).toBe(7);
    expect(sessionDiamonds(session({ coins: 7, diamondsPerCoin: 'garbage' }))).toBe(7);
  });

  it('cash: a simulated session earns nothing; a live one its running-rounded share', () => {
    expect(sessionCashMinor(session({ coins: 1000, simulated: true }))).toBe(0n);
    expect(sessionCashMinor(session({ coins: 1000 }))).toBe(500n);
    // Half a cent after half a cent: rounds to even over the running total, so 0 then 1.
    expect(sessionCashMinor(session({ coins: 1 }))).toBe(0n);
    expect(sessionCashMinor(session({ coins: 1, cashBefore: '1/2' }))).toBe(1n);
  });

  it('sessionCashMinor equals the running-rounded cash of the ledger (property)', () => {
    const arbRates = fc.record({
      usd: fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 1, max: 100_000 })),
      share: fc.integer({ min: 0, max: 100 }),
      dpc: fc.tuple(fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 10 })),
    });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(10_000_000), arbRates), { minLength: 1, maxLength: 25 }),
        (sessions) => {
          const valued = sessions.map(([coins, r]) => {
            const rates: Rates = {
              ...DEFAULT_RATES,
              usdPerDiamond: Q.rational(r.usd[0], r.usd[1]),
              creatorSharePercent: Q.rational(r.share),
              diamondsPerCoin: Q.rational(r.dpc[0], r.dpc[1]),
            };
            return { coins, rates, exact: coinsToMinor(coins, rates, USD) };
          });
          const ledger = roundRunning(valued.map((v) => v.exact));
          let before = Q.ZERO;
          valued.forEach((v, i) => {
            const live = session({
              coins: v.coins,
              diamondsPerCoin: Q.toJSON(v.rates.diamondsPerCoin),
              minorPerDiamond: Q.toJSON(minorPerDiamond(v.rates, USD)),
              cashBefore: Q.toJSON(before),
            });
            expect(sessionCashMinor(live)).toBe(ledger[i]);
            before = Q.add(before, v.exact);
          });
        },
      ),
    );
  });

  it('a gift stream through StreakBook and the reducer ends with the ledger totals (property)', () => {
    const msg = fc.record({
      user: fc.constantFrom('a', 'b'),
      group: fc.constantFrom('g1', 'g2', 'g3'),
      count: fc.integer({ min: 1, max: 20 }),
      dup: fc.boolean(),
      origin: fc.constantFrom<EventOrigin>('live', 'live', 'test', 'simulated'),
    });
    fc.assert(
      fc.property(fc.array(msg, { maxLength: 60 }), (msgs) => {
        const book = new StreakBook();
        let state = withSession();
        let liveCoins = 0;
        msgs.forEach((m, i) => {
          const event: GiftEvent = {
            type: 'gift',
            id: m.dup && i > 0 ? `m${i - 1}` : `m${i}`,
            time: T0 + i,
            user: { id: m.user, handle: m.user, name: m.user },
            gift: { ...rose, coins: 2 },
            count: m.count,
            streak: { id: `${m.origin}-${m.group}`, end: false },
            origin: m.origin,
          };
          // Test alerts never reach the ledger; everything else does.
          const step = m.origin === 'test' ? null : book.apply(event);
          if (m.origin === 'test') {
            state = reduceLive(state, {
              type: 'gift',
              gift: counted({
                key: `test-${i}`,
                id: event.id,
                origin: 'test',
                sessionId: null,
                count: m.count,
              }),
            });
            return;
          }
          if (!step) return;
          if (m.origin === 'live') liveCoins += step.deltaCoins;
          state = reduceLive(state, {
            type: 'gift',
            gift: {
              key: step.next.key,
              id: event.id,
              time: event.time,
              user: event.user,
              gift: event.gift,
              count: step.next.count,
              deltaCount: step.deltaCount,
              deltaCoins: step.deltaCoins,
              started: step.started,
              ended: step.next.ended,
              origin: m.origin,
              sessionId: 's1',
            },
          });
        });
        expect(state.session?.coins).toBe(liveCoins);
        // One alert per streak: alert keys are unique and each shows its streak's highest count.
        const keys = state.alerts.map((a) => a.key);
        expect(new Set(keys).size).toBe(keys.length);
        for (const s of book.streaks()) {
          const alert = state.alerts.find((a) => a.key === s.key);
          if (alert) expect(alert.count).toBe(s.count);
        }
      }),
    );
  });
});
