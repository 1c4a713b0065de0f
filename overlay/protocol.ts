import * as z from 'zod/mini';
import { emptyLiveState, type LiveMessage, type LiveState } from '../shared/liveState';
import {
  CURRENCY_CODE,
  MAX_BOARD,
  MAX_TEXT,
  MAX_URL,
  fastFrame,
  type ShownMessage,
} from './fastFrames';

/**
 * The overlay's side of the /events WebSocket: every frame is checked against a schema before
 * the reducer sees it. Only the parts the overlay shows are validated and kept; messages for the
 * dashboard (sources, overlays, social counts) are recognised and ignored.
 */

const count = z.number().check(z.int(), z.nonnegative());
const text = z.string().check(z.maxLength(MAX_TEXT));
const url = z.optional(z.string().check(z.maxLength(MAX_URL)));

const viewer = z.object({ id: text, handle: text, name: text, avatar: url });
const gift = z.object({
  id: count,
  name: text,
  coins: count,
  image: url,
  streakable: z.boolean(),
});
const origin = z.enum(['live', 'simulated', 'replay', 'test']);

const countedGift = z.object({
  key: text,
  id: text,
  time: z.number(),
  user: viewer,
  gift,
  count,
  deltaCount: z.number(),
  deltaCoins: z.number(),
  started: z.boolean(),
  ended: z.boolean(),
  origin,
  sessionId: z.nullable(text),
  // Sent before COMMIT: the alert scheduler treats it like its committed twin (same key, same count).
  pending: z.optional(z.literal(true)),
});

const gifterTotal = z.object({
  userId: text,
  handle: text,
  name: text,
  avatar: url,
  coins: z.number(),
  reachedAt: z.number(),
});
const board = z.array(gifterTotal).check(z.maxLength(MAX_BOARD));

const goalProgress = z.object({
  goal: z.object({
    id: text,
    label: text,
    kind: z.enum(['diamonds', 'cash']),
    target: z.number(),
    rollover: z.boolean(),
    createdAt: z.number(),
  }),
  current: z.number(),
  target: z.number(),
  fraction: z.number(),
  reached: z.boolean(),
  completions: count,
});

const session = z.object({
  id: text,
  startedAt: z.number(),
  endedAt: z.nullable(z.number()),
  simulated: z.boolean(),
  coins: z.number(),
  gifts: z.number(),
  gifters: z.number(),
  likes: z.number(),
  follows: z.number(),
  shares: z.number(),
  viewers: z.number(),
  diamondsPerCoin: text,
  minorPerDiamond: text,
  cashBefore: text,
  gapMs: z.number(),
});

const period = z.enum(['session', 'day', 'all']);

const snapshot = z.object({
  type: z.literal('snapshot'),
  state: z.object({
    session: z.nullable(session),
    leaderboards: z.object({ session: board, day: board, all: board }),
    goal: z.nullable(goalProgress),
    currency: z.object({ code: z.string().check(z.regex(CURRENCY_CODE)), exponent: count }),
  }),
});

const shown = z.discriminatedUnion('type', [
  snapshot,
  z.object({ type: z.literal('gift'), gift: countedGift }),
  z.object({ type: z.literal('combo'), key: text, count, ended: z.boolean() }),
  z.object({ type: z.literal('session'), session: z.nullable(session) }),
  z.object({ type: z.literal('leaderboard'), period, entries: board }),
  z.object({ type: z.literal('goal'), goal: z.nullable(goalProgress) }),
]);

const IGNORED = new Set(['social', 'viewers', 'source', 'overlays']);

/** A frame as the overlay understands it. */
export type OverlayMessage =
  | { kind: 'message'; message: LiveMessage }
  | { kind: 'ignored' }
  | { kind: 'invalid'; reason: string };

/** Parses one text frame from /events. Never throws. */
export function parseFrame(data: unknown): OverlayMessage {
  return parse(data, true);
}

/** `parseFrame` with the schema alone deciding: what the hand-checked path is tested against. */
export function parseFrameSchemaOnly(data: unknown): OverlayMessage {
  return parse(data, false);
}

function parse(data: unknown, fastPath: boolean): OverlayMessage {
  if (typeof data !== 'string') return { kind: 'invalid', reason: 'binary frame' };
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch {
    return { kind: 'invalid', reason: 'not JSON' };
  }
  const type = (json as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && IGNORED.has(type)) return { kind: 'ignored' };
  // Checked by hand first; anything that path is not sure of goes to the schema, which decides.
  let m: ShownMessage | undefined = fastPath ? fastFrame(json) : undefined;
  if (m === undefined) {
    const parsed = shown.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { kind: 'invalid', reason: issue ? `${issue.path.join('.')}: ${issue.message}` : '?' };
    }
    m = parsed.data;
  }
  if (m.type === 'snapshot') {
    // The parts the overlay does not show start empty: they are never read here.
    const state: LiveState = { ...emptyLiveState(m.state.currency), ...m.state };
    return { kind: 'message', message: { type: 'snapshot', state } };
  }
  return { kind: 'message', message: m };
}
