import type { GifterTotal } from '../shared/leaderboard';
import {
  openedLiveSession,
  type CountedGift,
  type LiveMessage,
  type LiveSession,
} from '../shared/liveState';
import { KEY_MEMORY_MS } from './alertScheduler';
import { AlertView } from './alertView';
import { ShoutoutView } from './boardViews';
import { ManualClock } from './clock';
import type { OverlayConfig } from './config';
import { LiveFeed } from './liveFeed';

/**
 * The alerts page plays a short, invisible storm once at load: frames as text through a
 * `LiveFeed` like the page's own (the same frame checks, reducer, scheduler and card drawing as
 * live ones), on a manual clock (minutes of alerts in a tenth of a second), into elements that are
 * never attached, with sounds off.
 *
 * Why: V8 compiles a function the first time it runs, and optimizes it once it has run often.
 * Without this, the first real gift of a stream pays for compiling the whole alert path
 * (validator, scheduler, cards) in the middle of a frame, the first storm runs it unoptimized
 * until V8 catches up, and the code compiled then stays in the page for minutes after the storm,
 * which reads as the page not returning to its size. With it, both costs are paid while OBS
 * loads the page (~60 ms; test/overlay/rehearsalCost.ts).
 */

/** What the rehearsal did, for the page's debug object and benchmark 4. */
export interface RehearsalReport {
  frames: number;
  /** Frames the frame checks refused (0: every frame reached the widgets). */
  invalidFrames: number;
  cardsShown: number;
  /** Gifts folded into merged cards: the storm reached the scheduler's merging path. */
  mergedGifts: number;
  /** Timers still waiting on the manual clock at the end (0: nothing left behind). */
  leftWaiting: number;
  /** Wall time it took, in the page (ms). */
  ms: number;
}

/**
 * Storm size: enough to queue, merge and cut cards (every path a real storm takes), and enough
 * calls for V8's optimizing compiler to take up the alert path at load (with 150 it did so
 * during the first live storm).
 */
const STORM_GIFTS = 1000;
const STORM_EVERY_MS = 10;
const STORM_VIEWERS = 30;
/** A page clock reading (ms since the page loaded) and an epoch time to start from. */
const PAGE_CLOCK_START_MS = 1_234.5;
const EPOCH_MS = 1_767_225_600_000;
/** Safety stop for the clock loop; the storm drains in a few hundred steps. */
const MAX_STEPS = 20_000;

/** The rehearsal's session, with the totals so far, as the server describes a session. */
const session = (coins: number, gifts: number, gifters: number): LiveSession => ({
  ...openedLiveSession('rehearsal', EPOCH_MS, true),
  coins,
  gifts,
  gifters,
});

const viewer = (i: number): CountedGift['user'] => ({
  id: `rehearsal-${i}`,
  handle: `rehearsal${i}`,
  name: `Rehearsal ${i}`,
});

/** Runs the rehearsal. Leaves nothing behind but V8's compiled code. */
export function rehearseAlerts(config: OverlayConfig): RehearsalReport {
  const began = performance.now();
  // Times of the kinds the live page sees, so V8's type feedback from the rehearsal holds for
  // live gifts: the page's clock reads fractional milliseconds (performance.now()), and gift and
  // board times are epoch milliseconds, past the small-integer range. Whole-number times here
  // would have the storm's first gifts throw away the code compiled for them.
  const clock = new ManualClock(PAGE_CLOCK_START_MS);
  const epoch = (): number => EPOCH_MS + Math.round(clock.now());
  const quiet: OverlayConfig = { ...config, sound: { ...config.sound, tiers: [] } };
  const feed = new LiveFeed(quiet, (format) => ({
    goal: null,
    board: null,
    alerts: new AlertView(quiet, document.createElement('div'), format, clock),
    shoutout: new ShoutoutView(document.createElement('div'), undefined, clock),
  }));
  const { alerts } = feed.widgets;
  if (!alerts) throw new Error('rehearsal: no alert view');
  let frames = 0;

  const play = (message: LiveMessage): void => {
    frames++;
    feed.frame(JSON.stringify(message));
  };

  let seq = 0;
  /** A gift as an overlay page gets it: the early (pending) alert (the money is the dashboard's). */
  const gift = (user: number, coins: number, count = 1, streakable = false, key?: string): void => {
    const g: CountedGift = {
      key: key ?? `rehearsal-key-${seq}`,
      id: `rehearsal-${seq++}`,
      time: epoch(),
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
  let giftCount = 0;
  let coinTotal = 0;
  /** What the server sends after each batch: the boards that changed and the session's totals. */
  const afterBatch = (): void => {
    const entries: GifterTotal[] = [...totals]
      .map(([i, coins]) => ({
        userId: `rehearsal-${i}`,
        handle: `rehearsal${i}`,
        name: `Rehearsal ${i}`,
        coins,
        reachedAt: epoch(),
      }))
      .sort((a, b) => b.coins - a.coins)
      .slice(0, 10);
    for (const period of ['session', 'day', 'all'] as const) {
      play({ type: 'leaderboard', period, entries });
    }
    play({ type: 'session', session: session(coinTotal, giftCount, totals.size) });
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
    giftCount++;
    coinTotal += coins;
    if (i % 10 === 9) afterBatch();
    clock.advanceTo(clock.now() + STORM_EVERY_MS);
  }
  // Let every card leave and every remembered key age out.
  for (let step = 0; step < MAX_STEPS; step++) {
    const next = clock.nextDueAt();
    if (next === null) break;
    clock.advanceTo(next);
  }
  clock.advanceTo(clock.now() + KEY_MEMORY_MS + 1);
  alerts.forgetOld();
  return {
    frames,
    invalidFrames: feed.invalidFrames,
    cardsShown: alerts.scheduler.stats.cardsShown,
    mergedGifts: alerts.scheduler.stats.mergedGifts,
    leftWaiting: clock.waiting,
    ms: performance.now() - began,
  };
}
