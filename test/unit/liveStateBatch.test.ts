import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { EventOrigin } from '../../shared/events';
import {
  ALERT_HISTORY,
  MINUTE_HISTORY,
  emptyLiveState,
  reduceLive,
  reduceLiveAll,
  type Alert,
  type CountedGift,
  type LiveMessage,
  type LiveSession,
  type LiveState,
} from '../../shared/liveState';
import { T0, lion, makeSession, rose, viewer } from './liveFixtures';

const fold = (state: LiveState, msgs: readonly LiveMessage[]): LiveState =>
  msgs.reduce(reduceLive, state);

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/** Same values, and the same JSON a client would receive (key order included). */
function expectSameState(actual: LiveState, expected: LiveState): void {
  expect(actual).toEqual(expected);
  expect(JSON.stringify(actual)).toBe(JSON.stringify(expected));
}

const MINUTE = 60_000;
const origins: EventOrigin[] = ['live', 'simulated', 'replay', 'test'];
// A few keys that repeat (streak updates, combos) and many that push old alerts out of the history.
const keyArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('k0', 'k1', 'k2', 'k3') },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: ALERT_HISTORY + 30 }).map((n) => `k${n}`) },
);
const sessionArb: fc.Arbitrary<LiveSession | null> = fc.oneof(
  { weight: 1, arbitrary: fc.constant(null) },
  {
    weight: 4,
    arbitrary: fc
      .record({
        id: fc.constantFrom('s1', 's2'),
        simulated: fc.boolean(),
        coins: fc.nat(1_000),
        gifts: fc.nat(100),
        likes: fc.nat(100),
      })
      .map((over) => makeSession(over)),
  },
);
const alertArb: fc.Arbitrary<Alert> = fc.record({
  key: keyArb,
  user: fc.constant(viewer),
  gift: fc.constantFrom(rose, lion),
  count: fc.nat(50),
  coins: fc.nat(5_000),
  ended: fc.boolean(),
  origin: fc.constantFrom(...origins),
  startedAt: fc.constant(T0),
  updatedAt: fc.integer({ min: T0, max: T0 + 90 * MINUTE }),
});

/**
 * A message with a clock step: gifts get their time from a running clock that mostly moves on a
 * few seconds to minutes and sometimes goes back (late messages), so the chart fills, rolls over
 * MINUTE_HISTORY and takes late gifts.
 */
type Step = { dt: number; make: (time: number) => LiveMessage };

const giftStep: fc.Arbitrary<Step> = fc
  .record({
    dt: fc.integer({ min: -3 * MINUTE, max: 4 * MINUTE }),
    key: keyArb,
    gift: fc.constantFrom(rose, lion),
    count: fc.integer({ min: 1, max: 60 }),
    deltaCount: fc.nat(10),
    ended: fc.boolean(),
    origin: fc.constantFrom(...origins),
    sessionId: fc.constantFrom<string | null>('s1', 's1', 's2', null),
    pending: fc.boolean(),
  })
  .map(({ dt, pending, ...g }) => ({
    dt,
    make: (time): LiveMessage => {
      const gift: CountedGift = {
        key: g.key,
        id: `m${time}`,
        time,
        user: viewer,
        gift: g.gift,
        count: g.count,
        deltaCount: g.deltaCount,
        deltaCoins: g.deltaCount * g.gift.coins,
        started: g.deltaCount === g.count,
        ended: g.ended,
        origin: g.origin,
        sessionId: g.sessionId,
        ...(pending ? { pending: true as const } : {}),
      };
      return { type: 'gift', gift };
    },
  }));

const still = (msg: LiveMessage): Step => ({ dt: 0, make: () => msg });

const comboStep: fc.Arbitrary<Step> = fc
  .record({ key: keyArb, count: fc.nat(80), ended: fc.boolean() })
  .map((c) => still({ type: 'combo', ...c }));

/** A state as a snapshot may bring it: anything, even more alerts than the history or repeated keys. */
const stateArb: fc.Arbitrary<LiveState> = fc
  .record({
    session: sessionArb,
    alerts: fc.array(alertArb, { maxLength: ALERT_HISTORY + 10, size: 'max' }),
    perMinute: fc.array(
      fc.record({
        minute: fc.integer({ min: -5, max: 90 }).map((m) => T0 + m * MINUTE),
        coins: fc.nat(100),
        gifts: fc.nat(10),
      }),
      { maxLength: MINUTE_HISTORY + 5, size: 'max' },
    ),
  })
  .map((over) => ({ ...emptyLiveState(), ...over }));

const otherStep: fc.Arbitrary<Step> = fc.oneof(
  fc
    .record({ kind: fc.constantFrom('like' as const, 'follow' as const, 'share' as const) })
    .chain(({ kind }) =>
      fc.nat(500).map((count) => still({ type: 'social', kind, count, user: viewer, time: T0 })),
    ),
  fc.nat(10_000).map((count) => still({ type: 'viewers', count })),
  sessionArb.map((session) => still({ type: 'session', session })),
  fc
    .constantFrom('session' as const, 'day' as const, 'all' as const)
    .map((period) => still({ type: 'leaderboard', period, entries: [] })),
  fc.constant(still({ type: 'goal', goal: null })),
  fc.constant(still({ type: 'overlays', overlays: [] })),
  fc.constantFrom('a', 'b').map((id) =>
    still({
      type: 'source',
      source: {
        id,
        kind: 'push',
        label: id,
        state: 'connected',
        eventsPerMinute: 1,
        lastEventAt: null,
        lastError: null,
        gaps: [],
      },
    }),
  ),
  stateArb.map((state) => still({ type: 'snapshot', state })),
);

const stepsArb = fc.oneof(
  fc.array(
    fc.oneof(
      { weight: 6, arbitrary: giftStep },
      { weight: 2, arbitrary: comboStep },
      { weight: 1, arbitrary: otherStep },
    ),
    { maxLength: 300, size: 'max' },
  ),
  // A storm: one long run of gifts over many keys, overflowing the alert history.
  fc.array(giftStep, { minLength: ALERT_HISTORY, maxLength: 300, size: 'max' }),
);

const messagesOf = (steps: Step[]): LiveMessage[] => {
  let clock = T0;
  return steps.map((s) => {
    clock += s.dt;
    return s.make(clock);
  });
};

const startArb = sessionArb.map((session) =>
  reduceLive(emptyLiveState(), { type: 'session', session }),
);

describe('reduceLiveAll', () => {
  it('equals the fold of reduceLive over any message sequence, and mutates nothing', () => {
    fc.assert(
      fc.property(startArb, stepsArb, fc.nat(300), (start, steps, cut) => {
        const msgs = messagesOf(steps);
        const expected = fold(start, msgs);
        const inputs = JSON.stringify([start, msgs]);
        deepFreeze(start);
        deepFreeze(msgs);
        expectSameState(reduceLiveAll(start, msgs), expected);
        expect(JSON.stringify([start, msgs])).toBe(inputs);
        // In two parts, the first result frozen: a later batch never changes an earlier state.
        const first = deepFreeze(reduceLiveAll(start, msgs.slice(0, cut)));
        expectSameState(first, fold(start, msgs.slice(0, cut)));
        expectSameState(reduceLiveAll(first, msgs.slice(cut)), expected);
      }),
      { numRuns: 300 },
    );
  });

  it('a 2,000-gift batch of rising streaks: same state, alerts rolled over, chart and totals kept', () => {
    const start = reduceLive(emptyLiveState(), { type: 'session', session: makeSession() });
    const msgs: LiveMessage[] = [];
    for (let i = 0; i < 2_000; i++) {
      const key = `k${i % 70}`;
      const count = Math.floor(i / 70) + 1;
      const time = T0 + i * 2_000;
      msgs.push({
        type: 'gift',
        gift: {
          key,
          id: `m${i}`,
          time,
          user: viewer,
          gift: rose,
          count,
          deltaCount: 1,
          deltaCoins: 1,
          started: count === 1,
          ended: false,
          origin: 'live',
          sessionId: 's1',
        },
      });
      if (i % 7 === 0) msgs.push({ type: 'combo', key, count, ended: true });
      if (i % 5 === 0) msgs.push({ type: 'social', kind: 'like', count: 3, user: viewer, time });
    }
    deepFreeze(start);
    const s = reduceLiveAll(start, msgs);
    expectSameState(s, fold(start, msgs));
    expect(s.session).toMatchObject({ coins: 2_000, gifts: 2_000, likes: 1_200 });
    expect(s.alerts).toHaveLength(ALERT_HISTORY);
    // 2 s apart: 30 gifts a minute over 67 minutes, of which the chart keeps the last 60.
    expect(s.perMinute).toHaveLength(MINUTE_HISTORY);
    expect(s.perMinute[0]).toEqual({ minute: T0 + 7 * MINUTE, coins: 30, gifts: 30 });
  });

  it('returns the state unchanged for no messages', () => {
    const start = emptyLiveState();
    expect(reduceLiveAll(start, [])).toBe(start);
  });
});
