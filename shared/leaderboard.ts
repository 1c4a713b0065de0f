/** One gifter's total over some period. */
export interface GifterTotal {
  userId: string;
  handle: string;
  name: string;
  avatar?: string;
  coins: number;
  /** When the gifter reached this total (ms): on equal coins, whoever got there first ranks higher. */
  reachedAt: number;
}

/** Leaderboard periods the app shows. */
export type LeaderboardPeriod = 'session' | 'day' | 'week' | 'month' | 'all';

/** Orders gifters: most coins first; ties go to whoever reached the total first, then by id. */
export function compareGifters(a: GifterTotal, b: GifterTotal): number {
  if (a.coins !== b.coins) return b.coins - a.coins;
  if (a.reachedAt !== b.reachedAt) return a.reachedAt - b.reachedAt;
  return a.userId < b.userId ? -1 : a.userId > b.userId ? 1 : 0;
}

/** The top `n` gifters, ranked. */
export function topGifters(totals: Iterable<GifterTotal>, n: number): GifterTotal[] {
  return [...totals].sort(compareGifters).slice(0, Math.max(0, n));
}

/**
 * Adds coins to a gifter's running total. The total is reached when its last part arrives, so
 * `reachedAt` is the latest time of any part: a late, out-of-order message must not move it back
 * and win a tie the gifter did not win.
 */
export function addToGifter(
  prev: GifterTotal | undefined,
  gifter: { userId: string; handle: string; name: string; avatar?: string },
  coins: number,
  time: number,
): GifterTotal {
  return {
    ...gifter,
    coins: (prev?.coins ?? 0) + coins,
    reachedAt: !prev ? time : coins === 0 ? prev.reachedAt : Math.max(prev.reachedAt, time),
  };
}

/** The number-one gifter changed between two boards (a shout-out moment); null if not. */
export function newTopGifter(
  before: readonly GifterTotal[],
  after: readonly GifterTotal[],
): GifterTotal | null {
  const next = after[0];
  if (!next || next.coins <= 0) return null;
  return before[0]?.userId === next.userId ? null : next;
}

/** A gift record for "biggest single gift" versus "biggest total" comparisons. */
export interface GiftRecord {
  userId: string;
  coins: number;
  time: number;
}

/** The single largest gift (a whole streak counts as one), earliest first on ties. */
export function biggestGift<T extends GiftRecord>(gifts: Iterable<T>): T | null {
  let best: T | null = null;
  for (const g of gifts) {
    if (!best || g.coins > best.coins || (g.coins === best.coins && g.time < best.time)) best = g;
  }
  return best;
}
