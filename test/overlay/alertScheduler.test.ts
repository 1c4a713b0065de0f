import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AlertScheduler,
  FINISHED_MEMORY,
  KEY_MEMORY_MS,
  type CardChange,
} from '../../overlay/alertScheduler';
import { DEFAULT_DURATIONS } from '../../overlay/config';
import type { CountedGift } from '../../shared/liveState';
import { GIFTS, counted, viewer } from './scene';

const options = {
  maxOnScreen: 3,
  maxLagMs: 5_000,
  thresholds: { standard: 100, big: 1_000, celebration: 10_000 },
  durations: DEFAULT_DURATIONS,
  minCoins: 0,
};

type Input = { at: number; gift: CountedGift } | { at: number; combo: [string, number] };

/** Feeds inputs in time order, waking the scheduler whenever it asks to; returns all changes. */
function run(s: AlertScheduler, inputs: Input[], until = 120_000): CardChange[] {
  const out: CardChange[] = [];
  let maxOnScreen = 0;
  let i = 0;
  let stalls = 0;
  let last = -1;
  for (;;) {
    const nextInput = inputs[i]?.at ?? Infinity;
    const wake = s.nextWakeAt() ?? Infinity;
    const now = Math.min(nextInput, wake);
    if (now === Infinity || now > until) break;
    if (nextInput <= wake) {
      const input = inputs[i++];
      if (!input) break;
      if ('gift' in input) s.gift(input.gift, now);
      else s.combo(input.combo[0], input.combo[1], now);
    } else {
      // A scheduler that asks to be woken at a time when it then does nothing would spin.
      stalls = now === last ? stalls + 1 : 0;
      last = now;
      if (stalls > 100) throw new Error(`scheduler keeps waking at ${now} with nothing to do`);
      s.tick(now);
    }
    out.push(...s.drain());
    maxOnScreen = Math.max(maxOnScreen, s.onScreen);
  }
  expect(maxOnScreen).toBeLessThanOrEqual(options.maxOnScreen);
  return out;
}

describe('alert scheduler', () => {
  it('gives a 10-step streak one card whose counter ends at 10', () => {
    const s = new AlertScheduler(options);
    const fan = viewer('u1', 'Ana');
    const inputs: Input[] = [];
    for (let n = 1; n <= 10; n++) {
      inputs.push({
        at: n * 200,
        gift: counted('streak-1', fan, GIFTS.rose, n, { ended: n === 10 }),
      });
    }
    const changes = run(s, inputs);
    const shows = changes.filter((c) => c.type === 'show');
    expect(shows).toHaveLength(1);
    const last = changes.filter((c) => c.type !== 'hide').at(-1);
    expect(last?.card.count).toBe(10);
    expect(last?.card.coins).toBe(10);
    expect(changes.at(-1)?.type).toBe('hide');
    // Idle afterwards: nothing to wake up for.
    expect(s.nextWakeAt()).toBeNull();
  });

  it('ignores repeats of a streak whose card already ended', () => {
    const s = new AlertScheduler(options);
    const fan = viewer('u1', 'Ana');
    const changes = run(s, [
      { at: 0, gift: counted('k', fan, GIFTS.heart, 1, { ended: false }) },
      { at: 60_000, gift: counted('k', fan, GIFTS.heart, 2, { ended: true }) },
    ]);
    expect(changes.filter((c) => c.type === 'show')).toHaveLength(1);
  });

  it('combo messages update the counter of the card on screen', () => {
    const s = new AlertScheduler(options);
    const changes = run(s, [
      { at: 0, gift: counted('k', viewer('u1', 'Ana'), GIFTS.heart, 1, { ended: false }) },
      { at: 300, combo: ['k', 5] },
      { at: 600, combo: ['k', 4] },
    ]);
    const updates = changes.filter((c) => c.type === 'update');
    expect(updates.map((c) => c.card.count)).toEqual([5]);
    expect(updates[0]?.card.tier).toBe('toast');
  });

  it('holds a streak under the minimum until its combo reaches it', () => {
    const s = new AlertScheduler({ ...options, minCoins: 50 });
    const fan = viewer('u1', 'Ana');
    const changes = run(s, [
      { at: 0, gift: counted('k', fan, GIFTS.heart, 1, { ended: false }) },
      { at: 100, gift: counted('k', fan, GIFTS.heart, 4, { ended: false }) },
      { at: 200, gift: counted('k', fan, GIFTS.heart, 5, { ended: false }) },
      { at: 300, combo: ['k', 6] },
      { at: 400, gift: counted('small', fan, GIFTS.rose, 1) },
    ]);
    const shows = changes.filter((c) => c.type === 'show');
    expect(shows).toHaveLength(1);
    expect(shows[0]?.card.count).toBe(5);
    expect(changes.filter((c) => c.type === 'update').at(-1)?.card.count).toBe(6);
  });

  it('lets a calm queue wait for cards to end instead of cutting them', () => {
    // A bound long enough to wait for one card to end: nothing is cut.
    const s = new AlertScheduler({ ...options, maxLagMs: 10_000 });
    const inputs: Input[] = [0, 1, 2, 3].map((i) => ({
      at: i,
      gift: counted(`k${i}`, viewer(`u${i}`, `V${i}`), GIFTS.moneyGun, 1),
    }));
    const changes = run(s, inputs);
    const firstHide = changes.findIndex((c) => c.type === 'hide');
    const fourthShow = changes.filter((c) => c.type === 'show')[3];
    expect(firstHide).toBeGreaterThan(0);
    expect(fourthShow?.card.key).toBe('k3');
    expect(s.stats.maxLagMs).toBe(DEFAULT_DURATIONS.standard - 3);
  });

  it('keeps a storm of 2,000 small gifts within the lag bound and shows every big gift', () => {
    const s = new AlertScheduler(options);
    const inputs: Input[] = [];
    const bigKeys: string[] = [];
    const counts = new Map<string, number>();
    for (let i = 0; i < 2_000; i++) {
      const at = i; // one per millisecond: 2,000 in 2 s
      if (i % 200 === 100) {
        const key = `big-${i}`;
        bigKeys.push(key);
        const gift = i % 400 === 100 ? GIFTS.lion : GIFTS.privateJet;
        inputs.push({ at, gift: counted(key, viewer(`b${i}`, `Big ${i}`), gift, 1) });
        continue;
      }
      // 300 viewers with rose and heart streaks that count up.
      const u = i % 300;
      const gift = u % 3 === 0 ? GIFTS.heart : GIFTS.rose;
      const key = `s-${u}`;
      const n = (counts.get(key) ?? 0) + 1;
      counts.set(key, n);
      inputs.push({
        at,
        gift: counted(key, viewer(`v${u}`, `Viewer ${u}`), gift, n, { ended: false }),
      });
    }
    const changes = run(s, inputs);
    expect(s.stats.maxLagMs).toBeLessThanOrEqual(options.maxLagMs);
    const shownKeys = new Set(
      changes.filter((c) => c.type === 'show' && c.card.kind === 'single').map((c) => c.card.key),
    );
    for (const key of bigKeys) expect(shownKeys).toContain(key);
    // Big gifts are never merged.
    const merged = changes.filter((c) => c.card.kind === 'merged');
    expect(merged.length).toBeGreaterThan(0);
    for (const c of merged)
      expect(c.card.tier === 'big' || c.card.tier === 'celebration').toBe(false);
    // Every streak key became visible, in its own card or a merged one.
    expect(s.stats.visibleGifts).toBe(300 + bigKeys.length);
    expect(s.queued).toBe(0);
    expect(s.nextWakeAt()).toBeNull();
  });

  it('keeps up with a sustained storm of big gifts by shortening cards, never merging them', () => {
    const s = new AlertScheduler(options);
    const inputs: Input[] = [];
    // Four big gifts a second for 15 s, on top of a steady stream of small ones.
    for (let t = 0; t < 15_000; t += 250) {
      inputs.push({
        at: t,
        gift: counted(`big-${t}`, viewer(`b${t}`, 'Whale'), GIFTS.privateJet, 1),
      });
      inputs.push({
        at: t + 1,
        gift: counted(`small-${t}`, viewer(`s${t}`, 'Fan'), GIFTS.rose, 1),
      });
    }
    const changes = run(s, inputs);
    expect(s.stats.maxLagMs).toBeLessThanOrEqual(options.maxLagMs);
    const bigShown = changes.filter((c) => c.type === 'show' && c.card.key?.startsWith('big-'));
    expect(bigShown).toHaveLength(60);
    for (const c of changes) if (c.card.kind === 'merged') expect(c.card.gift?.id).not.toBe(5767);
  });

  it('merged cards say how many gifts from how many viewers', () => {
    const s = new AlertScheduler({ ...options, maxOnScreen: 1, maxLagMs: 2_000 });
    const inputs: Input[] = [];
    for (let i = 0; i < 40; i++) {
      inputs.push({ at: i, gift: counted(`r${i}`, viewer(`v${i % 9}`, `V${i}`), GIFTS.rose, 1) });
    }
    const changes = run(s, inputs);
    const merged = changes.filter((c) => c.card.kind === 'merged' && c.type === 'show');
    expect(merged.length).toBeGreaterThan(0);
    const card = merged[0]?.card;
    expect(card?.gift?.name).toBe('Rose');
    expect(card?.viewers).toBeLessThanOrEqual(9);
    expect(s.stats.visibleGifts).toBe(40);
  });

  it('holds its invariants for any mix of streaks, combos and big gifts', () => {
    const step = fc.record({
      // Bursts (a few ms apart) and calm stretches.
      dt: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 400 })),
      kind: fc.constantFrom('small', 'small', 'small', 'combo', 'big'),
      who: fc.integer({ min: 0, max: 40 }),
      gift: fc.constantFrom(GIFTS.rose, GIFTS.heart, GIFTS.moneyGun),
      bigGift: fc.constantFrom(GIFTS.privateJet, GIFTS.lion),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 400 }), (steps) => {
        const s = new AlertScheduler(options);
        const inputs: Input[] = [];
        const counts = new Map<string, number>();
        const bigKeys: string[] = [];
        let t = 0;
        let lastBig = -Infinity;
        steps.forEach((st, i) => {
          t += st.dt;
          if (st.kind === 'big') {
            // Big gifts at most five a second: beyond what three slots can show, nothing can.
            const at = Math.max(t, lastBig + 200);
            lastBig = at;
            bigKeys.push(`big-${i}`);
            inputs.push({ at, gift: counted(`big-${i}`, viewer(`b${i}`, 'Whale'), st.bigGift, 1) });
            return;
          }
          const key = `k-${st.who}`;
          const n = (counts.get(key) ?? 0) + 1;
          counts.set(key, n);
          inputs.push(
            st.kind === 'combo' && n > 1
              ? { at: t, combo: [key, n] }
              : {
                  at: t,
                  gift: counted(key, viewer(`v${st.who}`, 'Fan'), st.gift, n, { ended: false }),
                },
          );
        });
        inputs.sort((a, b) => a.at - b.at);
        const changes = run(s, inputs, 10_000_000);
        expect(s.stats.maxLagMs).toBeLessThanOrEqual(options.maxLagMs);
        const singles = changes.filter((c) => c.type === 'show' && c.card.kind === 'single');
        const keys = singles.map((c) => c.card.key);
        expect(new Set(keys).size).toBe(keys.length);
        for (const key of bigKeys) expect(keys).toContain(key);
        expect(s.queued).toBe(0);
        expect(s.onScreen).toBe(0);
        expect(s.nextWakeAt()).toBeNull();
        // Totals kept up as members join and count up agree with the card's own gift and price.
        for (const { card } of changes) {
          expect(card.viewers).toBeGreaterThanOrEqual(1);
          expect(card.viewers).toBeLessThanOrEqual(card.count);
          if (card.gift) expect(card.coins).toBe(card.count * card.gift.coins);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('remembers a finished streak only for its window: late repeats inside it never re-alert', () => {
    const s = new AlertScheduler(options);
    const fan = viewer('u1', 'Ana');
    const first = run(s, [{ at: 0, gift: counted('k', fan, GIFTS.heart, 1, { ended: false }) }]);
    const hiddenAt = DEFAULT_DURATIONS.toast;
    expect(first.map((c) => c.type)).toEqual(['show', 'hide']);
    expect(s.remembered.finished).toBe(1);
    // Late updates keep the key guarded for a full window after each of them.
    let at = hiddenAt + KEY_MEMORY_MS - 1;
    s.gift(counted('k', fan, GIFTS.heart, 2, { ended: false }), at);
    at += KEY_MEMORY_MS - 1;
    s.combo('k', 3, at);
    s.gift(counted('k', fan, GIFTS.heart, 3, { ended: true }), at + 10);
    expect(s.drain()).toEqual([]);
    // Quiet for the whole window: the idle call drops it, nothing on screen changes.
    s.forget(at + 10 + KEY_MEMORY_MS);
    expect(s.remembered.finished).toBe(0);
    expect(s.drain()).toEqual([]);
    expect(s.nextWakeAt()).toBeNull();
  });

  it('forgets streaks held under the minimum once they go quiet', () => {
    const s = new AlertScheduler({ ...options, minCoins: 50 });
    const fan = viewer('u1', 'Ana');
    s.gift(counted('low', fan, GIFTS.heart, 1, { ended: false }), 0);
    expect(s.remembered.belowMin).toBe(1);
    s.forget(KEY_MEMORY_MS - 1);
    expect(s.remembered.belowMin).toBe(1);
    s.forget(KEY_MEMORY_MS);
    expect(s.remembered.belowMin).toBe(0);
    // Its combo now counts from what this message says, as for a streak never seen.
    s.combo('low', 60, KEY_MEMORY_MS + 1);
    expect(s.drain()).toEqual([]);
  });

  it('keeps no more than the cap of finished keys however fast they finish', () => {
    const s = new AlertScheduler(options);
    const fan = viewer('u1', 'Ana');
    const inputs: Input[] = [];
    for (let n = 0; n < FINISHED_MEMORY + 500; n++) {
      inputs.push({ at: n * 2, gift: counted(`k${n}`, fan, GIFTS.rose, 1) });
    }
    run(s, inputs);
    expect(s.remembered.finished).toBe(FINISHED_MEMORY);
    // The most recent keys are the ones kept: a repeat of the last streak is still ignored.
    const last = `k${FINISHED_MEMORY + 499}`;
    s.gift(counted(last, fan, GIFTS.rose, 2), 20_000);
    expect(s.drain()).toEqual([]);
  });

  it('after a storm, the idle call empties every key memory', () => {
    const s = new AlertScheduler(options);
    const inputs: Input[] = [];
    for (let n = 0; n < 2_000; n++) {
      const gift = n % 50 === 0 ? GIFTS.lion : GIFTS.rose;
      inputs.push({
        at: n * 10,
        gift: counted(`storm-${n}`, viewer(`u${n % 300}`, 'Fan'), gift, 1),
      });
    }
    const changes = run(s, inputs);
    expect(changes.filter((c) => c.type === 'show').length).toBeGreaterThan(0);
    expect(s.remembered.finished).toBeGreaterThan(0);
    // The last gift came at 19.99 s, so its card ended after 20 s: still guarded a window later.
    s.forget(20_000 + KEY_MEMORY_MS - 1);
    expect(s.remembered.finished).toBeGreaterThan(0);
    // Every card was gone well within 60 s (lag bound plus the longest card).
    s.forget(60_000 + KEY_MEMORY_MS);
    expect(s.remembered).toEqual({ finished: 0, belowMin: 0 });
  });
});
