import type { EventOrigin, GiftInfo, Viewer } from '../shared/events';
import type { GoalProgress } from '../shared/goals';
import type { GifterTotal } from '../shared/leaderboard';
import type { Currency } from '../shared/earnings';
import type { CountedGift, LiveMessage, LiveSession, LiveState } from '../shared/liveState';

/** The parts of a snapshot the overlay shows; the rest of its state starts empty. */
export type ShownState = Pick<LiveState, 'session' | 'leaderboards' | 'goal' | 'currency'>;

/** A frame the overlay shows, as the schema reads it. */
export type ShownMessage =
  | { type: 'snapshot'; state: ShownState }
  | Exclude<LiveMessage, { type: 'snapshot' | 'social' | 'viewers' | 'source' | 'overlays' }>;

/**
 * The frames the overlay shows (gift, combo, leaderboard, session, goal, snapshot), checked by
 * hand. The schema in protocol.ts stays the definition: this path only ever says "yes, and here is
 * the same value the schema would give" or "not sure", and every "not sure" goes to the schema,
 * which then decides and explains. So a refusal always reads the same, whichever path saw the frame first
 * (property-tested against the schema alone).
 *
 * Why: in a storm of 2,000 alerts the schema's generic object and array parsers run for every
 * field of every frame, and V8 keeps ~50 KiB of optimized code for them in the page afterwards;
 * a snapshot with a session and boards in it (a session starting mid-storm) compiled the rest of
 * the schema. These plain functions do the same checks for a fraction of that.
 */

type Rec = Record<string, unknown>;

/** Limits of /events frames, shared with the schema in protocol.ts. */
export const MAX_TEXT = 10_000;
export const MAX_URL = 4_096;
export const MAX_BOARD = 1_000;
export const CURRENCY_CODE = /^[A-Z]{3}$/;

const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_TEXT;
const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
const isUrl = (v: unknown): v is string | undefined =>
  v === undefined || (typeof v === 'string' && v.length <= MAX_URL);
const isOrigin = (v: unknown): v is EventOrigin =>
  v === 'live' || v === 'simulated' || v === 'replay' || v === 'test';

/** Failure: the schema decides. `null` is a valid value of nullable fields, so it cannot be it. */
const UNSURE = undefined;

function viewer(v: unknown): Viewer | undefined {
  if (!isRec(v) || !isText(v.id) || !isText(v.handle) || !isText(v.name) || !isUrl(v.avatar)) {
    return UNSURE;
  }
  const out: Viewer = { id: v.id, handle: v.handle, name: v.name };
  if (v.avatar !== undefined) out.avatar = v.avatar;
  return out;
}

function giftInfo(v: unknown): GiftInfo | undefined {
  if (
    !isRec(v) ||
    !isCount(v.id) ||
    !isText(v.name) ||
    !isCount(v.coins) ||
    !isUrl(v.image) ||
    typeof v.streakable !== 'boolean'
  ) {
    return UNSURE;
  }
  const out: GiftInfo = { id: v.id, name: v.name, coins: v.coins, streakable: v.streakable };
  if (v.image !== undefined) out.image = v.image;
  return out;
}

function countedGift(v: unknown): CountedGift | undefined {
  if (
    !isRec(v) ||
    !isText(v.key) ||
    !isText(v.id) ||
    !isNumber(v.time) ||
    !isCount(v.count) ||
    !isNumber(v.deltaCount) ||
    !isNumber(v.deltaCoins) ||
    typeof v.started !== 'boolean' ||
    typeof v.ended !== 'boolean' ||
    !isOrigin(v.origin) ||
    !(v.sessionId === null || isText(v.sessionId)) ||
    !(v.pending === undefined || v.pending === true)
  ) {
    return UNSURE;
  }
  const user = viewer(v.user);
  const gift = giftInfo(v.gift);
  if (user === UNSURE || gift === UNSURE) return UNSURE;
  const out: CountedGift = {
    key: v.key,
    id: v.id,
    time: v.time,
    user,
    gift,
    count: v.count,
    deltaCount: v.deltaCount,
    deltaCoins: v.deltaCoins,
    started: v.started,
    ended: v.ended,
    origin: v.origin,
    sessionId: v.sessionId,
  };
  if (v.pending === true) out.pending = true;
  return out;
}

function gifterTotal(v: unknown): GifterTotal | undefined {
  if (
    !isRec(v) ||
    !isText(v.userId) ||
    !isText(v.handle) ||
    !isText(v.name) ||
    !isUrl(v.avatar) ||
    !isNumber(v.coins) ||
    !isNumber(v.reachedAt)
  ) {
    return UNSURE;
  }
  const out: GifterTotal = {
    userId: v.userId,
    handle: v.handle,
    name: v.name,
    coins: v.coins,
    reachedAt: v.reachedAt,
  };
  if (v.avatar !== undefined) out.avatar = v.avatar;
  return out;
}

function board(v: unknown): GifterTotal[] | undefined {
  if (!Array.isArray(v) || v.length > MAX_BOARD) return UNSURE;
  const out: GifterTotal[] = [];
  for (let i = 0; i < v.length; i++) {
    const entry = gifterTotal(v[i]);
    if (entry === UNSURE) return UNSURE;
    out.push(entry);
  }
  return out;
}

const SESSION_NUMBERS = [
  'startedAt',
  'coins',
  'gifts',
  'gifters',
  'likes',
  'follows',
  'shares',
  'viewers',
  'gapMs',
] as const;

function session(v: unknown): LiveSession | null | undefined {
  if (v === null) return null;
  if (
    !isRec(v) ||
    !isText(v.id) ||
    !(v.endedAt === null || isNumber(v.endedAt)) ||
    typeof v.simulated !== 'boolean' ||
    !isText(v.diamondsPerCoin) ||
    !isText(v.minorPerDiamond) ||
    !isText(v.cashBefore)
  ) {
    return UNSURE;
  }
  for (const k of SESSION_NUMBERS) if (!isNumber(v[k])) return UNSURE;
  return {
    id: v.id,
    startedAt: v.startedAt as number,
    endedAt: v.endedAt,
    simulated: v.simulated,
    coins: v.coins as number,
    gifts: v.gifts as number,
    gifters: v.gifters as number,
    likes: v.likes as number,
    follows: v.follows as number,
    shares: v.shares as number,
    viewers: v.viewers as number,
    diamondsPerCoin: v.diamondsPerCoin,
    minorPerDiamond: v.minorPerDiamond,
    cashBefore: v.cashBefore,
    gapMs: v.gapMs as number,
  };
}

function goal(v: unknown): GoalProgress | null | undefined {
  if (v === null) return null;
  if (
    !isRec(v) ||
    !isNumber(v.current) ||
    !isNumber(v.target) ||
    !isNumber(v.fraction) ||
    typeof v.reached !== 'boolean' ||
    !isCount(v.completions)
  ) {
    return UNSURE;
  }
  const g = v.goal;
  if (
    !isRec(g) ||
    !isText(g.id) ||
    !isText(g.label) ||
    !(g.kind === 'diamonds' || g.kind === 'cash') ||
    !isNumber(g.target) ||
    typeof g.rollover !== 'boolean' ||
    !isNumber(g.createdAt)
  ) {
    return UNSURE;
  }
  return {
    goal: {
      id: g.id,
      label: g.label,
      kind: g.kind,
      target: g.target,
      rollover: g.rollover,
      createdAt: g.createdAt,
    },
    current: v.current,
    target: v.target,
    fraction: v.fraction,
    reached: v.reached,
    completions: v.completions,
  };
}

function shownState(v: unknown): ShownState | undefined {
  if (!isRec(v) || !isRec(v.leaderboards) || !isRec(v.currency)) return UNSURE;
  const code = v.currency.code;
  const exponent = v.currency.exponent;
  if (typeof code !== 'string' || !CURRENCY_CODE.test(code) || !isCount(exponent)) return UNSURE;
  const currency: Currency = { code, exponent };
  const s = session(v.session);
  const g = goal(v.goal);
  const day = board(v.leaderboards.day);
  const sessionBoard = board(v.leaderboards.session);
  const all = board(v.leaderboards.all);
  if (s === UNSURE || g === UNSURE || day === UNSURE || sessionBoard === UNSURE || all === UNSURE) {
    return UNSURE;
  }
  return { session: s, leaderboards: { session: sessionBoard, day, all }, goal: g, currency };
}

/**
 * The message the schema would make of `json`, for the frame types the overlay shows; `undefined`
 * when this path is not sure (another type, or anything the schema might refuse or read
 * differently).
 */
export function fastFrame(json: unknown): ShownMessage | undefined {
  if (!isRec(json)) return UNSURE;
  switch (json.type) {
    case 'gift': {
      const gift = countedGift(json.gift);
      return gift === UNSURE ? UNSURE : { type: 'gift', gift };
    }
    case 'combo':
      return isText(json.key) && isCount(json.count) && typeof json.ended === 'boolean'
        ? { type: 'combo', key: json.key, count: json.count, ended: json.ended }
        : UNSURE;
    case 'leaderboard': {
      const p = json.period;
      if (p !== 'session' && p !== 'day' && p !== 'all') return UNSURE;
      const entries = board(json.entries);
      return entries === UNSURE ? UNSURE : { type: 'leaderboard', period: p, entries };
    }
    case 'session': {
      const s = session(json.session);
      return s === UNSURE ? UNSURE : { type: 'session', session: s };
    }
    case 'goal': {
      const g = goal(json.goal);
      return g === UNSURE ? UNSURE : { type: 'goal', goal: g };
    }
    case 'snapshot': {
      const state = shownState(json.state);
      return state === UNSURE ? UNSURE : { type: 'snapshot', state };
    }
    default:
      return UNSURE;
  }
}
