import type {
  EventOrigin,
  GiftEvent,
  LiveEvent,
  SocialEvent,
  Viewer,
} from '../../../shared/events';
import type { Rates } from '../../../shared/earnings';
import type { CountedGift } from '../../../shared/liveState';
import { assertNever } from '../../../shared/result';
import {
  applyToStreak,
  closeStreak,
  continuesStreak,
  streakLookupKey,
  type StreakState,
} from '../../../shared/streaks';
import type { LedgerDb } from './db';
import { ratesToJson } from './ratesCodec';

/**
 * The ledger's write side. Every record goes into the append-only raw log and is then applied to
 * the derived tables (sessions, streaks, gifters, rollups). Applying is deterministic given the
 * record and its arrival time, so `--rebuild` replays the raw log through the same code.
 */

/** A source's connection change, logged like an event so a rebuild sees it too. */
export interface ConnectionRecord {
  type: 'connection';
  id: string;
  source: string;
  state: 'connected' | 'disconnected';
  time: number;
  origin: EventOrigin;
}

/** What the raw log holds: a normalized event or a connection change. */
export type LedgerRecord = LiveEvent | ConnectionRecord;

/** What applying a record changed, for the live broadcast. */
export type LedgerEffect =
  | { type: 'gift'; gift: CountedGift }
  | { type: 'streakClosed'; key: string; count: number }
  | {
      type: 'social';
      kind: SocialEvent['type'];
      count: number;
      user: Viewer;
      time: number;
      sessionId: number | null;
    }
  | { type: 'viewers'; count: number; sessionId: number | null }
  | { type: 'sessionChanged'; sessionId: number }
  /** A viewer gifted for the first time in a counted session. */
  | { type: 'newGifter'; sessionId: number; userId: string }
  /** The count of viewers who came back from `prevSessionId` to `sessionId` changed. */
  | { type: 'gifterReturn'; prevSessionId: number; sessionId: number; delta: number };

/** Settings the write side reads each time (they can change while running). */
export interface WriterConfig {
  ratesAt(time: number): Rates;
  sessionIdleTimeoutMs(): number;
  streakTimeoutMs(): number;
}

interface SessionRow {
  id: number;
  started_at: number;
  last_event_at: number;
  simulated: number;
}

interface StreakRow {
  id: number;
  lookup: string;
  session_id: number;
  user_id: string;
  gift_id: number;
  group_id: string;
  coins_each: number;
  count: number;
  ended: number;
  streakable: number;
  first_at: number;
  last_at: number;
  last_seen_at: number;
}

const SEP = '\u001f';
/** Simulated sessions close after at most this long without events. */
export const SIMULATED_IDLE_MS = 5 * 60_000;
const MINUTE = 60_000;

/** Start of the local calendar day containing `time` (leaderboard days follow the creator's clock). */
export function dayStart(time: number): number {
  const d = new Date(time);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Start of the local calendar week (Monday) containing `time`. */
export function weekStart(time: number): number {
  const d = new Date(time);
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() - ((d.getDay() + 6) % 7));
  return d.getTime();
}

/** Start of the local calendar month containing `time`. */
export function monthStart(time: number): number {
  const d = new Date(time);
  return new Date(d.getFullYear(), d.getMonth(), 1).getTime();
}

/** The public key of a streak, used by alerts and combo messages. */
export const streakKeyOf = (id: number): string => `s${id}`;

/** Sessions of live events vs simulated/replayed ones are kept apart. */
const isSimulated = (origin: EventOrigin): boolean => origin !== 'live';

/**
 * Whether the upserted streak beats the viewer's stored biggest one: more coins, then the earlier
 * start, then the lower id (the gifter profile's "biggest gift"). A streak's coins only grow, so
 * keeping the best of every update is the best of the final values.
 */
const BETTER_STREAK = `excluded.best_streak_id IS NOT NULL AND (best_streak_id IS NULL
  OR excluded.best_coins > best_coins
  OR (excluded.best_coins = best_coins AND (excluded.best_first_at < best_first_at
    OR (excluded.best_first_at = best_first_at AND excluded.best_streak_id <= best_streak_id))))`;

function prepare(db: LedgerDb) {
  return {
    insertRaw: db.prepare<[string, string, string, string, number, string, string]>(
      `INSERT INTO raw_events (msg_id, kind, source, origin, received_at, raw, event)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (msg_id) DO NOTHING`,
    ),
    openSessions: db.prepare<[], SessionRow>(
      'SELECT id, started_at, last_event_at, simulated FROM sessions WHERE ended_at IS NULL ORDER BY id',
    ),
    insertSession: db.prepare<[number, number, string, number]>(
      `INSERT INTO sessions (started_at, simulated, rates, last_event_at) VALUES (?, ?, ?, ?)`,
    ),
    closeSession: db.prepare<[number, string, number]>(
      'UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id = ? AND ended_at IS NULL',
    ),
    addSocial: {
      like: db.prepare<[number, number]>('UPDATE sessions SET likes = likes + ? WHERE id = ?'),
      follow: db.prepare<[number, number]>(
        'UPDATE sessions SET follows = follows + ? WHERE id = ?',
      ),
      share: db.prepare<[number, number]>('UPDATE sessions SET shares = shares + ? WHERE id = ?'),
    },
    setViewers: db.prepare<[number, number, number]>(
      'UPDATE sessions SET viewers = ?, peak_viewers = max(peak_viewers, ?) WHERE id = ?',
    ),
    openGap: db.prepare<[number, string, number]>(
      'INSERT INTO gaps (session_id, source, from_at) VALUES (?, ?, ?)',
    ),
    closeGaps: db.prepare<[number, string]>(
      'UPDATE gaps SET to_at = max(from_at, ?) WHERE source = ? AND to_at IS NULL',
    ),
    closeSessionGaps: db.prepare<[number, number]>(
      'UPDATE gaps SET to_at = max(from_at, ?) WHERE session_id = ? AND to_at IS NULL',
    ),
    latestStreak: db.prepare<[string], StreakRow>(
      `SELECT id, lookup, session_id, user_id, gift_id, group_id, coins_each, count, ended,
              streakable, first_at, last_at, last_seen_at
       FROM streaks WHERE lookup = ? ORDER BY id DESC LIMIT 1`,
    ),
    updateStreak: db.prepare<[number, number, number, number, number, number, number]>(
      `UPDATE streaks SET count = ?, coins = ?, ended = ?, first_at = ?, last_at = ?,
         last_seen_at = ? WHERE id = ?`,
    ),
    insertStreakWithId: db.prepare<
      [
        number,
        string,
        number,
        number,
        string,
        number,
        string,
        string | null,
        string,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
        number,
      ]
    >(
      `INSERT INTO streaks (id, lookup, session_id, simulated, user_id, gift_id, gift_name,
         gift_image, group_id, coins_each, count, coins, ended, streakable, first_at, last_at,
         last_seen_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    maxStreakId: db.prepare<[], { id: number }>('SELECT coalesce(max(id), 0) AS id FROM streaks'),
    endStreak: db.prepare<[number]>('UPDATE streaks SET ended = 1 WHERE id = ?'),
    staleStreaks: db.prepare<[number], { id: number; lookup: string; count: number }>(
      'SELECT id, lookup, count FROM streaks WHERE ended = 0 AND last_seen_at <= ?',
    ),
    addSessionTotals: db.prepare<[number, number, number, number, number]>(
      `UPDATE sessions SET coins = coins + ?, gift_count = gift_count + ?,
         gifter_count = gifter_count + ?, last_event_at = max(last_event_at, ?) WHERE id = ?`,
    ),
    gifterExists: db.prepare<[number, string], { one: number }>(
      'SELECT 1 AS one FROM session_gifters WHERE session_id = ? AND user_id = ?',
    ),
    insertSessionGifterLinked: db.prepare<[number, string, number, number, number, number | null]>(
      `INSERT INTO session_gifters (session_id, user_id, coins, gifts, reached_at, prev_session_id)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ),
    upsertUser: db.prepare<[string, string, string, string | null, number, number]>(
      `INSERT INTO users (id, handle, name, avatar, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET handle = excluded.handle, name = excluded.name,
         avatar = coalesce(excluded.avatar, users.avatar),
         first_seen = min(users.first_seen, excluded.first_seen),
         last_seen = max(users.last_seen, excluded.last_seen)`,
    ),
    addSessionGifter: db.prepare<[number, number, number, number, number, string]>(
      `UPDATE session_gifters SET coins = coins + ?, gifts = gifts + ?,
         reached_at = CASE WHEN ? > 0 THEN ? ELSE reached_at END
       WHERE session_id = ? AND user_id = ?`,
    ),
    userLast: db.prepare<[string], { session_id: number }>(
      'SELECT session_id FROM user_last_session WHERE user_id = ?',
    ),
    setUserLast: db.prepare<[string, number]>(
      `INSERT INTO user_last_session (user_id, session_id) VALUES (?, ?)
       ON CONFLICT DO UPDATE SET session_id = excluded.session_id`,
    ),
    setGifterPrev: db.prepare<[number | null, number, string]>(
      'UPDATE session_gifters SET prev_session_id = ? WHERE session_id = ? AND user_id = ?',
    ),
    addReturn: db.prepare<[number, number, number]>(
      `INSERT INTO gifter_returns (prev_session_id, session_id, n) VALUES (?, ?, ?)
       ON CONFLICT DO UPDATE SET n = n + excluded.n`,
    ),
    userChain: db.prepare<[string], { session_id: number; prev_session_id: number | null }>(
      `SELECT g.session_id, g.prev_session_id FROM session_gifters g
       JOIN sessions s ON s.id = g.session_id
       WHERE g.user_id = ? AND s.simulated = 0 ORDER BY g.session_id`,
    ),
    upsertSessionGift: db.prepare<[number, number, number, string, string | null, number, number]>(
      `INSERT INTO session_gifts (session_id, gift_id, coins_each, name, image, count, coins)
       VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET count = count + excluded.count, coins = coins + excluded.coins,
         name = excluded.name, image = coalesce(excluded.image, image)`,
    ),
    upsertMinute: db.prepare<[number, number, number, number]>(
      `INSERT INTO minute_rollups (session_id, minute, coins, gifts) VALUES (?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET coins = coins + excluded.coins, gifts = gifts + excluded.gifts`,
    ),
    upsertDay: db.prepare<[number, string, number, number]>(
      `INSERT INTO day_gifters (day, user_id, coins, reached_at) VALUES (?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET coins = coins + excluded.coins,
         reached_at = CASE WHEN excluded.coins > 0 THEN excluded.reached_at ELSE reached_at END`,
    ),
    upsertWeek: db.prepare<[number, string, number, number]>(
      `INSERT INTO week_gifters (week, user_id, coins, reached_at) VALUES (?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET coins = coins + excluded.coins,
         reached_at = CASE WHEN excluded.coins > 0 THEN excluded.reached_at ELSE reached_at END`,
    ),
    upsertMonth: db.prepare<[number, string, number, number]>(
      `INSERT INTO month_gifters (month, user_id, coins, reached_at) VALUES (?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET coins = coins + excluded.coins,
         reached_at = CASE WHEN excluded.coins > 0 THEN excluded.reached_at ELSE reached_at END`,
    ),
    // SET expressions all read the row as it was, so the best-streak test is the same in each.
    upsertAll: db.prepare<[string, number, number, number, number | null, number, number]>(
      `INSERT INTO all_gifters (user_id, coins, gifts, reached_at, best_streak_id, best_coins,
         best_first_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET coins = coins + excluded.coins, gifts = gifts + excluded.gifts,
         reached_at = CASE WHEN excluded.coins > 0 THEN excluded.reached_at ELSE reached_at END,
         best_streak_id = CASE WHEN ${BETTER_STREAK} THEN excluded.best_streak_id
           ELSE best_streak_id END,
         best_coins = CASE WHEN ${BETTER_STREAK} THEN excluded.best_coins ELSE best_coins END,
         best_first_at = CASE WHEN ${BETTER_STREAK} THEN excluded.best_first_at
           ELSE best_first_at END`,
    ),
  };
}

type Statements = ReturnType<typeof prepare>;

/** Metadata of one record as it arrived. */
export interface ArrivalMeta {
  source: string;
  receivedAt: number;
  /** The frame element exactly as received (JSON text). */
  raw: string;
}

/** The latest streak of a lookup key, as the table holds it once pending writes are flushed. */
interface CachedStreak {
  id: number;
  sessionId: number;
  simulated: boolean;
  giftName: string;
  giftImage: string | null;
  state: StreakState;
  lastSeenAt: number;
  /** False until the row is inserted (at the next flush). */
  stored: boolean;
}

interface SessionDelta {
  coins: number;
  gifts: number;
  gifters: number;
  lastEventAt: number;
}

interface GifterDelta {
  sessionId: number;
  userId: string;
  /** The row did not exist before this batch: it is inserted, not updated. */
  isNew: boolean;
  coins: number;
  gifts: number;
  /** Time of the latest gift with coins, else of the first gift (what per-gift upserts leave). */
  reachedAt: number;
  prevSessionId: number | null;
}

interface GiftDelta {
  sessionId: number;
  giftId: number;
  coinsEach: number;
  name: string;
  image: string | null;
  count: number;
  coins: number;
}

interface MinuteDelta {
  sessionId: number;
  minute: number;
  coins: number;
  gifts: number;
}

interface BoardDelta {
  period: number;
  userId: string;
  coins: number;
  gifts: number;
  reachedAt: number;
}

/** A viewer's biggest streak among a batch's updates (all-time board only). */
interface BestStreak {
  streakId: number;
  coins: number;
  firstAt: number;
}

/** The all-time board's rows also carry the viewer's biggest streak. */
interface AllTimeDelta extends BoardDelta {
  best: BestStreak;
}

/** Same order as BETTER_STREAK in SQL: more coins, then earlier start, then lower id. */
const beats = (a: BestStreak, b: BestStreak): boolean =>
  a.coins > b.coins ||
  (a.coins === b.coins &&
    (a.firstAt < b.firstAt || (a.firstAt === b.firstAt && a.streakId <= b.streakId)));

interface UserDelta {
  id: string;
  handle: string;
  name: string;
  avatar: string | null;
  firstSeen: number;
  lastSeen: number;
}

/**
 * Rows keyed by a number, then a string (a session or period, then a viewer): looked up per gift
 * without building a key string each time.
 */
class TwoKeyMap<V> {
  private readonly outer = new Map<number, Map<string, V>>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(a: number, b: string): V | undefined {
    return this.outer.get(a)?.get(b);
  }

  set(a: number, b: string, value: V): void {
    let inner = this.outer.get(a);
    if (!inner) {
      inner = new Map();
      this.outer.set(a, inner);
    }
    if (!inner.has(b)) this.count++;
    inner.set(b, value);
  }

  forEach(visit: (value: V) => void): void {
    for (const inner of this.outer.values()) for (const v of inner.values()) visit(v);
  }

  clear(): void {
    this.outer.clear();
    this.count = 0;
  }
}

/**
 * Derived-table changes collected over a batch, one entry per row. Every column is either a sum,
 * a min/max, or "the latest value" (the latest non-null for images and avatars), so writing each
 * row once per batch leaves the tables exactly as one upsert per gift would.
 */
class PendingWrites {
  readonly sessions = new Map<number, SessionDelta>();
  readonly gifters = new TwoKeyMap<GifterDelta>();
  readonly gifts = new Map<string, GiftDelta>();
  readonly minutes = new Map<string, MinuteDelta>();
  readonly days = new TwoKeyMap<BoardDelta>();
  readonly weeks = new TwoKeyMap<BoardDelta>();
  readonly months = new TwoKeyMap<BoardDelta>();
  readonly all = new Map<string, AllTimeDelta>();
  readonly users = new Map<string, UserDelta>();

  session(id: number): SessionDelta {
    let d = this.sessions.get(id);
    if (!d) {
      d = { coins: 0, gifts: 0, gifters: 0, lastEventAt: 0 };
      this.sessions.set(id, d);
    }
    return d;
  }

  isEmpty(): boolean {
    return this.sessions.size === 0 && this.users.size === 0 && this.gifters.size === 0;
  }

  clear(): void {
    this.sessions.clear();
    this.gifters.clear();
    this.gifts.clear();
    this.minutes.clear();
    this.days.clear();
    this.weeks.clear();
    this.months.clear();
    this.all.clear();
    this.users.clear();
  }
}

function addToBoard(
  board: TwoKeyMap<BoardDelta>,
  period: number,
  userId: string,
  coins: number,
  gifts: number,
  time: number,
): void {
  const d = board.get(period, userId);
  if (!d) {
    board.set(period, userId, { period, userId, coins, gifts, reachedAt: time });
    return;
  }
  d.coins += coins;
  d.gifts += gifts;
  if (coins > 0) d.reachedAt = time;
}

function addToAllTime(
  board: Map<string, AllTimeDelta>,
  userId: string,
  coins: number,
  gifts: number,
  time: number,
  best: BestStreak,
): void {
  const d = board.get(userId);
  if (!d) {
    board.set(userId, { period: 0, userId, coins, gifts, reachedAt: time, best });
    return;
  }
  d.coins += coins;
  d.gifts += gifts;
  if (coins > 0) d.reachedAt = time;
  if (beats(best, d.best)) d.best = best;
}

/** Above this many cached streaks a flush drops the cache (it refills from the table on demand). */
const STREAK_CACHE_LIMIT = 50_000;

/**
 * The ledger writer: holds prepared statements, the open sessions and the open streaks. Callers
 * wrap calls in a transaction (the ingest pipeline groups many records into one) and, after a
 * transaction rolled back, call `reloadOpenSessions` so the in-memory state follows the table.
 *
 * Inside `batch`, derived-table writes are collected in memory and each touched row is written
 * once when the batch ends; outside it, every call writes its rows before returning.
 */
export class LedgerWriter {
  private readonly st: Statements;
  /** Open session per class: live (false) and simulated (true). */
  private readonly open = new Map<boolean, SessionRow>();
  /**
   * Latest streak per lookup key; authoritative where present, else the table is. Rows with
   * unwritten changes are always present (and in `dirtyStreaks`).
   */
  private readonly streaks = new Map<string, CachedStreak>();
  private readonly dirtyStreaks = new Map<number, CachedStreak>();
  /** Next streak row id (rows are inserted at flush time, ids are needed at once). */
  private nextStreakId: number | null = null;
  private readonly pending = new PendingWrites();
  private batching = false;
  private calendarSecond = Number.NaN;
  private calendar = { day: 0, week: 0, month: 0 };

  constructor(
    readonly db: LedgerDb,
    private readonly config: WriterConfig,
  ) {
    this.st = prepare(db);
    this.reloadOpenSessions();
  }

  /**
   * Re-reads the open sessions and forgets every cached streak and unwritten change (after a
   * rollback, a rebuild or a restore: the table is the truth again).
   */
  reloadOpenSessions(): void {
    this.discardCaches();
    this.open.clear();
    for (const row of this.st.openSessions.all()) {
      const sim = row.simulated === 1;
      const prev = this.open.get(sim);
      // Two open sessions of one class cannot arise from this writer; close the older if found.
      if (prev) this.st.closeSession.run(prev.last_event_at, 'superseded', prev.id);
      this.open.set(sim, row);
    }
  }

  /** Drops in-memory streaks and unwritten changes without reading the database. */
  private discardCaches(): void {
    this.pending.clear();
    this.streaks.clear();
    this.dirtyStreaks.clear();
    this.nextStreakId = null;
  }

  /** The open session of a class, if any (not closing idle ones). */
  openSessionId(simulated: boolean): number | null {
    return this.open.get(simulated)?.id ?? null;
  }

  /**
   * Runs `work` (appends and applies) with derived-table writes collected, then writes each
   * touched row once, still inside the caller's transaction. If anything throws, the collected
   * changes and cached streaks are dropped; the caller rolls back and reloads open sessions.
   */
  batch<T>(work: () => T): T {
    if (this.batching) return work();
    this.batching = true;
    try {
      const result = work();
      this.flushPending();
      return result;
    } catch (error) {
      this.discardCaches();
      throw error;
    } finally {
      this.batching = false;
    }
  }

  /**
   * Appends a record to the raw log and applies it. Returns null when its id was stored before
   * (a duplicate changes nothing).
   */
  append(record: LedgerRecord, meta: ArrivalMeta): LedgerEffect[] | null {
    if (!this.logRaw(record, meta, JSON.stringify(record))) return null;
    return this.apply(record, meta.receivedAt);
  }

  /**
   * Adds a record to the raw log with `event`, its normalized JSON, and derives nothing. False
   * when its id was stored before.
   */
  logRaw(record: LedgerRecord, meta: ArrivalMeta, event: string): boolean {
    const info = this.st.insertRaw.run(
      record.id,
      record.type,
      meta.source,
      record.origin,
      meta.receivedAt,
      meta.raw,
      event,
    );
    return info.changes > 0;
  }

  /** Applies a record to the derived tables only (the raw log already has it). */
  apply(record: LedgerRecord, receivedAt: number): LedgerEffect[] {
    if (this.batching) return this.applyRecord(record, receivedAt);
    try {
      const effects = this.applyRecord(record, receivedAt);
      this.flushPending();
      return effects;
    } catch (error) {
      this.discardCaches();
      throw error;
    }
  }

  private applyRecord(record: LedgerRecord, receivedAt: number): LedgerEffect[] {
    const effects: LedgerEffect[] = [];
    this.closeIdle(receivedAt, effects);
    switch (record.type) {
      case 'gift':
        this.applyGift(record, receivedAt, effects);
        break;
      case 'session':
        this.applySession(record.action, isSimulated(record.origin), receivedAt, effects);
        break;
      case 'like':
      case 'follow':
      case 'share': {
        const session = this.open.get(isSimulated(record.origin));
        if (session) {
          this.st.addSocial[record.type].run(record.count, session.id);
          this.touch(session, receivedAt);
        }
        effects.push({
          type: 'social',
          kind: record.type,
          count: record.count,
          user: record.user,
          time: record.time,
          sessionId: session?.id ?? null,
        });
        break;
      }
      case 'viewers': {
        const session = this.open.get(isSimulated(record.origin));
        if (session) {
          this.st.setViewers.run(record.count, record.count, session.id);
          this.touch(session, receivedAt);
          effects.push({ type: 'sessionChanged', sessionId: session.id });
        }
        effects.push({ type: 'viewers', count: record.count, sessionId: session?.id ?? null });
        break;
      }
      case 'connection':
        this.applyConnection(record, receivedAt, effects);
        break;
      default:
        assertNever(record, 'ledger record');
    }
    return effects;
  }

  /** Closes open sessions idle for the timeout; their end is their last activity. */
  closeIdle(now: number, effects: LedgerEffect[] = []): LedgerEffect[] {
    const idle = this.config.sessionIdleTimeoutMs();
    for (const [sim, s] of this.open) {
      // A stopped simulator sends no end: its session should not linger as "the" live one.
      const limit = sim ? Math.min(idle, SIMULATED_IDLE_MS) : idle;
      if (now - s.last_event_at >= limit) {
        this.close(sim, s.last_event_at, 'idle', effects);
      }
    }
    return effects;
  }

  /** Marks streaks whose end never arrived as ended (their value is unchanged). */
  expireStreaks(now: number, effects: LedgerEffect[] = []): LedgerEffect[] {
    this.flushPending();
    const cutoff = now - this.config.streakTimeoutMs();
    for (const s of this.st.staleStreaks.all(cutoff)) {
      this.st.endStreak.run(s.id);
      const cached = this.streaks.get(s.lookup);
      if (cached?.id === s.id) this.streaks.delete(s.lookup);
      effects.push({ type: 'streakClosed', key: streakKeyOf(s.id), count: s.count });
    }
    return effects;
  }

  /** Writes every collected change: one statement per touched row. */
  flushPending(): void {
    const st = this.st;
    for (const c of this.dirtyStreaks.values()) {
      const s = c.state;
      if (!c.stored) {
        st.insertStreakWithId.run(
          c.id,
          s.key,
          c.sessionId,
          c.simulated ? 1 : 0,
          s.userId,
          s.giftId,
          c.giftName,
          c.giftImage,
          s.groupId,
          s.coinsEach,
          s.count,
          s.count * s.coinsEach,
          s.ended ? 1 : 0,
          s.streakable ? 1 : 0,
          s.firstAt,
          s.lastAt,
          c.lastSeenAt,
        );
        c.stored = true;
      } else {
        st.updateStreak.run(
          s.count,
          s.count * s.coinsEach,
          s.ended ? 1 : 0,
          s.firstAt,
          s.lastAt,
          c.lastSeenAt,
          c.id,
        );
      }
      // Ended streaks are rarely touched again; the table answers if one is.
      if (s.ended && this.streaks.get(s.key) === c) this.streaks.delete(s.key);
    }
    this.dirtyStreaks.clear();
    if (this.streaks.size > STREAK_CACHE_LIMIT) this.streaks.clear();
    const p = this.pending;
    if (p.isEmpty()) return;
    for (const u of p.users.values()) {
      st.upsertUser.run(u.id, u.handle, u.name, u.avatar, u.firstSeen, u.lastSeen);
    }
    p.gifters.forEach((g) => {
      if (g.isNew) {
        st.insertSessionGifterLinked.run(
          g.sessionId,
          g.userId,
          g.coins,
          g.gifts,
          g.reachedAt,
          g.prevSessionId,
        );
      } else {
        st.addSessionGifter.run(g.coins, g.gifts, g.coins, g.reachedAt, g.sessionId, g.userId);
      }
    });
    for (const [id, d] of p.sessions) {
      st.addSessionTotals.run(d.coins, d.gifts, d.gifters, d.lastEventAt, id);
    }
    for (const g of p.gifts.values()) {
      st.upsertSessionGift.run(
        g.sessionId,
        g.giftId,
        g.coinsEach,
        g.name,
        g.image,
        g.count,
        g.coins,
      );
    }
    for (const m of p.minutes.values()) {
      st.upsertMinute.run(m.sessionId, m.minute, m.coins, m.gifts);
    }
    p.days.forEach((d) => st.upsertDay.run(d.period, d.userId, d.coins, d.reachedAt));
    p.weeks.forEach((d) => st.upsertWeek.run(d.period, d.userId, d.coins, d.reachedAt));
    p.months.forEach((d) => st.upsertMonth.run(d.period, d.userId, d.coins, d.reachedAt));
    for (const d of p.all.values()) {
      st.upsertAll.run(
        d.userId,
        d.coins,
        d.gifts,
        d.reachedAt,
        d.best.streakId,
        d.best.coins,
        d.best.firstAt,
      );
    }
    p.clear();
  }

  private touch(session: SessionRow, at: number): void {
    if (at > session.last_event_at) {
      session.last_event_at = at;
      const d = this.pending.session(session.id);
      d.lastEventAt = Math.max(d.lastEventAt, at);
    }
  }

  private openSession(sim: boolean, at: number, effects: LedgerEffect[]): SessionRow {
    const rates = this.config.ratesAt(at);
    const info = this.st.insertSession.run(at, sim ? 1 : 0, ratesToJson(rates), at);
    const row: SessionRow = {
      id: Number(info.lastInsertRowid),
      started_at: at,
      last_event_at: at,
      simulated: sim ? 1 : 0,
    };
    this.open.set(sim, row);
    effects.push({ type: 'sessionChanged', sessionId: row.id });
    return row;
  }

  private close(sim: boolean, at: number, reason: string, effects: LedgerEffect[]): void {
    const s = this.open.get(sim);
    if (!s) return;
    const end = Math.max(at, s.started_at);
    this.st.closeSession.run(end, reason, s.id);
    this.st.closeSessionGaps.run(end, s.id);
    this.open.delete(sim);
    effects.push({ type: 'sessionChanged', sessionId: s.id });
  }

  /**
   * Links a viewer's first gift in a counted session to their previous counted session. Sessions
   * open in arrival order, so the new one is nearly always the latest; when it is not (a late
   * update of an old streak), the viewer's whole chain is re-linked.
   */
  private linkReturn(gifter: GifterDelta, effects: LedgerEffect[]): void {
    const { userId, sessionId } = gifter;
    const last = this.st.userLast.get(userId)?.session_id;
    if (last === undefined || last < sessionId) {
      if (last !== undefined) {
        gifter.prevSessionId = last;
        this.st.addReturn.run(last, sessionId, 1);
        effects.push({ type: 'gifterReturn', prevSessionId: last, sessionId, delta: 1 });
      }
      this.st.setUserLast.run(userId, sessionId);
      return;
    }
    // The chain is read from the table: write what is collected first.
    this.flushPending();
    let prev: number | null = null;
    for (const row of this.st.userChain.all(userId)) {
      if (row.prev_session_id !== prev) {
        if (row.prev_session_id !== null) {
          this.st.addReturn.run(row.prev_session_id, row.session_id, -1);
          effects.push({
            type: 'gifterReturn',
            prevSessionId: row.prev_session_id,
            sessionId: row.session_id,
            delta: -1,
          });
        }
        if (prev !== null) {
          this.st.addReturn.run(prev, row.session_id, 1);
          effects.push({
            type: 'gifterReturn',
            prevSessionId: prev,
            sessionId: row.session_id,
            delta: 1,
          });
        }
        this.st.setGifterPrev.run(prev, row.session_id, userId);
      }
      prev = row.session_id;
    }
    if (prev !== null) this.st.setUserLast.run(userId, prev);
  }

  private applySession(
    action: 'start' | 'end',
    sim: boolean,
    at: number,
    effects: LedgerEffect[],
  ): void {
    this.close(sim, at, action === 'start' ? 'restarted' : 'ended', effects);
    if (action === 'start') this.openSession(sim, at, effects);
  }

  private applyConnection(c: ConnectionRecord, at: number, effects: LedgerEffect[]): void {
    const sim = isSimulated(c.origin);
    if (c.state === 'connected') {
      this.st.closeGaps.run(at, c.source);
      const s = this.open.get(sim) ?? this.openSession(sim, at, effects);
      this.touch(s, at);
      effects.push({ type: 'sessionChanged', sessionId: s.id });
    } else {
      const s = this.open.get(sim);
      if (s) {
        this.st.closeGaps.run(at, c.source);
        this.st.openGap.run(s.id, c.source, at);
        effects.push({ type: 'sessionChanged', sessionId: s.id });
      }
    }
  }

  /** The latest streak with this lookup key, from the cache or the table. */
  private latestStreak(lookup: string, messageKey: boolean): CachedStreak | undefined {
    const cached = this.streaks.get(lookup);
    if (cached) return cached;
    // A message key holds the message id, which the raw log's unique index lets in only once:
    // no earlier streak can have it, so the lookup is skipped.
    if (messageKey) return undefined;
    const row = this.st.latestStreak.get(lookup);
    if (!row) return undefined;
    const loaded: CachedStreak = {
      id: row.id,
      sessionId: row.session_id,
      simulated: lookup.startsWith(`sim${SEP}`),
      giftName: '',
      giftImage: null,
      state: streakFromRow(row),
      lastSeenAt: row.last_seen_at,
      stored: true,
    };
    this.streaks.set(lookup, loaded);
    return loaded;
  }

  private takeStreakId(): number {
    this.nextStreakId ??= (this.st.maxStreakId.get()?.id ?? 0) + 1;
    return this.nextStreakId++;
  }

  /** Local day, week and month starts of a time (cached per second: gifts come in bursts). */
  private calendarOf(time: number): { day: number; week: number; month: number } {
    const second = Math.floor(time / 1000);
    if (second !== this.calendarSecond) {
      this.calendarSecond = second;
      this.calendar = { day: dayStart(time), week: weekStart(time), month: monthStart(time) };
    }
    return this.calendar;
  }

  private applyGift(e: GiftEvent, at: number, effects: LedgerEffect[]): void {
    const sim = isSimulated(e.origin);
    const session = this.open.get(sim) ?? this.openSession(sim, at, effects);
    this.touch(session, at);
    const baseKey = streakLookupKey(e);
    const lookup = (sim ? `sim${SEP}` : '') + baseKey;
    const latest = this.latestStreak(lookup, baseKey.startsWith(`m${SEP}`));
    let prev: StreakState | undefined = latest?.state;
    if (latest && prev && !prev.ended && at - latest.lastSeenAt >= this.config.streakTimeoutMs()) {
      // Its end never came: close it now, so a message without a streak id starts anew.
      prev = closeStreak(prev);
      latest.state = prev;
      this.dirtyStreaks.set(latest.id, latest);
      effects.push({
        type: 'streakClosed',
        key: streakKeyOf(latest.id),
        count: latest.state.count,
      });
    }
    const fresh = !prev || !continuesStreak(prev, e);
    const step = applyToStreak(fresh ? undefined : prev, e, lookup);
    const next = step.next;
    let streak: CachedStreak;
    if (fresh || !latest) {
      streak = {
        id: this.takeStreakId(),
        sessionId: session.id,
        simulated: sim,
        giftName: e.gift.name,
        giftImage: e.gift.image ?? null,
        state: next,
        lastSeenAt: at,
        stored: false,
      };
      this.streaks.set(lookup, streak);
    } else {
      streak = latest;
      streak.state = next;
      streak.lastSeenAt = Math.max(at, latest.lastSeenAt);
    }
    this.dirtyStreaks.set(streak.id, streak);
    const sessionId = streak.sessionId;
    const p = this.pending;
    const user = p.users.get(e.user.id);
    if (!user) {
      p.users.set(e.user.id, {
        id: e.user.id,
        handle: e.user.handle,
        name: e.user.name,
        avatar: e.user.avatar ?? null,
        firstSeen: e.time,
        lastSeen: e.time,
      });
    } else {
      user.handle = e.user.handle;
      user.name = e.user.name;
      if (e.user.avatar !== undefined) user.avatar = e.user.avatar;
      user.firstSeen = Math.min(user.firstSeen, e.time);
      user.lastSeen = Math.max(user.lastSeen, e.time);
    }
    if (step.deltaCount > 0) {
      const coins = step.deltaCoins;
      const count = step.deltaCount;
      let gifter = p.gifters.get(sessionId, e.user.id);
      let newGifter = false;
      if (!gifter) {
        newGifter = this.st.gifterExists.get(sessionId, e.user.id) === undefined;
        gifter = {
          sessionId,
          userId: e.user.id,
          isNew: newGifter,
          coins,
          gifts: count,
          reachedAt: e.time,
          prevSessionId: null,
        };
        p.gifters.set(sessionId, e.user.id, gifter);
      } else {
        gifter.coins += coins;
        gifter.gifts += count;
        if (coins > 0) gifter.reachedAt = e.time;
      }
      const totals = p.session(sessionId);
      totals.coins += coins;
      totals.gifts += count;
      if (newGifter) totals.gifters += 1;
      const giftKey = `${sessionId}${SEP}${e.gift.id}${SEP}${next.coinsEach}`;
      const gift = p.gifts.get(giftKey);
      if (!gift) {
        p.gifts.set(giftKey, {
          sessionId,
          giftId: e.gift.id,
          coinsEach: next.coinsEach,
          name: e.gift.name,
          image: e.gift.image ?? null,
          count,
          coins,
        });
      } else {
        gift.name = e.gift.name;
        if (e.gift.image !== undefined) gift.image = e.gift.image;
        gift.count += count;
        gift.coins += coins;
      }
      const minute = Math.floor(e.time / MINUTE) * MINUTE;
      const minuteKey = `${sessionId}${SEP}${minute}`;
      const rollup = p.minutes.get(minuteKey);
      if (!rollup) p.minutes.set(minuteKey, { sessionId, minute, coins, gifts: count });
      else {
        rollup.coins += coins;
        rollup.gifts += count;
      }
      if (!sim) {
        const cal = this.calendarOf(e.time);
        addToBoard(p.days, cal.day, e.user.id, coins, count, e.time);
        addToBoard(p.weeks, cal.week, e.user.id, coins, count, e.time);
        addToBoard(p.months, cal.month, e.user.id, coins, count, e.time);
        addToAllTime(p.all, e.user.id, coins, count, e.time, {
          streakId: streak.id,
          coins: next.count * next.coinsEach,
          firstAt: next.firstAt,
        });
        if (newGifter) {
          effects.push({ type: 'newGifter', sessionId, userId: e.user.id });
          this.linkReturn(gifter, effects);
        }
      }
      effects.push({ type: 'sessionChanged', sessionId });
    }
    effects.push({
      type: 'gift',
      gift: {
        key: streakKeyOf(streak.id),
        id: e.id,
        time: e.time,
        user: e.user,
        gift: { ...e.gift, coins: next.coinsEach },
        count: next.count,
        deltaCount: step.deltaCount,
        deltaCoins: step.deltaCoins,
        started: step.started,
        ended: next.ended,
        origin: e.origin,
        sessionId: String(sessionId),
      },
    });
  }
}

function streakFromRow(r: StreakRow): StreakState {
  return {
    key: r.lookup,
    userId: r.user_id,
    giftId: r.gift_id,
    groupId: r.group_id,
    coinsEach: r.coins_each,
    count: r.count,
    ended: r.ended === 1,
    streakable: r.streakable === 1,
    firstAt: r.first_at,
    lastAt: r.last_at,
  };
}
