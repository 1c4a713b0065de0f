import { newTopGifter, type GifterTotal } from '../shared/leaderboard';
import {
  emptyLiveState,
  reduceLive,
  type CountedGift,
  type LiveMessage,
  type LiveState,
} from '../shared/liveState';
import { KEY_MEMORY_MS } from './alertScheduler';
import { AlertView } from './alertView';
import type { AmountFormat } from './amounts';
import { ShoutoutView } from './boardViews';
import { ManualClock } from './clock';
import type { OverlayConfig } from './config';
import { parseFrame } from './protocol';

/**
 * The alerts page plays a short, invisible storm once at load: frames through the same
 * validation, scheduler and card drawing as live ones, on a manual clock (a minute of alerts in
 * tens of milliseconds), into elements that are never attached, with sounds off.
 *
 * Why: V8 compiles a function the first time it runs. Without this, the first real gift of a
 * stream pays for compiling the whole alert path (validator, scheduler, cards) in the middle of
 * a frame, and that compiled code then stays in the page for minutes after a storm, which reads
 * as the page not returning to its size. With it, that cost is paid while OBS loads the page.
 */

/** What the rehearsal did, for the page's debug object and benchmark 4. */
export interface RehearsalReport {
  frames: number;
  cardsShown: number;
  /** Gifts folded into merged cards: the storm reached the scheduler's merging path. */
  mergedGifts: number;
  /** Timers still waiting on the manual clock at the end (0: nothing left behind). */
  leftWaiting: number;
  /** Wall time it took, in the page (ms). */
  ms: number;
}

/** Storm size: enough to queue, merge and cut cards (every path a real storm takes). */
const STORM_GIFTS = 150;
const STORM_EVERY_MS = 10;
const STORM_VIEWERS = 30;
/** Safety stop for the clock loop; the storm drains in a few hundred steps. */
const MAX_STEPS = 20_000;

const viewer = (i: number): CountedGift['user'] => ({
  id: `rehearsal-${i}`,
  handle: `rehearsal${i}`,
  name: `Rehearsal ${i}`,
});

/** Runs the rehearsal. Leaves nothing behind but V8's compiled code. */
export function rehearseAlerts(config: OverlayConfig, format: () => AmountFormat): RehearsalReport {
  const began = performance.now();
  const clock = new ManualClock(0);
  const quiet: OverlayConfig = { ...config, sound: { ...config.sound, tiers: [] } };
  const view = new AlertView(quiet, document.createElement('div'), format, clock);
  const shoutout = new ShoutoutView(document.createElement('div'), undefined, clock);
  let state: LiveState = emptyLiveState();
  let frames = 0;

  const play = (message: LiveMessage): void => {
    frames++;
    const frame = parseFrame(JSON.stringify(message));
    if (frame.kind !== 'message') return;
    const m = frame.message;
    if (m.type === 'gift') view.gift(m.gift);
    else if (m.type === 'combo') view.combo(m.key, m.count);
    else if (m.type === 'leaderboard') {
      const before = state.leaderboards.session;
      state = reduceLive(state, m);
      const top = newTopGifter(before, m.entries);
      if (top) shoutout.show(top, format());
    }
  };

  let seq = 0;
  /** A gift as an overlay page gets it: the early (pending) alert (the money is the dashboard's). */
  const gift = (user: number, coins: number, count = 1, streakable = false, key?: string): void => {
    const g: CountedGift = {
      key: key ?? `rehearsal-key-${seq}`,
      id: `rehearsal-${seq++}`,
      time: clock.now(),
      user: viewer(user),
      gift: { id: 9_000 + coins, name: `Rehearsal ${coins}`, coins, streakable },
      count,
      deltaCount: 1,
      deltaCoins: coins,
      started: count === 1,
      ended: !streakable,
      origin: 'live',
      sessionId: 'rehearsal',
    };
    play({ type: 'gift', gift: { ...g, pending: true } });
  };
  const totals = new Map<number, number>();
  const board = (): void => {
    const entries: GifterTotal[] = [...totals]
      .map(([i, coins]) => ({
        userId: `rehearsal-${i}`,
        handle: '',
        name: '',
        coins,
        reachedAt: 0,
      }))
      .sort((a, b) => b.coins - a.coins)
      .slice(0, 10);
    play({ type: 'leaderboard', period: 'session', entries });
  };

  // Calm: one gift of each tier, then a streak counting up to its end.
  const { standard, big, celebration } = config.thresholds;
  [1, standard, big, celebration].forEach((coins, i) => {
    gift(i, coins);
    clock.advanceTo(clock.now() + 1_000);
  });
  const streak = 'rehearsal-streak';
  for (let count = 1; count <= 5; count++) {
    gift(5, 1, count, true, streak);
    play({ type: 'combo', key: streak, count, ended: count === 5 });
    clock.advanceTo(clock.now() + 200);
  }
  // A storm: cards queue, small gifts merge, cards are cut short; the top gifter changes.
  for (let i = 0; i < STORM_GIFTS; i++) {
    const user = i % STORM_VIEWERS;
    const coins = i % 25 === 0 ? big : 10;
    gift(user, coins);
    totals.set(user, (totals.get(user) ?? 0) + coins);
    if (i % 10 === 9) board();
    clock.advanceTo(clock.now() + STORM_EVERY_MS);
  }
  // Let every card leave and every remembered key age out.
  for (let step = 0; step < MAX_STEPS; step++) {
    const next = clock.nextDueAt();
    if (next === null) break;
    clock.advanceTo(next);
  }
  clock.advanceTo(clock.now() + KEY_MEMORY_MS + 1);
  view.forgetOld();
  return {
    frames,
    cardsShown: view.scheduler.stats.cardsShown,
    mergedGifts: view.scheduler.stats.mergedGifts,
    leftWaiting: clock.waiting,
    ms: performance.now() - began,
  };
}
