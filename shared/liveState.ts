import type { EventOrigin, GiftInfo, Viewer } from './events';
import { DEFAULT_RATES, minorPerDiamond, USD, type Currency } from './earnings';
import type { GoalProgress } from './goals';
import type { GifterTotal } from './leaderboard';
import * as Q from './rational';
import { assertNever } from './result';

/**
 * What the overlay and the dashboard show live, and the one pure reducer that keeps it. The
 * server applies every message it broadcasts to its own copy (that copy is the snapshot a client
 * gets on connect); clients apply the same messages with the same reducer.
 */

/** A gift as the ledger counted it: one message's effect on its streak. */
export interface CountedGift {
  /** The streak's key: one alert per key, however many updates. */
  key: string;
  /** Message id of the update. */
  id: string;
  time: number;
  user: Viewer;
  gift: GiftInfo;
  /** Highest running count so far: the number of gifts in the streak. */
  count: number;
  deltaCount: number;
  deltaCoins: number;
  started: boolean;
  ended: boolean;
  origin: EventOrigin;
  /** The session it was counted in; null for test alerts, which are never stored. */
  sessionId: string | null;
  /**
   * Computed inside the open transaction, before COMMIT: an early alert only. The reducer never
   * lets it touch totals; the committed twin that follows does (or, if the commit fails, nothing).
   */
  pending?: true;
}

/** A live alert: one per streak. */
export interface Alert {
  key: string;
  user: Viewer;
  gift: GiftInfo;
  count: number;
  /** count × coin price. */
  coins: number;
  ended: boolean;
  origin: EventOrigin;
  startedAt: number;
  updatedAt: number;
}

/** The session being shown: totals as the ledger reports them, kept live by gift messages. */
export interface LiveSession {
  id: string;
  startedAt: number;
  endedAt: number | null;
  /** A simulated or replayed session: shown, never counted as earnings. */
  simulated: boolean;
  coins: number;
  gifts: number;
  gifters: number;
  likes: number;
  follows: number;
  shares: number;
  viewers: number;
  /** Diamonds per coin in force for this session (rational as "n/d"). */
  diamondsPerCoin: string;
  /** Minor units per diamond in force for this session (rational as "n/d"). */
  minorPerDiamond: string;
  /** Exact cash of all counted sessions before this one (minor units, "n/d"), for running rounding. */
  cashBefore: string;
  /** Milliseconds of the session that no source observed (reconnect windows). */
  gapMs: number;
}

/** A source's health, for the dashboard. */
export interface SourceHealth {
  id: string;
  kind: 'tiktok' | 'tikfinity' | 'push' | 'simulator' | 'replay';
  label: string;
  state: 'idle' | 'connecting' | 'connected' | 'waiting' | 'reconnecting' | 'error' | 'stopped';
  eventsPerMinute: number;
  lastEventAt: number | null;
  lastError: string | null;
  /** Gaps recorded while this source was down. */
  gaps: { from: number; to: number | null }[];
}

/** An overlay page connected to /events. */
export interface OverlayPresence {
  id: string;
  widget: string;
  connectedAt: number;
  lastSeenAt: number;
  preview: boolean;
}

/** Coins per minute over the recent past, for the live chart. */
export interface MinuteBucket {
  minute: number;
  coins: number;
  gifts: number;
}

/** Everything shown live. */
export interface LiveState {
  session: LiveSession | null;
  /** Most recent first, at most ALERT_HISTORY. */
  alerts: Alert[];
  leaderboards: { session: GifterTotal[]; day: GifterTotal[]; all: GifterTotal[] };
  goal: GoalProgress | null;
  sources: SourceHealth[];
  overlays: OverlayPresence[];
  /** Oldest first, at most MINUTE_HISTORY. */
  perMinute: MinuteBucket[];
  currency: Currency;
}

export const ALERT_HISTORY = 50;
export const MINUTE_HISTORY = 60;

export const emptyLiveState = (currency: Currency = USD): LiveState => ({
  session: null,
  alerts: [],
  leaderboards: { session: [], day: [], all: [] },
  goal: null,
  sources: [],
  overlays: [],
  perMinute: [],
  currency,
});

/** The default rates (`DEFAULT_RATES`, in US cents) as a live session carries them. */
const DEFAULT_SESSION_RATES: Pick<LiveSession, 'diamondsPerCoin' | 'minorPerDiamond'> = {
  diamondsPerCoin: Q.toJSON(DEFAULT_RATES.diamondsPerCoin),
  minorPerDiamond: Q.toJSON(minorPerDiamond(DEFAULT_RATES, USD)),
};

/**
 * A session that has just opened, nothing counted in it yet, at the default rates unless `rates`
 * says otherwise.
 */
export const openedLiveSession = (
  id: string,
  startedAt: number,
  simulated: boolean,
  rates: Pick<LiveSession, 'diamondsPerCoin' | 'minorPerDiamond'> = DEFAULT_SESSION_RATES,
): LiveSession => ({
  id,
  startedAt,
  endedAt: null,
  simulated,
  coins: 0,
  gifts: 0,
  gifters: 0,
  likes: 0,
  follows: 0,
  shares: 0,
  viewers: 0,
  ...rates,
  cashBefore: '0',
  gapMs: 0,
});

/** Messages on the /events WebSocket after the snapshot; each is also a reducer input. */
export type LiveMessage =
  | { type: 'snapshot'; state: LiveState }
  | { type: 'gift'; gift: CountedGift }
  | { type: 'combo'; key: string; count: number; ended: boolean }
  | { type: 'social'; kind: 'like' | 'follow' | 'share'; count: number; user: Viewer; time: number }
  | { type: 'viewers'; count: number }
  | { type: 'session'; session: LiveSession | null }
  | { type: 'leaderboard'; period: 'session' | 'day' | 'all'; entries: GifterTotal[] }
  | { type: 'goal'; goal: GoalProgress | null }
  | { type: 'source'; source: SourceHealth }
  | { type: 'overlays'; overlays: OverlayPresence[] };

const minuteOf = (t: number): number => Math.floor(t / 60_000) * 60_000;

function addToMinutes(
  buckets: MinuteBucket[],
  time: number,
  coins: number,
  gifts: number,
): MinuteBucket[] {
  const minute = minuteOf(time);
  const last = buckets[buckets.length - 1];
  if (last && last.minute === minute) {
    return [
      ...buckets.slice(0, -1),
      { minute, coins: last.coins + coins, gifts: last.gifts + gifts },
    ];
  }
  if (last && minute < last.minute) {
    // A late message: add it to its own bucket if still shown, else drop it from the chart only.
    const i = buckets.findIndex((b) => b.minute === minute);
    if (i < 0) return buckets;
    const b = buckets[i];
    if (!b) return buckets;
    const copy = buckets.slice();
    copy[i] = { minute, coins: b.coins + coins, gifts: b.gifts + gifts };
    return copy;
  }
  return [...buckets, { minute, coins, gifts }].slice(-MINUTE_HISTORY);
}

function upsertAlert(alerts: Alert[], g: CountedGift): Alert[] {
  const i = alerts.findIndex((a) => a.key === g.key);
  const prev = i >= 0 ? alerts[i] : undefined;
  const next = upsertedAlert(prev, g);
  if (prev) {
    const copy = alerts.slice();
    copy[i] = next;
    return copy;
  }
  return [next, ...alerts].slice(0, ALERT_HISTORY);
}

/** The alert of `g`'s streak after `g`, given the alert already shown for its key (if any). */
function upsertedAlert(prev: Alert | undefined, g: CountedGift): Alert {
  return {
    key: g.key,
    user: g.user,
    gift: prev?.gift ?? g.gift,
    count: Math.max(prev?.count ?? 0, g.count),
    coins: Math.max(prev?.count ?? 0, g.count) * (prev?.gift.coins ?? g.gift.coins),
    ended: (prev?.ended ?? false) || g.ended,
    origin: g.origin,
    startedAt: prev?.startedAt ?? g.time,
    updatedAt: Math.max(prev?.updatedAt ?? 0, g.time),
  };
}

/** The session counter a social message adds to. */
const socialCounter = (
  kind: Extract<LiveMessage, { type: 'social' }>['kind'],
): 'likes' | 'follows' | 'shares' =>
  kind === 'like' ? 'likes' : kind === 'follow' ? 'follows' : 'shares';

/** Whether a gift with this origin adds to the shown session. */
function countsInSession(origin: EventOrigin, session: LiveSession | null): boolean {
  if (!session) return false;
  switch (origin) {
    case 'live':
      return !session.simulated;
    case 'simulated':
    case 'replay':
      return session.simulated;
    case 'test':
      return false;
    default:
      return assertNever(origin, 'origin');
  }
}

/** The live reducer. Pure: returns a new state and never mutates its input. */
export function reduceLive(state: LiveState, msg: LiveMessage): LiveState {
  switch (msg.type) {
    case 'snapshot':
      return msg.state;
    case 'gift': {
      const g = msg.gift;
      const alerts = upsertAlert(state.alerts, g);
      // Not yet durable: the alert may show early, money only counts once committed.
      if (g.pending) return { ...state, alerts };
      const inSession =
        countsInSession(g.origin, state.session) && g.sessionId === state.session?.id;
      if (!inSession || !state.session) return { ...state, alerts };
      return {
        ...state,
        alerts,
        session: {
          ...state.session,
          coins: state.session.coins + g.deltaCoins,
          gifts: state.session.gifts + g.deltaCount,
        },
        perMinute: addToMinutes(state.perMinute, g.time, g.deltaCoins, g.deltaCount),
      };
    }
    case 'combo': {
      const i = state.alerts.findIndex((a) => a.key === msg.key);
      const a = i >= 0 ? state.alerts[i] : undefined;
      if (!a) return state;
      const alerts = state.alerts.slice();
      const count = Math.max(a.count, msg.count);
      alerts[i] = { ...a, count, coins: count * a.gift.coins, ended: a.ended || msg.ended };
      return { ...state, alerts };
    }
    case 'social': {
      if (!state.session) return state;
      const key = socialCounter(msg.kind);
      return { ...state, session: { ...state.session, [key]: state.session[key] + msg.count } };
    }
    case 'viewers':
      return state.session
        ? { ...state, session: { ...state.session, viewers: msg.count } }
        : state;
    case 'session': {
      const changed = msg.session?.id !== state.session?.id;
      return {
        ...state,
        session: msg.session,
        ...(changed ? { perMinute: [], leaderboards: { ...state.leaderboards, session: [] } } : {}),
      };
    }
    case 'leaderboard':
      return { ...state, leaderboards: { ...state.leaderboards, [msg.period]: msg.entries } };
    case 'goal':
      return { ...state, goal: msg.goal };
    case 'source': {
      const others = state.sources.filter((s) => s.id !== msg.source.id);
      return {
        ...state,
        sources: [...others, msg.source].sort((a, b) => a.id.localeCompare(b.id)),
      };
    }
    case 'overlays':
      return { ...state, overlays: msg.overlays };
    default:
      return assertNever(msg, 'live message');
  }
}

/** A message that only touches alerts, session counters and the chart: one a gift batch is made of. */
type StreamMessage = Extract<LiveMessage, { type: 'gift' | 'combo' | 'social' | 'viewers' }>;

const isStreamMessage = (msg: LiveMessage): msg is StreamMessage =>
  msg.type === 'gift' || msg.type === 'combo' || msg.type === 'social' || msg.type === 'viewers';

/**
 * The shown alerts as a run of messages changes them, each change O(1): oldest first in `list`,
 * the shown ones from `lo` on (an alert that falls out of the history stays below `lo`), and the
 * newest position of each key in `newest`. Alerts this run made are its own and change in place.
 */
class AlertWindow {
  private readonly list: Alert[];
  private lo = 0;
  private readonly newest = new Map<string, number>();
  /** Positions below `base` hold the state's alerts until replaced by one of this run's. */
  private readonly base: number;
  private readonly replaced: Uint8Array;

  constructor(alerts: readonly Alert[]) {
    this.list = alerts.slice().reverse();
    this.base = this.list.length;
    this.replaced = new Uint8Array(this.base);
    this.list.forEach((a, pos) => this.newest.set(a.key, pos));
  }

  /** Position of the alert shown for `key` (the newest, as findIndex on newest-first finds), or -1. */
  find(key: string): number {
    const pos = this.newest.get(key);
    return pos !== undefined && pos >= this.lo ? pos : -1;
  }

  at(pos: number): Alert | undefined {
    return this.list[pos];
  }

  /** Whether the alert at `pos` was made by this run (so nobody else holds it). */
  owns(pos: number): boolean {
    return pos >= this.base || this.replaced[pos] === 1;
  }

  replace(pos: number, alert: Alert): void {
    this.list[pos] = alert;
    if (pos < this.base) this.replaced[pos] = 1;
  }

  /** A new key: shown first, the oldest beyond ALERT_HISTORY dropped (as upsertAlert does). */
  add(alert: Alert): void {
    this.newest.set(alert.key, this.list.length);
    this.list.push(alert);
    this.lo = Math.max(this.lo, this.list.length - ALERT_HISTORY);
  }

  /** Newest first, as LiveState keeps them. */
  toAlerts(): Alert[] {
    return this.list.slice(this.lo).reverse();
  }
}

/**
 * Applies a run of stream messages to private working copies of `alerts`, the session and the
 * chart: the same result as folding `reduceLive`, without copying the state once per message. The
 * run never changes the session's id or kind, so which gifts count is decided once per run.
 */
function reduceStream(
  state: LiveState,
  messages: readonly LiveMessage[],
  from: number,
  to: number,
): LiveState {
  const alerts = new AlertWindow(state.alerts);
  // Buckets made in this call: nobody else holds them yet, so they are updated in place.
  const ownBuckets = new Set<MinuteBucket>();
  const session = state.session ? { ...state.session } : null;
  let perMinute: MinuteBucket[] | null = null;
  const shown = state.session;
  for (let m = from; m < to; m++) {
    const msg = messages[m];
    if (!msg || !isStreamMessage(msg)) continue;
    switch (msg.type) {
      case 'gift': {
        const g = msg.gift;
        const pos = alerts.find(g.key);
        const prev = pos >= 0 ? alerts.at(pos) : undefined;
        if (prev && alerts.owns(pos)) {
          // Same values as upsertAlert's: gift, startedAt and the coin price stay the first ones.
          prev.user = g.user;
          prev.count = Math.max(prev.count, g.count);
          prev.coins = prev.count * prev.gift.coins;
          prev.ended = prev.ended || g.ended;
          prev.origin = g.origin;
          prev.updatedAt = Math.max(prev.updatedAt, g.time);
        } else if (prev) alerts.replace(pos, upsertedAlert(prev, g));
        else alerts.add(upsertedAlert(undefined, g));
        if (g.pending || !session || !shown) break;
        if (!countsInSession(g.origin, shown) || g.sessionId !== shown.id) break;
        session.coins += g.deltaCoins;
        session.gifts += g.deltaCount;
        perMinute ??= state.perMinute.slice();
        addToMinutesInPlace(perMinute, ownBuckets, g.time, g.deltaCoins, g.deltaCount);
        break;
      }
      case 'combo': {
        const pos = alerts.find(msg.key);
        const a = pos >= 0 ? alerts.at(pos) : undefined;
        if (!a) break;
        const count = Math.max(a.count, msg.count);
        if (alerts.owns(pos)) {
          a.count = count;
          a.coins = count * a.gift.coins;
          a.ended = a.ended || msg.ended;
        } else {
          alerts.replace(pos, {
            ...a,
            count,
            coins: count * a.gift.coins,
            ended: a.ended || msg.ended,
          });
        }
        break;
      }
      case 'social': {
        if (!session) break;
        const key = socialCounter(msg.kind);
        session[key] += msg.count;
        break;
      }
      case 'viewers':
        if (session) session.viewers = msg.count;
        break;
      default:
        assertNever(msg, 'stream message');
    }
  }
  const shownAlerts = alerts.toAlerts();
  return perMinute
    ? { ...state, alerts: shownAlerts, session, perMinute }
    : { ...state, alerts: shownAlerts, session };
}

/** addToMinutes on a private copy: buckets in `own` were made by this run and may be changed. */
function addToMinutesInPlace(
  buckets: MinuteBucket[],
  own: Set<MinuteBucket>,
  time: number,
  coins: number,
  gifts: number,
): void {
  const minute = minuteOf(time);
  const lastIndex = buckets.length - 1;
  const last = buckets[lastIndex];
  let i = -1;
  if (last && last.minute === minute) i = lastIndex;
  else if (last && minute < last.minute) {
    // A late message: its own bucket if still shown, else the chart drops it (as addToMinutes).
    i = buckets.findIndex((b) => b.minute === minute);
    if (i < 0) return;
  }
  const b = i >= 0 ? buckets[i] : undefined;
  if (b && own.has(b)) {
    b.coins += coins;
    b.gifts += gifts;
    return;
  }
  const next = b
    ? { minute, coins: b.coins + coins, gifts: b.gifts + gifts }
    : { minute, coins, gifts };
  own.add(next);
  if (b) buckets[i] = next;
  else {
    buckets.push(next);
    if (buckets.length > MINUTE_HISTORY) buckets.splice(0, buckets.length - MINUTE_HISTORY);
  }
}

/**
 * Applies messages in order: the same state as `messages.reduce(reduceLive, state)`, but a run of
 * gift, combo, social and viewer messages (a committed ingest batch) costs one copy of the state,
 * not one per message. Pure: never mutates `state` or the messages.
 */
export function reduceLiveAll(state: LiveState, messages: readonly LiveMessage[]): LiveState {
  let next = state;
  let m = 0;
  while (m < messages.length) {
    const msg = messages[m];
    if (!msg || !isStreamMessage(msg)) {
      // A hole is skipped, as reduce skips it.
      if (msg) next = reduceLive(next, msg);
      m++;
      continue;
    }
    let end = m + 1;
    for (; end < messages.length; end++) {
      const e = messages[end];
      if (!e || !isStreamMessage(e)) break;
    }
    // One message alone gains nothing from working copies.
    next = end - m === 1 ? reduceLive(next, msg) : reduceStream(next, messages, m, end);
    m = end;
  }
  return next;
}

/** Diamonds of the live session (whole diamonds, rounded down). */
export function sessionDiamonds(s: LiveSession): number {
  const rate = Q.fromJSON(s.diamondsPerCoin) ?? Q.ONE;
  return Number(Q.floor(Q.mul(Q.rational(s.coins), rate)));
}

/**
 * Cash of the live session in minor units, with the same running rounding the ledger's API uses,
 * so the live number always equals the number in the session history.
 */
export function sessionCashMinor(s: LiveSession): bigint {
  if (s.simulated) return 0n;
  const rate = Q.fromJSON(s.diamondsPerCoin) ?? Q.ONE;
  const mpd = Q.fromJSON(s.minorPerDiamond) ?? Q.ZERO;
  const before = Q.fromJSON(s.cashBefore) ?? Q.ZERO;
  const exact = Q.mul(Q.mul(Q.rational(s.coins), rate), mpd);
  return Q.roundHalfEven(Q.add(before, exact)) - Q.roundHalfEven(before);
}
