import type {
  CurrentSession,
  GiftBreakdown,
  GifterProfile,
  GifterRef,
  Page,
  ParamsOf,
  RangeSummary,
  SessionDetail,
  SessionSummary,
  TimelinePoint,
} from '../../../shared/api';
import type { Currency } from '../../../shared/earnings';
import type { GifterTotal } from '../../../shared/leaderboard';
import * as Q from '../../../shared/rational';
import type { CashBook } from './cashBook';
import type { LedgerDb } from './db';
import { ratesFromJson } from './ratesCodec';
import { dayStart, monthStart, weekStart } from './writer';
import { prepared } from './statements';

/** A row of the sessions table. */
export interface SessionRow {
  id: number;
  started_at: number;
  ended_at: number | null;
  end_reason: string | null;
  simulated: number;
  rates: string;
  coins: number;
  gift_count: number;
  gifter_count: number;
  likes: number;
  follows: number;
  shares: number;
  viewers: number;
  peak_viewers: number;
  last_event_at: number;
}

/** What read queries need besides the handle. */
export interface ReadContext {
  db: LedgerDb;
  cash: CashBook;
  currency: Currency;
  now: number;
}

/** Whole diamonds of a session: coins × the session's diamonds-per-coin, rounded down. */
export function diamondsOf(row: Pick<SessionRow, 'coins' | 'rates'>): number {
  const rates = ratesFromJson(row.rates);
  return Number(Q.floor(Q.mul(Q.rational(row.coins), rates.diamondsPerCoin)));
}

/** One session's row, if it exists. */
export function getSessionRow(db: LedgerDb, id: number): SessionRow | undefined {
  return prepared<[number], SessionRow>(db, 'SELECT * FROM sessions WHERE id = ?').get(id);
}

/** Milliseconds of a session no source observed. */
export function gapMsOf(db: LedgerDb, sessionId: number, now: number): number {
  const row = prepared<[number, number], { ms: number | null }>(
    db,
    'SELECT sum(coalesce(to_at, ?) - from_at) AS ms FROM gaps WHERE session_id = ?',
  ).get(now, sessionId);
  return Math.max(0, row?.ms ?? 0);
}

interface GifterRow {
  user_id: string;
  coins: number;
  reached_at: number;
  handle: string | null;
  name: string | null;
  avatar: string | null;
}

const gifterRef = (r: GifterRow): GifterRef => ({
  userId: r.user_id,
  handle: r.handle ?? '',
  name: r.name ?? '',
  coins: r.coins,
});

const gifterTotal = (r: GifterRow): GifterTotal => ({
  userId: r.user_id,
  handle: r.handle ?? '',
  name: r.name ?? '',
  ...(r.avatar ? { avatar: r.avatar } : {}),
  coins: r.coins,
  reachedAt: r.reached_at,
});

/** The top gifters of one session, ranked like the live leaderboard. */
export function sessionGifters(db: LedgerDb, sessionId: number, limit: number): GifterTotal[] {
  return prepared<[number, number], GifterRow>(
    db,
    `SELECT g.user_id, g.coins, g.reached_at, u.handle, u.name, u.avatar
       FROM session_gifters g LEFT JOIN users u ON u.id = g.user_id
       WHERE g.session_id = ? ORDER BY g.coins DESC, g.reached_at, g.user_id LIMIT ?`,
  )
    .all(sessionId, limit)
    .map(gifterTotal);
}

/** A session as listed in the history. */
export function sessionSummary(ctx: ReadContext, row: SessionRow): SessionSummary {
  const top = sessionGifters(ctx.db, row.id, 1)[0];
  const simulated = row.simulated === 1;
  return {
    id: String(row.id),
    startedAt: row.started_at,
    endedAt: row.ended_at,
    simulated,
    coins: row.coins,
    diamonds: diamondsOf(row),
    giftCount: row.gift_count,
    gifterCount: row.gifter_count,
    cash: {
      currency: ctx.currency.code,
      minor: simulated ? 0 : Number(ctx.cash.rounded(row.id)),
    },
    topGifter: top
      ? { userId: top.userId, handle: top.handle, name: top.name, coins: top.coins }
      : null,
    gapMs: gapMsOf(ctx.db, row.id, ctx.now),
  };
}

const SORT_COLUMNS = {
  startedAt: 'started_at',
  coins: 'coins',
  diamonds: 'coins',
  giftCount: 'gift_count',
  gifterCount: 'gifter_count',
  duration: 'coalesce(ended_at, last_event_at) - started_at',
} as const;

/** Sessions, newest first by default, paginated with an opaque offset cursor. */
export function listSessions(
  ctx: ReadContext,
  params: ParamsOf<'sessions.list'>,
): Page<SessionSummary> {
  const limit = Math.min(Math.max(params.limit ?? 50, 1), 500);
  const offset = params.cursor ? Number.parseInt(params.cursor, 10) || 0 : 0;
  const where: string[] = [];
  const args: number[] = [];
  if (!params.includeSimulated) where.push('simulated = 0');
  if (params.from !== undefined) {
    where.push('started_at >= ?');
    args.push(params.from);
  }
  if (params.to !== undefined) {
    where.push('started_at < ?');
    args.push(params.to);
  }
  const clause = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
  const column = SORT_COLUMNS[params.sort ?? 'startedAt'];
  const order = (params.order ?? 'desc') === 'asc' ? 'ASC' : 'DESC';
  const total =
    prepared<number[], { n: number }>(ctx.db, `SELECT count(*) AS n FROM sessions ${clause}`).get(
      ...args,
    )?.n ?? 0;
  const rows = prepared<number[], SessionRow>(
    ctx.db,
    `SELECT * FROM sessions ${clause} ORDER BY ${column} ${order}, id ${order} LIMIT ? OFFSET ?`,
  ).all(...args, limit, offset);
  const next = offset + rows.length;
  return {
    items: rows.map((r) => sessionSummary(ctx, r)),
    nextCursor: next < total ? String(next) : null,
    total,
  };
}

/** A session with its top gifters. */
export function currentSessionOf(ctx: ReadContext, row: SessionRow): CurrentSession {
  return {
    ...sessionSummary(ctx, row),
    topGifters: sessionGifters(ctx.db, row.id, 10).map((g) => ({
      userId: g.userId,
      handle: g.handle,
      name: g.name,
      coins: g.coins,
    })),
  };
}

/** Everything the session detail view shows. */
export function sessionDetail(ctx: ReadContext, row: SessionRow): SessionDetail {
  const rates = ratesFromJson(row.rates);
  const gifts = prepared<
    [number],
    {
      gift_id: number;
      name: string;
      image: string | null;
      coins_each: number;
      count: number;
      coins: number;
    }
  >(
    ctx.db,
    'SELECT gift_id, name, image, coins_each, count, coins FROM session_gifts WHERE session_id = ? ORDER BY coins DESC, gift_id',
  )
    .all(row.id)
    .map((g): GiftBreakdown => ({
      giftId: g.gift_id,
      name: g.name,
      ...(g.image ? { image: g.image } : {}),
      coinsEach: g.coins_each,
      count: g.count,
      coins: g.coins,
    }));
  const timeline = prepared<[number], { minute: number; coins: number; gifts: number }>(
    ctx.db,
    'SELECT minute, coins, gifts FROM minute_rollups WHERE session_id = ? ORDER BY minute',
  )
    .all(row.id)
    .map((m): TimelinePoint => ({
      minute: m.minute,
      coins: m.coins,
      diamonds: Number(Q.floor(Q.mul(Q.rational(m.coins), rates.diamondsPerCoin))),
      gifts: m.gifts,
    }));
  const gaps = prepared<[number], { from_at: number; to_at: number | null }>(
    ctx.db,
    'SELECT from_at, to_at FROM gaps WHERE session_id = ? ORDER BY from_at',
  )
    .all(row.id)
    .map((g) => ({ from: g.from_at, to: g.to_at }));
  const gifters = prepared<[number], GifterRow>(
    ctx.db,
    `SELECT g.user_id, g.coins, g.reached_at, u.handle, u.name, u.avatar
       FROM session_gifters g LEFT JOIN users u ON u.id = g.user_id
       WHERE g.session_id = ? ORDER BY g.coins DESC, g.reached_at, g.user_id LIMIT 500`,
  )
    .all(row.id)
    .map(gifterRef);
  return {
    ...currentSessionOf(ctx, row),
    gifts,
    timeline,
    gaps,
    gifters,
    likes: row.likes,
    follows: row.follows,
    shares: row.shares,
    peakViewers: row.peak_viewers,
  };
}

/** Totals over the counted sessions that started in [from, to). */
export function rangeSummary(
  ctx: ReadContext,
  from?: number,
  to?: number,
  distinctGifters?: (from: number, to: number) => number,
): RangeSummary {
  const lo = from ?? Number.MIN_SAFE_INTEGER;
  const hi = to ?? Number.MAX_SAFE_INTEGER;
  const rows = prepared<
    [number, number],
    { id: number; coins: number; gift_count: number; rates: string }
  >(
    ctx.db,
    'SELECT id, coins, gift_count, rates FROM sessions WHERE simulated = 0 AND started_at >= ? AND started_at < ?',
  ).all(lo, hi);
  let coins = 0;
  let diamonds = 0;
  let gifts = 0;
  for (const r of rows) {
    coins += r.coins;
    gifts += r.gift_count;
    diamonds += diamondsOf(r);
  }
  const gifterCount =
    from === undefined && to === undefined
      ? (prepared<[], { n: number }>(ctx.db, 'SELECT count(*) AS n FROM all_gifters').get()?.n ?? 0)
      : distinctGifters
        ? distinctGifters(lo, hi)
        : (prepared<[number, number], { n: number }>(
            ctx.db,
            `SELECT count(DISTINCT g.user_id) AS n FROM session_gifters g
               WHERE g.session_id IN (
                 SELECT id FROM sessions WHERE simulated = 0 AND started_at >= ? AND started_at < ?)`,
          ).get(lo, hi)?.n ?? 0);
  return {
    from: from ?? null,
    to: to ?? null,
    sessions: rows.length,
    coins,
    diamonds,
    giftCount: gifts,
    gifterCount,
    cash: {
      currency: ctx.currency.code,
      minor: Number(ctx.cash.rangeRounded(from ?? null, to ?? null)),
    },
  };
}

/** Gifters ranked over a calendar period (never simulated). */
export function periodGifters(
  db: LedgerDb,
  period: 'day' | 'week' | 'month' | 'all',
  at: number,
  limit: number,
): GifterTotal[] {
  if (period === 'all') {
    return prepared<[number], GifterRow>(
      db,
      `SELECT a.user_id, a.coins, a.reached_at, u.handle, u.name, u.avatar
         FROM all_gifters a LEFT JOIN users u ON u.id = a.user_id
         ORDER BY a.coins DESC, a.reached_at, a.user_id LIMIT ?`,
    )
      .all(limit)
      .map(gifterTotal);
  }
  const table =
    period === 'day' ? 'day_gifters' : period === 'week' ? 'week_gifters' : 'month_gifters';
  const column = period === 'day' ? 'day' : period === 'week' ? 'week' : 'month';
  const key = period === 'day' ? dayStart(at) : period === 'week' ? weekStart(at) : monthStart(at);
  return prepared<[number, number], GifterRow>(
    db,
    `SELECT d.user_id, d.coins, d.reached_at, u.handle, u.name, u.avatar
       FROM ${table} d LEFT JOIN users u ON u.id = d.user_id
       WHERE d.${column} = ? ORDER BY d.coins DESC, d.reached_at, d.user_id LIMIT ?`,
  )
    .all(key, limit)
    .map(gifterTotal);
}

/** One gifter's history; null when the ledger never saw them gift. */
export function gifterProfile(db: LedgerDb, userId: string): GifterProfile | null {
  const user = prepared<
    [string],
    {
      id: string;
      handle: string;
      name: string;
      avatar: string | null;
      first_seen: number;
      last_seen: number;
    }
  >(db, 'SELECT * FROM users WHERE id = ?').get(userId);
  if (!user) return null;
  const all = prepared<[string], { coins: number }>(
    db,
    'SELECT coins FROM all_gifters WHERE user_id = ?',
  ).get(userId);
  const sessions =
    prepared<[string], { n: number }>(
      db,
      `SELECT count(*) AS n FROM session_gifters g JOIN sessions s ON s.id = g.session_id
         WHERE g.user_id = ? AND s.simulated = 0`,
    ).get(userId)?.n ?? 0;
  const biggest = prepared<
    [string],
    { gift_id: number; gift_name: string; coins: number; first_at: number }
  >(
    db,
    `SELECT s.gift_id, s.gift_name, s.coins, s.first_at
       FROM all_gifters a JOIN streaks s ON s.id = a.best_streak_id WHERE a.user_id = ?`,
  ).get(userId);
  return {
    userId: user.id,
    handle: user.handle,
    name: user.name,
    coins: all?.coins ?? 0,
    ...(user.avatar ? { avatar: user.avatar } : {}),
    firstSeen: user.first_seen,
    lastSeen: user.last_seen,
    sessions,
    biggestGift: biggest
      ? {
          giftId: biggest.gift_id,
          name: biggest.gift_name,
          coins: biggest.coins,
          time: biggest.first_at,
        }
      : null,
  };
}

/** One exported gift (a whole streak is one gift row). */
export interface ExportRow {
  id: number;
  first_at: number;
  last_at: number;
  session_id: number;
  user_id: string;
  handle: string | null;
  name: string | null;
  gift_id: number;
  gift_name: string;
  coins_each: number;
  count: number;
  coins: number;
}

/** A page of counted gifts whose streak started in [from, to), oldest first, after `after`. */
export function exportGiftsPage(
  db: LedgerDb,
  range: { from?: number; to?: number },
  after: { firstAt: number; id: number } | null,
  limit: number,
): ExportRow[] {
  const from = range.from ?? Number.MIN_SAFE_INTEGER;
  const afterAt = after?.firstAt ?? Number.MIN_SAFE_INTEGER;
  const afterId = after?.id ?? 0;
  return prepared<[number, number, number, number, number, number], ExportRow>(
    db,
    `SELECT s.id, s.first_at, s.last_at, s.session_id, s.user_id, u.handle, u.name, s.gift_id,
              s.gift_name, s.coins_each, s.count, s.coins
       FROM streaks s LEFT JOIN users u ON u.id = s.user_id
       WHERE s.first_at >= max(?, ?) AND s.first_at < ? AND s.simulated = 0
         AND (s.first_at > ? OR s.id > ?)
       ORDER BY s.first_at, s.id LIMIT ?`,
  ).all(from, afterAt, range.to ?? Number.MAX_SAFE_INTEGER, afterAt, afterId, limit);
}

/**
 * The raw events of a session as they were received, each with `_at` (ms since the session
 * started), for replaying it. Session boundaries and connection records are left out.
 */
export function storedSessionFrames(db: LedgerDb, row: SessionRow): unknown[] {
  const end = row.ended_at ?? row.last_event_at;
  const origins = row.simulated === 1 ? ['simulated', 'replay'] : ['live'];
  return prepared<[number, number, string, string], { raw: string; received_at: number }>(
    db,
    `SELECT raw, received_at FROM raw_events
       WHERE received_at >= ? AND received_at <= ? AND origin IN (?, ?)
         AND kind NOT IN ('session', 'connection')
       ORDER BY seq`,
  )
    .all(row.started_at, end, origins[0] ?? 'live', origins[1] ?? origins[0] ?? 'live')
    .map((r) => {
      const raw = JSON.parse(r.raw) as unknown;
      return typeof raw === 'object' && raw !== null && !Array.isArray(raw)
        ? { ...(raw as Record<string, unknown>), _at: r.received_at - row.started_at }
        : raw;
    });
}
