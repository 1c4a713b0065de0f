/**
 * The canonical event shapes of Gemlight. Every source (TikTok directly, TikFinity, push clients,
 * the simulator and replays) is normalized into these before anything is stored or shown.
 */

/** Where an event came from; only `live` ever counts as earnings. */
export type EventOrigin = 'live' | 'simulated' | 'replay' | 'test';

/** The viewer who sent something. All text fields are hostile viewer input. */
export interface Viewer {
  /** TikTok's numeric user id, as a string (it exceeds 2^53). */
  id: string;
  /** The @handle (TikTok's uniqueId / displayId), without the @. May be empty. */
  handle: string;
  /** The display name (nickname). May be empty. */
  name: string;
  /** Avatar URL; only shown when it is https on an allowed host. */
  avatar?: string;
}

/** A gift as the event describes it, with its price settled against the catalog. */
export interface GiftInfo {
  id: number;
  name: string;
  /** Coin price of one gift (TikTok calls it diamond_count). */
  coins: number;
  image?: string;
  /** Streakable gifts (TikTok type 1) send a rising running count and end with repeatEnd. */
  streakable: boolean;
}

/** One gift message. For a streakable gift `count` is the running count within its streak. */
export interface GiftEvent {
  type: 'gift';
  /** The source's unique message id. */
  id: string;
  /** Milliseconds since the epoch. */
  time: number;
  user: Viewer;
  gift: GiftInfo;
  count: number;
  streak?: { id: string; end: boolean };
  origin: EventOrigin;
}

/** A LIVE session boundary announced by a source or the creator. */
export interface SessionEvent {
  type: 'session';
  id: string;
  time: number;
  action: 'start' | 'end';
  origin: EventOrigin;
}

/** Likes, follows and shares: kept for overlays and stats, never money. */
export interface SocialEvent {
  type: 'like' | 'follow' | 'share';
  id: string;
  time: number;
  user: Viewer;
  /** Likes in this message (1 for follow and share). */
  count: number;
  origin: EventOrigin;
}

/** The room's current viewer count. */
export interface ViewersEvent {
  type: 'viewers';
  id: string;
  time: number;
  count: number;
  origin: EventOrigin;
}

/** Everything the ingest pipeline accepts after normalization. */
export type LiveEvent = GiftEvent | SessionEvent | SocialEvent | ViewersEvent;
export type LiveEventType = LiveEvent['type'];

/** Whether an event's coins count as the creator's earnings. */
export const countsAsEarnings = (event: { origin: EventOrigin }): boolean =>
  event.origin === 'live';
