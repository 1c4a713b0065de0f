import type { GiftEvent } from './events';

/**
 * Streak accounting. A streakable gift arrives as a run of messages with a rising running count
 * and ends with `repeatEnd`; the streak is worth price × the highest count seen, counted once,
 * however many updates, duplicates or out-of-order updates arrive. A non-streakable gift is its
 * own finished streak of `count` gifts.
 */
export interface StreakState {
  /** Unique key of this streak (see `streakKey`). */
  key: string;
  userId: string;
  giftId: number;
  /** The source's streak/group id; '' when the source gave none. */
  groupId: string;
  /** Coin price of one gift, fixed by the streak's first message. */
  coinsEach: number;
  /** Highest running count seen so far: the number of gifts the streak is worth. */
  count: number;
  ended: boolean;
  streakable: boolean;
  firstAt: number;
  lastAt: number;
}

/** What one message did to its streak. */
export interface StreakStep {
  next: StreakState;
  /** Gifts this message adds to the total: never more than the rise of the highest count. */
  deltaCount: number;
  /** Coins this message adds (deltaCount × coinsEach). */
  deltaCoins: number;
  /** True when the message started a new streak. */
  started: boolean;
  /** True when the message ended the streak (it was open before). */
  closed: boolean;
}

const SEP = '\u001f';

/** The lookup key of the streak a gift message belongs to, before generation is decided. */
export function streakLookupKey(event: GiftEvent): string {
  if (!event.gift.streakable || !event.streak) return `m${SEP}${event.id}`;
  return `s${SEP}${event.user.id}${SEP}${event.gift.id}${SEP}${event.streak.id}`;
}

/**
 * Whether a message continues `prev` (the latest streak with the same lookup key) or starts a new
 * one. A streak with a group id is one streak forever; without one, a message after the end starts
 * the next streak — unless it is a late update of the ended one (sent no later than its last
 * message and with no higher count), which would otherwise be counted a second time.
 */
export function continuesStreak(prev: StreakState, event: GiftEvent): boolean {
  if (prev.groupId !== '' || !prev.ended) return true;
  return event.time <= prev.lastAt && event.count <= prev.count;
}

/** Applies one (already de-duplicated) gift message to its streak. */
export function applyToStreak(
  prev: StreakState | undefined,
  event: GiftEvent,
  key = streakLookupKey(event),
): StreakStep {
  const end = !event.gift.streakable || !event.streak || event.streak.end;
  if (!prev || !continuesStreak(prev, event)) {
    const next: StreakState = {
      key,
      userId: event.user.id,
      giftId: event.gift.id,
      groupId: event.streak?.id ?? '',
      coinsEach: event.gift.coins,
      count: event.count,
      ended: end,
      streakable: event.gift.streakable && event.streak !== undefined,
      firstAt: event.time,
      lastAt: event.time,
    };
    return {
      next,
      deltaCount: event.count,
      deltaCoins: event.count * next.coinsEach,
      started: true,
      closed: end,
    };
  }
  const count = Math.max(prev.count, event.count);
  const deltaCount = count - prev.count;
  const next: StreakState = {
    ...prev,
    count,
    ended: prev.ended || end,
    firstAt: Math.min(prev.firstAt, event.time),
    lastAt: Math.max(prev.lastAt, event.time),
  };
  return {
    next,
    deltaCount,
    deltaCoins: deltaCount * prev.coinsEach,
    started: false,
    closed: !prev.ended && next.ended,
  };
}

/** Default time after which a streak whose end never arrived is closed with its highest count. */
export const DEFAULT_STREAK_TIMEOUT_MS = 15_000;

/** Whether an open streak has waited too long for its end. */
export const isStreakStale = (
  s: StreakState,
  now: number,
  timeoutMs = DEFAULT_STREAK_TIMEOUT_MS,
): boolean => !s.ended && now - s.lastAt >= timeoutMs;

/** Closes a stale streak; its value (highest count) is unchanged, it was counted as it grew. */
export const closeStreak = (s: StreakState): StreakState => ({ ...s, ended: true });

/**
 * An in-memory streak book: message-id de-duplication plus streak state. The ledger keeps the
 * same state in SQLite; this one serves tests, the simulator and replay previews.
 */
export class StreakBook {
  private readonly seen = new Set<string>();
  private readonly latest = new Map<string, StreakState>();
  private generation = 0;
  totalCoins = 0;
  totalGifts = 0;

  /** Applies a message; null when its message id was seen before (a duplicate changes nothing). */
  apply(event: GiftEvent): StreakStep | null {
    if (this.seen.has(event.id)) return null;
    this.seen.add(event.id);
    const lookup = streakLookupKey(event);
    const prev = this.latest.get(lookup);
    const fresh = !prev || !continuesStreak(prev, event);
    const key = fresh ? `${lookup}${SEP}${this.generation++}` : prev.key;
    const step = applyToStreak(fresh ? undefined : prev, event, key);
    this.latest.set(lookup, step.next);
    this.totalCoins += step.deltaCoins;
    this.totalGifts += step.deltaCount;
    return step;
  }

  /** Closes every open streak idle for at least the timeout; returns the closed ones. */
  expire(now: number, timeoutMs = DEFAULT_STREAK_TIMEOUT_MS): StreakState[] {
    const closed: StreakState[] = [];
    for (const [lookup, s] of this.latest) {
      if (isStreakStale(s, now, timeoutMs)) {
        const c = closeStreak(s);
        this.latest.set(lookup, c);
        closed.push(c);
      }
    }
    return closed;
  }

  streaks(): StreakState[] {
    return [...this.latest.values()];
  }
}
