import { z } from 'zod';
import type { GiftCatalog } from './catalog';
import type {
  EventOrigin,
  GiftEvent,
  GiftInfo,
  LiveEvent,
  SessionEvent,
  SocialEvent,
  Viewer,
  ViewersEvent,
} from './events';
import { fail, ok, type Result } from './result';

/** Largest running count accepted in one streak; TikTok's combos stay far below it. */
export const MAX_COUNT = 1_000_000;
/** Most expensive single gift accepted, in coins (the dearest real gift is under 50,000). */
export const MAX_COINS = 10_000_000;
/** Largest viewer count accepted (far above any real room). */
export const MAX_VIEWERS = 100_000_000;
/** Longest message id, user id or streak id accepted. */
export const MAX_ID_LENGTH = 128;
/** Viewer-supplied names are cut to this many code points before they are stored or shown. */
export const MAX_TEXT_CODE_POINTS = 100;
/** Longest URL kept (avatars, gift images); longer ones are dropped. */
export const MAX_URL_LENGTH = 2048;
/** Earliest and latest accepted event times (2016 to 2100), to refuse seconds-for-ms mistakes. */
const MIN_TIME = Date.UTC(2016, 0, 1);
const MAX_TIME = Date.UTC(2100, 0, 1);

/** What the normalizer needs from the outside world. */
export interface NormalizeContext {
  /** Arrival time in ms, used when an event carries no time. */
  now: number;
  catalog: GiftCatalog;
  /** Origin stamped on events whose source does not say (push clients: 'live'). */
  origin: EventOrigin;
  /** Fallback id for event kinds that may come without one (likes, viewers, sessions). */
  makeId: () => string;
}

/** The normalizer's answer: an event, or a frame that is understood but carries nothing to keep. */
export type Normalized = { kind: 'event'; event: LiveEvent } | { kind: 'ignored'; reason: string };

/** Cuts viewer text to a bounded number of code points; never splits a surrogate pair. */
export function clampText(text: string, max = MAX_TEXT_CODE_POINTS): string {
  if (text.length <= max) return text;
  let out = '';
  let n = 0;
  for (const ch of text) {
    if (n++ >= max) break;
    out += ch;
  }
  return out;
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

const cleanUrl = (url: string | undefined): string | undefined =>
  url !== undefined && url.length > 0 && url.length <= MAX_URL_LENGTH && /^https?:\/\//i.test(url)
    ? url
    : undefined;

// ---------------------------------------------------------------------------------------------
// Gemlight's canonical shape: strict. Wrong types, strings for numbers, negative or fractional
// counts and absurd sizes are all `invalid_event`.

/**
 * Ids are machine ids: no control characters. Streak keys join ids with the unit separator, so an
 * id containing one could make one sender's streak pose as another's.
 */
const ID_TEXT = /^\P{Cc}+$/u;
const idString = z.string().min(1).max(MAX_ID_LENGTH).regex(ID_TEXT);
/** Longest free text (names) accepted before it is cut to MAX_TEXT_CODE_POINTS. */
const MAX_TEXT_LENGTH = 100_000;
const text = z.string().max(MAX_TEXT_LENGTH);
const url = z.string().max(MAX_URL_LENGTH);
const inTimeWindow = (ms: number): boolean => ms >= MIN_TIME && ms <= MAX_TIME;
// An ISO string must land in the same window as a number: year 1 or 9999 is a mistake too.
const isoTime = z.iso
  .datetime({ offset: true })
  .refine((t) => inTimeWindow(Date.parse(t)), 'Time must be between 2016 and 2100.');
const time = z.union([z.number().int().min(MIN_TIME).max(MAX_TIME), isoTime]);
const origin = z.enum(['live', 'simulated', 'replay', 'test']);

const canonicalUser = z.strictObject({
  id: idString,
  handle: text.optional(),
  name: text.optional(),
  avatar: url.optional(),
});

const canonicalGift = z.strictObject({
  type: z.literal('gift'),
  id: idString,
  time: time.optional(),
  user: canonicalUser,
  gift: z.strictObject({
    id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    name: text.optional(),
    coins: z.number().int().min(0).max(MAX_COINS).optional(),
    image: url.optional(),
    streakable: z.boolean().optional(),
  }),
  count: z.number().int().min(1).max(MAX_COUNT).optional(),
  streak: z.strictObject({ id: idString, end: z.boolean() }).optional(),
  origin: origin.optional(),
});

const canonicalSession = z.strictObject({
  type: z.literal('session'),
  action: z.enum(['start', 'end']),
  id: idString.optional(),
  time: time.optional(),
  origin: origin.optional(),
});

const canonicalSocial = z.strictObject({
  type: z.enum(['like', 'follow', 'share']),
  id: idString.optional(),
  time: time.optional(),
  user: canonicalUser.optional(),
  count: z.number().int().min(1).max(MAX_COUNT).optional(),
  origin: origin.optional(),
});

const canonicalViewers = z.strictObject({
  type: z.literal('viewers'),
  id: idString.optional(),
  time: time.optional(),
  count: z.number().int().min(0).max(MAX_VIEWERS),
  origin: origin.optional(),
});

const canonical = z.discriminatedUnion('type', [
  canonicalGift,
  canonicalSession,
  canonicalSocial,
  canonicalViewers,
]);
type Canonical = z.infer<typeof canonical>;
type CanonicalUser = z.infer<typeof canonicalUser>;
type CanonicalGiftInfo = z.infer<typeof canonicalGift.shape.gift>;

// ---------------------------------------------------------------------------------------------
// Fast path. Zod costs about 1.5 µs per canonical gift (it builds a deep copy and an issue list),
// most of the server's CPU per ingested event. These predicates accept a subset of what the
// schemas above accept, for which they give the same value (the schemas transform nothing, so a
// value they accept is the input itself). Anything they do not fully accept goes through zod, so
// error codes and messages come from one place. Key sets, enums and the ISO time check are read
// from the schemas and the bounds are the schemas' constants, so a rule changes in one place.

const GIFT_KEYS: ReadonlySet<string> = new Set(Object.keys(canonicalGift.shape));
const GIFT_INFO_KEYS: ReadonlySet<string> = new Set(Object.keys(canonicalGift.shape.gift.shape));
const STREAK_KEYS: ReadonlySet<string> = new Set(
  Object.keys(canonicalGift.shape.streak.unwrap().shape),
);
const USER_KEYS: ReadonlySet<string> = new Set(Object.keys(canonicalUser.shape));
const SESSION_KEYS: ReadonlySet<string> = new Set(Object.keys(canonicalSession.shape));
const SOCIAL_KEYS: ReadonlySet<string> = new Set(Object.keys(canonicalSocial.shape));
const VIEWERS_KEYS: ReadonlySet<string> = new Set(Object.keys(canonicalViewers.shape));
const ORIGINS: ReadonlySet<unknown> = new Set(origin.options);
const SESSION_ACTIONS: ReadonlySet<unknown> = new Set(canonicalSession.shape.action.options);

/** Strict objects: like zod, every enumerable key, own or inherited (`for...in`), must be known. */
function onlyKeys(o: Rec, keys: ReadonlySet<string>): boolean {
  for (const key in o) if (!keys.has(key)) return false;
  return true;
}

const isIdString = (v: unknown): v is string =>
  typeof v === 'string' && v.length >= 1 && v.length <= MAX_ID_LENGTH && ID_TEXT.test(v);
const isText = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_TEXT_LENGTH;
const isUrl = (v: unknown): v is string => typeof v === 'string' && v.length <= MAX_URL_LENGTH;
/** `z.number().int().min().max()`: a finite safe integer in the range, both ends included. */
const isIntIn = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
const isTime = (v: unknown): v is number | string =>
  typeof v === 'string' ? isoTime.safeParse(v).success : isIntIn(v, MIN_TIME, MAX_TIME);
const isCount = (v: unknown): v is number => isIntIn(v, 1, MAX_COUNT);
/** An optional field: zod accepts a missing key and an explicit `undefined` alike. */
const optional = <T>(v: unknown, check: (v: unknown) => v is T): v is T | undefined =>
  v === undefined || check(v);

function isUser(v: unknown): v is CanonicalUser {
  return (
    isRec(v) &&
    onlyKeys(v, USER_KEYS) &&
    isIdString(v.id) &&
    optional(v.handle, isText) &&
    optional(v.name, isText) &&
    optional(v.avatar, isUrl)
  );
}

function isGiftInfo(v: unknown): v is CanonicalGiftInfo {
  return (
    isRec(v) &&
    onlyKeys(v, GIFT_INFO_KEYS) &&
    isIntIn(v.id, 0, Number.MAX_SAFE_INTEGER) &&
    optional(v.name, isText) &&
    (v.coins === undefined || isIntIn(v.coins, 0, MAX_COINS)) &&
    optional(v.image, isUrl) &&
    (v.streakable === undefined || typeof v.streakable === 'boolean')
  );
}

const isStreak = (v: unknown): v is { id: string; end: boolean } =>
  isRec(v) && onlyKeys(v, STREAK_KEYS) && isIdString(v.id) && typeof v.end === 'boolean';

/** The fields every canonical type shares: optional time and origin. */
const hasTimeAndOrigin = (e: Rec): boolean =>
  optional(e.time, isTime) && (e.origin === undefined || ORIGINS.has(e.origin));

/**
 * Whether the hand-written check fully accepts `e` as a canonical event. `true` promises that
 * `canonical` accepts it too and returns an equal value; `false` promises nothing (zod decides).
 */
export function acceptsCanonicalFast(e: Rec): e is Canonical & Rec {
  switch (e.type) {
    case 'gift':
      return (
        onlyKeys(e, GIFT_KEYS) &&
        isIdString(e.id) &&
        hasTimeAndOrigin(e) &&
        isUser(e.user) &&
        isGiftInfo(e.gift) &&
        optional(e.count, isCount) &&
        optional(e.streak, isStreak)
      );
    case 'session':
      return (
        onlyKeys(e, SESSION_KEYS) &&
        SESSION_ACTIONS.has(e.action) &&
        optional(e.id, isIdString) &&
        hasTimeAndOrigin(e)
      );
    case 'like':
    case 'follow':
    case 'share':
      return (
        onlyKeys(e, SOCIAL_KEYS) &&
        optional(e.id, isIdString) &&
        hasTimeAndOrigin(e) &&
        optional(e.user, isUser) &&
        optional(e.count, isCount)
      );
    case 'viewers':
      return (
        onlyKeys(e, VIEWERS_KEYS) &&
        optional(e.id, isIdString) &&
        hasTimeAndOrigin(e) &&
        isIntIn(e.count, 0, MAX_VIEWERS)
      );
    default:
      return false;
  }
}

const toMillis = (t: number | string | undefined, now: number): number =>
  t === undefined ? now : typeof t === 'number' ? t : Date.parse(t);

/** Longest error message sent back; zod lists every unknown key, and keys are hostile input. */
const MAX_MESSAGE_LENGTH = 200;

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'The event is not valid.';
  const path = issue.path.length > 0 ? issue.path.map(String).join('.') : 'event';
  const text = `${path}: ${issue.message}`;
  return text.length > MAX_MESSAGE_LENGTH ? `${text.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : text;
}

function priceGift(
  input: { id: number; name?: string; coins?: number; image?: string; streakable?: boolean },
  catalog: GiftCatalog,
  hasStreak = false,
): Result<GiftInfo> {
  const known = catalog.get(input.id);
  const coins = input.coins ?? known?.coins;
  if (coins === undefined) {
    return fail(
      'unknown_gift',
      `Gift ${input.id} is not in the catalog and the event gives no coin price.`,
    );
  }
  const image = cleanUrl(input.image) ?? cleanUrl(known?.image);
  return ok({
    id: input.id,
    // An empty name says nothing: fall back like a missing one.
    name: clampText(input.name || known?.name || `Gift ${input.id}`),
    coins,
    // A gift nobody describes but that arrives with streak data is a streak: its counts are
    // running counts, and adding them up would count the same gifts again and again.
    streakable: input.streakable ?? known?.streakable ?? hasStreak,
    ...(image ? { image } : {}),
  });
}

function viewer(u: { id: string; handle?: string; name?: string; avatar?: string }): Viewer {
  const avatar = cleanUrl(u.avatar);
  const handle = clampText((u.handle ?? '').replace(/^@/, ''));
  return {
    id: u.id,
    handle,
    // Protobuf gives "" for a nickname left out: show the handle then, as for a missing name.
    name: clampText(u.name || handle),
    ...(avatar ? { avatar } : {}),
  };
}

function fromCanonical(input: Rec, ctx: NormalizeContext, fastPath: boolean): Result<LiveEvent> {
  if (fastPath && acceptsCanonicalFast(input)) return buildCanonical(input, ctx);
  const parsed = canonical.safeParse(input);
  if (!parsed.success) return fail('invalid_event', describeIssue(parsed.error));
  return buildCanonical(parsed.data, ctx);
}

/** The event for a canonical input that the schema accepts (whichever check said so). */
function buildCanonical(e: Canonical, ctx: NormalizeContext): Result<LiveEvent> {
  const when = toMillis(e.time, ctx.now);
  const from: EventOrigin = e.origin ?? ctx.origin;
  switch (e.type) {
    case 'gift': {
      const gift = priceGift(e.gift, ctx.catalog, e.streak !== undefined);
      if (!gift.ok) return gift;
      const event: GiftEvent = {
        type: 'gift',
        id: e.id,
        time: when,
        user: viewer(e.user),
        gift: gift.value,
        count: e.count ?? 1,
        origin: from,
        // A copy: the fast path hands over the caller's object, which must not end up shared.
        ...(e.streak ? { streak: { id: e.streak.id, end: e.streak.end } } : {}),
      };
      return ok(event);
    }
    case 'session': {
      const event: SessionEvent = {
        type: 'session',
        id: e.id ?? ctx.makeId(),
        time: when,
        action: e.action,
        origin: from,
      };
      return ok(event);
    }
    case 'like':
    case 'follow':
    case 'share': {
      const event: SocialEvent = {
        type: e.type,
        id: e.id ?? ctx.makeId(),
        time: when,
        user: viewer(e.user ?? { id: '0' }),
        count: e.count ?? 1,
        origin: from,
      };
      return ok(event);
    }
    case 'viewers': {
      const event: ViewersEvent = {
        type: 'viewers',
        id: e.id ?? ctx.makeId(),
        time: when,
        count: e.count,
        origin: from,
      };
      return ok(event);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Connector shapes: lenient readers over what TikTok-Live-Connector (v1, 2.0–2.1, 2.4+) and
// TikFinity actually send. Ids arrive as strings or numbers, flags as booleans or 0/1, times as
// strings or numbers. Anything that cannot be read exactly is refused, never guessed.

const rec = (v: unknown): Rec => (isRec(v) ? v : {});

/**
 * An id: a non-empty string, a bigint, or a non-negative safe integer number. A number beyond 2^53
 * has already lost digits (JSON.parse rounds it), so two different ids could read the same and a
 * real gift would be dropped as a duplicate: refuse it rather than guess.
 */
function readId(v: unknown): string | undefined {
  if (typeof v === 'string')
    return v.length > 0 && v.length <= MAX_ID_LENGTH && ID_TEXT.test(v) ? v : undefined;
  if (typeof v === 'bigint') {
    const text = v.toString();
    return v >= 0n && text.length <= MAX_ID_LENGTH ? text : undefined;
  }
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v);
  return undefined;
}

/**
 * The first candidate that is set. Protobuf decoders fill absent fields with "" or "0", so those
 * count as not set and the next candidate is tried.
 */
function firstSet(...candidates: unknown[]): unknown {
  for (const c of candidates) {
    if (c === undefined || c === null || c === '' || c === '0' || c === 0 || c === 0n) continue;
    return c;
  }
  return undefined;
}

/** A non-negative integer from a number, a bigint or a string of digits. */
function readInt(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isSafeInteger(v) && v >= 0 ? v : undefined;
  if (typeof v === 'bigint')
    return v >= 0n && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : undefined;
  if (typeof v === 'string' && /^\d{1,16}$/.test(v)) return readInt(Number(v));
  return undefined;
}

function readBool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 0 || v === '0') return false;
  if (v === 1 || v === '1') return true;
  return undefined;
}

const readStr = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const firstUrl = (v: unknown): string | undefined =>
  Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;

/** Connector time: ms since epoch; seconds are recognised by size and scaled. */
function readTime(v: unknown, now: number): number | 'bad' {
  if (v === undefined || v === null || v === '' || v === 0 || v === '0') return now;
  const n = readInt(v);
  if (n === undefined) return 'bad';
  const ms = n < 10_000_000_000 ? n * 1000 : n;
  return ms >= MIN_TIME && ms <= MAX_TIME ? ms : 'bad';
}

/** The fields a gift message carries, whichever connector shape they came in. */
interface ConnectorGift {
  msgId: unknown;
  giftId: unknown;
  giftType: unknown;
  coins: unknown;
  repeatCount: unknown;
  repeatEnd: unknown;
  groupId: unknown;
  userId: unknown;
  handle: unknown;
  nickname: unknown;
  avatar: unknown;
  giftName: unknown;
  giftImage: unknown;
  time: unknown;
}

/**
 * TikTok-Live-Connector v1 flat objects (also what TikFinity forwards). The 2.4+ legacy emitter
 * produces this shape without `diamondCount`/`giftType`; it attaches the gift-list entry as
 * `extendedGiftInfo` instead, in the gift-list API's snake_case.
 */
function pickV1(d: Rec): ConnectorGift {
  const ext = rec(d.extendedGiftInfo);
  return {
    msgId: d.msgId,
    giftId: d.giftId,
    giftType: d.giftType ?? ext.type,
    coins: d.diamondCount ?? ext.diamond_count ?? ext.diamondCount,
    repeatCount: d.repeatCount,
    repeatEnd: d.repeatEnd,
    groupId: d.groupId,
    userId: d.userId,
    handle: d.uniqueId,
    nickname: d.nickname,
    avatar: d.profilePictureUrl,
    giftName: d.giftName ?? ext.name,
    giftImage:
      d.giftPictureUrl ?? firstUrl(rec(ext.image).url_list) ?? firstUrl(rec(ext.image).urlList),
    time: d.createTime ?? d.timestamp,
  };
}

/** TikTok-Live-Connector 2.0–2.1: `giftDetails` and a `user` object. */
function pickV2(d: Rec): ConnectorGift {
  const details = rec(d.giftDetails);
  const user = rec(d.user);
  const common = rec(d.common);
  return {
    msgId: firstSet(common.msgId, d.msgId),
    giftId: d.giftId,
    giftType: details.giftType,
    coins: details.diamondCount,
    repeatCount: d.repeatCount,
    repeatEnd: d.repeatEnd,
    groupId: d.groupId,
    userId: firstSet(user.userId, user.id),
    handle: user.uniqueId,
    nickname: user.nickname,
    avatar: firstUrl(rec(user.profilePicture).url) ?? firstUrl(rec(user.profilePicture).urls),
    giftName: details.giftName,
    giftImage: firstUrl(rec(details.giftImage).url) ?? firstUrl(rec(details.giftImage).urlList),
    time: common.createTime ?? d.createTime,
  };
}

/** TikTok-Live-Connector 2.4+: the decoded v3 protobuf message. */
function pickV3(d: Rec): ConnectorGift {
  const gift = rec(d.gift);
  const user = rec(d.user);
  const common = rec(d.common);
  return {
    msgId: firstSet(common.msgId, d.msgId),
    giftId: firstSet(d.giftId, gift.id),
    giftType: gift.type,
    coins: gift.diamondCount,
    repeatCount: d.repeatCount,
    repeatEnd: d.repeatEnd,
    groupId: d.groupId,
    userId: firstSet(user.idStr, user.id),
    handle: user.displayId || user.uniqueId,
    nickname: user.nickname,
    avatar: firstUrl(rec(user.avatarThumb).urlList),
    giftName: gift.name,
    giftImage: firstUrl(rec(gift.image).urlList),
    time: common.createTime ?? d.createTime,
  };
}

function fromConnectorGift(
  g: ConnectorGift,
  ctx: NormalizeContext,
  shape: string,
): Result<GiftEvent> {
  const bad = (field: string): Result<never> =>
    fail('invalid_event', `${shape} gift: ${field} is missing or not valid.`);
  // "0" is a protobuf default, not an id: taking it would make every such message a duplicate.
  const id = g.msgId === '0' || g.msgId === 0 ? undefined : readId(g.msgId);
  if (id === undefined) return bad('message id');
  const giftId = readInt(g.giftId);
  if (giftId === undefined) return bad('gift id');
  const userId = readId(g.userId);
  if (userId === undefined) return bad('user id');
  const count = g.repeatCount === undefined ? 1 : readInt(g.repeatCount);
  if (count === undefined || count < 1 || count > MAX_COUNT) return bad('repeatCount');
  let coins: number | undefined;
  if (g.coins !== undefined && g.coins !== null) {
    coins = readInt(g.coins);
    if (coins === undefined || coins > MAX_COINS) return bad('coin price');
    // No real gift is free (none in TikTok's gift lists costs 0): a 0 here is the protobuf
    // default of a field TikTok left out, so the catalog decides, as for a missing price.
    if (coins === 0) coins = undefined;
  }
  const time = readTime(g.time, ctx.now);
  if (time === 'bad') return bad('time');
  // Type 0 does not exist either (1 = streakable, 2 and 4 are not); it is a protobuf default.
  const giftType = readInt(g.giftType) || undefined;
  const end = g.repeatEnd === undefined ? undefined : readBool(g.repeatEnd);
  if (g.repeatEnd !== undefined && end === undefined) return bad('repeatEnd');
  const name = readStr(g.giftName);
  const image = readStr(g.giftImage);
  const groupId = readId(g.groupId);
  const gift = priceGift(
    {
      id: giftId,
      ...(name ? { name } : {}),
      ...(coins !== undefined ? { coins } : {}),
      ...(image ? { image } : {}),
      ...(giftType !== undefined ? { streakable: giftType === 1 } : {}),
    },
    ctx.catalog,
    groupId !== undefined || end !== undefined,
  );
  if (!gift.ok) return gift;
  const streak =
    gift.value.streakable && (groupId !== undefined || end !== undefined)
      ? { id: groupId && groupId !== '0' ? groupId : '', end: end ?? false }
      : undefined;
  const handle = readStr(g.handle);
  const nickname = readStr(g.nickname);
  const avatar = readStr(g.avatar);
  return ok({
    type: 'gift',
    id,
    time,
    user: viewer({
      id: userId,
      ...(handle !== undefined ? { handle } : {}),
      ...(nickname !== undefined ? { name: nickname } : {}),
      ...(avatar !== undefined ? { avatar } : {}),
    }),
    gift: gift.value,
    count,
    origin: ctx.origin,
    ...(streak ? { streak } : {}),
  });
}

/** Decides which connector produced a bare gift object. */
function connectorShape(d: Rec): 'v1' | 'v2' | 'v3' | undefined {
  if (isRec(d.giftDetails)) return 'v2';
  if (isRec(d.gift) && isRec(d.user)) return 'v3';
  if (d.giftId !== undefined && (d.userId !== undefined || d.uniqueId !== undefined)) return 'v1';
  if (isRec(d.user) && d.giftId !== undefined) return 'v2';
  return undefined;
}

const PICKERS = { v1: pickV1, v2: pickV2, v3: pickV3 } as const;
/** `type` values of the canonical shape; connector objects may carry a `type` of their own. */
const CANONICAL_TYPES: ReadonlySet<string> = new Set([
  'gift',
  'session',
  'like',
  'follow',
  'share',
  'viewers',
]);
const SHAPE_NAMES = {
  v1: 'TikTok-Live-Connector v1',
  v2: 'TikTok-Live-Connector 2.0',
  v3: 'TikTok-Live-Connector 2.4',
} as const;

function fromTikFinity(name: string, data: Rec, ctx: NormalizeContext): Result<Normalized> {
  const when = readTime(data.createTime ?? data.timestamp, ctx.now);
  const time = when === 'bad' ? ctx.now : when;
  // "0" is no id: taken as one, every such like after the first would be a duplicate.
  const msgId = readId(firstSet(data.msgId)) ?? ctx.makeId();
  const user = (): Viewer => {
    const handle = readStr(data.uniqueId);
    const nickname = readStr(data.nickname);
    const avatar = readStr(data.profilePictureUrl);
    return viewer({
      id: readId(data.userId) ?? '0',
      ...(handle !== undefined ? { handle } : {}),
      ...(nickname !== undefined ? { name: nickname } : {}),
      ...(avatar !== undefined ? { avatar } : {}),
    });
  };
  switch (name) {
    case 'gift': {
      // TikFinity forwards the v1 flat shape; a bridge forwarding a newer connector's shape works too.
      const picker = PICKERS[connectorShape(data) ?? 'v1'];
      const event = fromConnectorGift(picker(data), ctx, 'TikFinity');
      return event.ok ? ok({ kind: 'event', event: event.value }) : event;
    }
    case 'like':
    case 'follow':
    case 'share': {
      const count = name === 'like' ? (readInt(data.likeCount) ?? 1) : 1;
      // Same bound as the canonical shape: an absurd count is an error, not a statistic.
      if (count > MAX_COUNT)
        return fail('invalid_event', 'TikFinity like: likeCount is not a plausible count.');
      return ok({
        kind: 'event',
        event: {
          type: name,
          id: msgId,
          time,
          user: user(),
          count: Math.max(1, count),
          origin: ctx.origin,
        },
      });
    }
    case 'roomUser': {
      const count = readInt(data.viewerCount);
      if (count === undefined || count > MAX_VIEWERS)
        return fail('invalid_event', 'TikFinity roomUser: viewerCount is missing or not valid.');
      return ok({
        kind: 'event',
        event: { type: 'viewers', id: msgId, time, count, origin: ctx.origin },
      });
    }
    case 'streamEnd':
      return ok({
        kind: 'event',
        event: { type: 'session', id: msgId, time, action: 'end', origin: ctx.origin },
      });
    default:
      return ok({ kind: 'ignored', reason: `TikFinity event "${name.slice(0, 40)}" is not kept.` });
  }
}

/**
 * Turns any accepted input shape into a canonical event, or a structured error. Never throws on
 * bad input. Shapes: Gemlight canonical (`type`), TikFinity (`event` + `data`), and bare
 * TikTok-Live-Connector gift objects (v1 flat, 2.0–2.1 `giftDetails`, 2.4+ v3).
 */
export function normalizeEvent(input: unknown, ctx: NormalizeContext): Result<Normalized> {
  return normalize(input, ctx, true);
}

/**
 * normalizeEvent with canonical events checked by zod alone, never the fast path: the reference
 * the fast path is tested (and benchmarked) against.
 */
export function normalizeEventZodOnly(input: unknown, ctx: NormalizeContext): Result<Normalized> {
  return normalize(input, ctx, false);
}

function normalize(input: unknown, ctx: NormalizeContext, fastPath: boolean): Result<Normalized> {
  if (!isRec(input)) return fail('invalid_event', 'An event must be a JSON object.');
  if (typeof input.type === 'string' && CANONICAL_TYPES.has(input.type)) {
    const event = fromCanonical(input, ctx, fastPath);
    return event.ok ? ok({ kind: 'event', event: event.value }) : event;
  }
  if (typeof input.event === 'string') {
    if (!isRec(input.data))
      return fail('invalid_event', 'A TikFinity event needs a "data" object.');
    return fromTikFinity(input.event, input.data, ctx);
  }
  const shape = connectorShape(input);
  if (shape) {
    const event = fromConnectorGift(PICKERS[shape](input), ctx, SHAPE_NAMES[shape]);
    return event.ok ? ok({ kind: 'event', event: event.value }) : event;
  }
  return fail(
    'invalid_event',
    'Unrecognised event: expected a Gemlight event with "type", a TikFinity event with "event", or a TikTok-Live-Connector gift.',
  );
}
