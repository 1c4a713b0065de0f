import { emptyLiveState, type CountedGift, type LiveState } from '../../shared/liveState';
import type { GifterTotal } from '../../shared/leaderboard';
import type { GiftInfo, Viewer } from '../../shared/events';

/**
 * A believable mid-stream state and gift messages, shared by the screenshot script and the
 * harness tests. Gift images are left out: the overlay must look right with its own icon.
 */

const t0 = Date.UTC(2026, 10, 25, 20, 0, 0);

export const viewer = (id: string, name: string, handle = name.toLowerCase()): Viewer => ({
  id,
  handle,
  name,
});

export const GIFTS = {
  rose: { id: 5655, name: 'Rose', coins: 1, streakable: true },
  heart: { id: 5480, name: 'Heart', coins: 10, streakable: true },
  moneyGun: { id: 7168, name: 'Money Gun', coins: 500, streakable: false },
  privateJet: { id: 5767, name: 'Private Jet', coins: 4888, streakable: false },
  lion: { id: 6369, name: 'Lion', coins: 29999, streakable: false },
} satisfies Record<string, GiftInfo>;

const gifter = (id: string, name: string, coins: number, i: number): GifterTotal => ({
  userId: id,
  handle: name.toLowerCase().replace(/\s+/g, ''),
  name,
  coins,
  reachedAt: t0 + i,
});

export const BOARD: GifterTotal[] = [
  gifter('u1', 'NightOwlGamer', 42_350, 1),
  gifter('u2', 'Mia ✿', 18_420, 2),
  gifter('u3', 'ProBuilder99', 9_875, 3),
  gifter('u4', 'Sofía', 4_210, 4),
  gifter('u5', 'kenji_plays', 1_250, 5),
];

/** The snapshot the screenshots start from. */
export function sceneState(): LiveState {
  return {
    ...emptyLiveState(),
    session: {
      id: 's1',
      startedAt: t0,
      endedAt: null,
      simulated: false,
      coins: 76_105,
      gifts: 812,
      gifters: 57,
      likes: 20_000,
      follows: 120,
      shares: 40,
      viewers: 1_480,
      diamondsPerCoin: '1',
      minorPerDiamond: '1/2',
      cashBefore: '0',
      gapMs: 0,
    },
    leaderboards: { session: BOARD, day: BOARD, all: BOARD },
    goal: {
      goal: {
        id: 'g1',
        label: 'New capture card',
        kind: 'diamonds',
        target: 120_000,
        rollover: false,
        createdAt: t0,
      },
      current: 76_105,
      target: 120_000,
      fraction: 76_105 / 120_000,
      reached: false,
      completions: 0,
    },
  };
}

let seq = 0;

/** A counted gift message as the server sends it. */
export function counted(
  key: string,
  user: Viewer,
  gift: GiftInfo,
  count: number,
  opts: { ended?: boolean; origin?: CountedGift['origin'] } = {},
): CountedGift {
  seq++;
  return {
    key,
    id: `m${seq}`,
    time: t0 + seq,
    user,
    gift,
    count,
    deltaCount: 1,
    deltaCoins: gift.coins,
    started: count === 1,
    ended: opts.ended ?? !gift.streakable,
    origin: opts.origin ?? 'live',
    sessionId: 's1',
  };
}
