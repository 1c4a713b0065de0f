import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AlertScheduler, type CardChange } from '../../overlay/alertScheduler';
import { DEFAULT_DURATIONS } from '../../overlay/config';
import type { EventOrigin } from '../../shared/events';
import {
  emptyLiveState,
  reduceLive,
  type CountedGift,
  type LiveMessage,
  type LiveState,
} from '../../shared/liveState';
import { T0, lion, makeCounted, makeSession } from './liveFixtures';

const session = makeSession();

const counted = makeCounted;

const start = (): LiveState =>
  reduceLive(
    reduceLive(emptyLiveState(), { type: 'session', session }),
    // A board and a goal already shown: a pending gift must leave them alone too.
    { type: 'leaderboard', period: 'session', entries: [] },
  );

const run = (state: LiveState, msgs: LiveMessage[]): LiveState => msgs.reduce(reduceLive, state);
const committed = (gift: CountedGift): LiveMessage => ({ type: 'gift', gift });
const pending = (gift: CountedGift): LiveMessage => ({
  type: 'gift',
  gift: { ...gift, pending: true },
});

/** A streak of `n` Roses, one update per message, as the ledger counts it. */
const streak = (n: number): CountedGift[] =>
  Array.from({ length: n }, (_, i) =>
    counted({ id: `m${i}`, count: i + 1, time: T0 + i * 100, ended: i === n - 1 }),
  );

describe('pending (pre-commit) gifts', () => {
  it('pending then committed ends exactly as committed alone: alerts and totals', () => {
    const gifts = [...streak(10), counted({ key: 'k2', id: 'l1', gift: lion, deltaCoins: 29999 })];
    const alone = run(start(), gifts.map(committed));
    const twice = run(
      start(),
      gifts.flatMap((g) => [pending(g), committed(g)]),
    );
    expect(twice).toEqual(alone);
    expect(twice.session).toMatchObject({ coins: 10 + 29999, gifts: 11 });
    expect(twice.alerts.map((a) => [a.key, a.count])).toEqual([
      ['k2', 1],
      ['k1', 10],
    ]);
  });

  it('a pending gift shows its alert and never changes totals, chart, boards or goal', () => {
    const before = start();
    const after = reduceLive(before, pending(counted({ gift: lion, deltaCoins: 29999 })));
    expect(after.alerts).toHaveLength(1);
    expect(after.alerts[0]).toMatchObject({ key: 'k1', count: 1, coins: 29999 });
    expect({ ...after, alerts: [] }).toEqual({ ...before, alerts: [] });
    expect(after.session).toBe(before.session);
    expect(after.perMinute).toBe(before.perMinute);
    expect(after.leaderboards).toBe(before.leaderboards);
  });

  it('a committed gift that arrives before (or without) its pending twin counts once', () => {
    const g = counted({ count: 3, deltaCount: 3, deltaCoins: 3 });
    const s = run(start(), [committed(g), pending(g), pending(g)]);
    expect(s.session).toMatchObject({ coins: 3, gifts: 3 });
    expect(s.alerts).toHaveLength(1);
    expect(s.alerts[0]?.count).toBe(3);
  });

  it('batches with pending twins end as committed alone; failed batches never count (property)', () => {
    const update = fc.record({
      key: fc.constantFrom('a', 'b', 'c', 'd'),
      add: fc.integer({ min: 1, max: 5 }),
      origin: fc.constantFrom<EventOrigin>('live', 'live', 'test', 'simulated'),
      minute: fc.integer({ min: 0, max: 3 }),
    });
    const batch = fc.record({
      updates: fc.array(update, { minLength: 1, maxLength: 6 }),
      early: fc.boolean(),
      fails: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(batch, { maxLength: 12 }), fc.boolean(), (batches, anyFail) => {
        // The ledger: running counts per streak key, advanced only by committed batches.
        const counts = new Map<string, number>();
        let n = 0;
        const withPending: LiveMessage[] = [];
        const committedOnly: LiveMessage[] = [];
        for (const b of batches) {
          const fails = anyFail && b.fails;
          const local = new Map(counts);
          const gifts = b.updates.map((u) => {
            const count = (local.get(u.key) ?? 0) + u.add;
            local.set(u.key, count);
            n++;
            return counted({
              key: u.key,
              id: `m${n}`,
              time: T0 + u.minute * 60_000,
              count,
              deltaCount: u.add,
              deltaCoins: u.add,
              origin: u.origin,
            });
          });
          if (b.early) withPending.push(...gifts.map(pending));
          if (fails) continue;
          for (const [k, v] of local) counts.set(k, v);
          withPending.push(...gifts.map(committed));
          committedOnly.push(...gifts.map(committed));
        }
        const a = run(start(), withPending);
        const b = run(start(), committedOnly);
        // Money, chart and boards: only ever what committed.
        expect(a.session).toEqual(b.session);
        expect(a.perMinute).toEqual(b.perMinute);
        expect(a.leaderboards).toEqual(b.leaderboards);
        expect(a.goal).toEqual(b.goal);
        // Without failures the early alerts leave no trace at all.
        if (!anyFail) expect(a).toEqual(b);
      }),
    );
  });
});

describe('the overlay alert scheduler with pending twins', () => {
  /** Feeds gifts at their times (ms), waking the scheduler as it asks; returns every change. */
  function schedule(minCoins: number, inputs: { at: number; gift: CountedGift }[]): CardChange[] {
    const s = new AlertScheduler({
      maxOnScreen: 3,
      maxLagMs: 5_000,
      thresholds: { standard: 100, big: 1_000, celebration: 10_000 },
      durations: DEFAULT_DURATIONS,
      minCoins,
    });
    const out: CardChange[] = [];
    let i = 0;
    for (let guard = 0; guard < 10_000; guard++) {
      const next = inputs[i]?.at ?? Infinity;
      const wake = s.nextWakeAt() ?? Infinity;
      if (next === Infinity && wake === Infinity) break;
      const input = inputs[i];
      if (input && next <= wake) {
        s.gift(input.gift, next);
        i++;
      } else {
        s.tick(wake);
      }
      out.push(...s.drain());
    }
    return out;
  }

  it.each([0, 5])(
    'a 10-step streak sent pending then committed shows one card ending at 10 (minCoins %s)',
    (minCoins) => {
      const steps = streak(10);
      const twins = steps.flatMap((g, i) => [
        { at: i * 200, gift: { ...g, pending: true as const } },
        { at: i * 200 + 15, gift: g },
      ]);
      const changes = schedule(minCoins, twins);
      expect(changes.filter((c) => c.type === 'show')).toHaveLength(1);
      const counts = changes.filter((c) => c.type !== 'hide').map((c) => c.card.count);
      expect(counts.at(-1)).toBe(10);
      // Each count shows once: the committed twin never re-announces what its pending copy did.
      expect(new Set(counts).size).toBe(counts.length);
      expect(changes.filter((c) => c.type === 'hide')).toHaveLength(1);
    },
  );
});
