import { openedLiveSession, type CountedGift, type LiveSession } from '../../shared/liveState';

/** Test fixtures for the live reducer: a fixed clock, a viewer, two gifts and a session. */
export const T0 = Date.UTC(2025, 2, 1, 20, 0, 0);
export const viewer = { id: 'u1', handle: 'fan', name: 'Fan' };
export const rose = { id: 5655, name: 'Rose', coins: 1, streakable: true };
export const lion = { id: 6369, name: 'Lion', coins: 29999, streakable: false };

/** An open, counted session starting at T0 with nothing in it yet. */
export const makeSession = (over: Partial<LiveSession> = {}): LiveSession => ({
  ...openedLiveSession('s1', T0, false),
  ...over,
});

/** One rose from the viewer, as the ledger counted it in session s1 (fields overridable). */
export const makeCounted = (over: Partial<CountedGift> = {}): CountedGift => ({
  key: 'k1',
  id: 'm1',
  time: T0,
  user: viewer,
  gift: rose,
  count: 1,
  deltaCount: 1,
  deltaCoins: 1,
  started: true,
  ended: false,
  origin: 'live',
  sessionId: 's1',
  ...over,
});
