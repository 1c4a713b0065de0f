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
    touchSession: db.prepare<[number, number]>(
      'UPDATE sessions SET last_event_at = max(last_event_at, ?) WHERE id = ?',
    ),
    addSessionGifts: db.prepare<[number, number, number, number]>(
      `UPDATE sessions SET coins = coins + ?, gift_count = gift_count + ?,
       gifter_count = gifter_count + ? WHERE id = ?`,
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
    insertStreak: db.prepare<
      [
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
      `INSERT INTO streaks (lookup, session_id, simulated, user_id, gift_id, gift_name, gift_image,
         group_id, coins_each, count, coins, ended, streakable, first_at, last_at, last_seen_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateStreak: db.prepare<[number, number, number, number, number, number, number]>(
      `UPDATE streaks SET count = ?, coins = ?, ended = ?, first_at = ?, last_at = ?,
         last_seen_at = ? WHERE id = ?`,
    ),
    endStreak: db.prepare<[number]>('UPDATE streaks SET ended = 1 WHERE id = ?'),
    staleStreaks: db.prepare<[number], { id: number; count: number }>(
      'SELECT id, count FROM streaks WHERE ended = 0 AND last_seen_at <= ?',
    ),
    upsertUser: db.prepare<[string, string, string, string | null, number, number]>(
      `INSERT INTO users (id, handle, name, avatar, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET handle = excluded.handle, name = excluded.name,
         avatar = coalesce(excluded.avatar, users.avatar),
         first_seen = min(users.first_seen, excluded.first_seen),
         last_seen = max(users.last_seen, excluded.last_seen)`,
    ),
    insertSessionGifter: db.prepare<[number, string, number, number, number]>(
      `INSERT INTO session_gifters (session_id, user_id, coins, gifts, reached_at)
       VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
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
    upsertAll: db.prepare<[string, number, number, number]>(
      `INSERT INTO all_gifters (user_id, coins, gifts, reached_at) VALUES (?, ?, ?, ?)
       ON CONFLICT DO UPDATE SET coins = coins + excluded.coins, gifts = gifts + excluded.gifts,
         reached_at = CASE WHEN excluded.coins > 0 THEN excluded.reached_at ELSE reached_at END`,
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

/**
 * The ledger writer: holds prepared statements and the open sessions. Callers wrap calls in a
 * transaction (the ingest pipeline groups many records into one).
 */
export class LedgerWriter {
  private readonly st: Statements;
  /** Open session per class: live (false) and simulated (true). */
  private readonly open = new Map<boolean, SessionRow>();

  constructor(
    readonly db: LedgerDb,
    private readonly config: WriterConfig,
  ) {
    this.st = prepare(db);
    this.reloadOpenSessions();
  }

  /** Re-reads the open sessions (after a rebuild or a restore). */
  reloadOpenSessions(): void {
    this.open.clear();
    for (const row of this.st.openSessions.all()) {
      const sim = row.simulated === 1;
      const prev = this.open.get(sim);
      // Two open sessions of one class cannot arise from this writer; close the older if found.
      if (prev) this.st.closeSession.run(prev.last_event_at, 'superseded', prev.id);
      this.open.set(sim, row);
    }
  }

  /** The open session of a class, if any (not closing idle ones). */
  openSessionId(simulated: boolean): number | null {
    return this.open.get(simulated)?.id ?? null;
  }

  /**
   * Appends a record to the raw log and applies it. Returns null when its id was stored before
   * (a duplicate changes nothing).
   */
  append(record: LedgerRecord, meta: ArrivalMeta): LedgerEffect[] | null {
    const info = this.st.insertRaw.run(
      record.id,
      record.type,
      meta.source,
      record.origin,
      meta.receivedAt,
      meta.raw,
      JSON.stringify(record),
    );
    if (info.changes === 0) return null;
    return this.apply(record, meta.receivedAt);
  }

  /** Applies a record to the derived tables only (the raw log already has it). */
  apply(record: LedgerRecord, receivedAt: number): LedgerEffect[] {
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
    const cutoff = now - this.config.streakTimeoutMs();
    for (const s of this.st.staleStreaks.all(cutoff)) {
      this.st.endStreak.run(s.id);
      effects.push({ type: 'streakClosed', key: streakKeyOf(s.id), count: s.count });
    }
    return effects;
  }

  private touch(session: SessionRow, at: number): void {
    if (at > session.last_event_at) {
      session.last_event_at = at;
      this.st.touchSession.run(at, session.id);
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
  private linkReturn(userId: string, sessionId: number, effects: LedgerEffect[]): void {
    const last = this.st.userLast.get(userId)?.session_id;
    if (last === undefined || last < sessionId) {
      if (last !== undefined) {
        this.st.setGifterPrev.run(last, sessionId, userId);
        this.st.addReturn.run(last, sessionId, 1);
        effects.push({ type: 'gifterReturn', prevSessionId: last, sessionId, delta: 1 });
      }
      this.st.setUserLast.run(userId, sessionId);
      return;
    }
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

  private applyGift(e: GiftEvent, at: number, effects: LedgerEffect[]): void {
    const sim = isSimulated(e.origin);
    const session = this.open.get(sim) ?? this.openSession(sim, at, effects);
    this.touch(session, at);
    const lookup = (sim ? `sim${SEP}` : '') + streakLookupKey(e);
    const row = this.st.latestStreak.get(lookup);
    let prev: StreakState | undefined = row ? streakFromRow(row) : undefined;
    if (row && prev && !prev.ended && at - row.last_seen_at >= this.config.streakTimeoutMs()) {
      // Its end never came: close it now, so a message without a streak id starts anew.
      prev = closeStreak(prev);
      this.st.endStreak.run(row.id);
      effects.push({ type: 'streakClosed', key: streakKeyOf(row.id), count: row.count });
    }
    const fresh = !prev || !continuesStreak(prev, e);
    const step = applyToStreak(fresh ? undefined : prev, e, lookup);
    const next = step.next;
    let streakId: number;
    let sessionId: number;
    if (fresh || !row) {
      const info = this.st.insertStreak.run(
        lookup,
        session.id,
        sim ? 1 : 0,
        e.user.id,
        e.gift.id,
        e.gift.name,
        e.gift.image ?? null,
        next.groupId,
        next.coinsEach,
        next.count,
        next.count * next.coinsEach,
        next.ended ? 1 : 0,
        next.streakable ? 1 : 0,
        next.firstAt,
        next.lastAt,
        at,
      );
      streakId = Number(info.lastInsertRowid);
      sessionId = session.id;
    } else {
      streakId = row.id;
      sessionId = row.session_id;
      this.st.updateStreak.run(
        next.count,
        next.count * next.coinsEach,
        next.ended ? 1 : 0,
        next.firstAt,
        next.lastAt,
        Math.max(at, row.last_seen_at),
        row.id,
      );
    }
    this.st.upsertUser.run(
      e.user.id,
      e.user.handle,
      e.user.name,
      e.user.avatar ?? null,
      e.time,
      e.time,
    );
    if (step.deltaCount > 0) {
      const newGifter =
        this.st.insertSessionGifter.run(
          sessionId,
          e.user.id,
          step.deltaCoins,
          step.deltaCount,
          e.time,
        ).changes === 1;
      if (!newGifter) {
        this.st.addSessionGifter.run(
          step.deltaCoins,
          step.deltaCount,
          step.deltaCoins,
          e.time,
          sessionId,
          e.user.id,
        );
      }
      this.st.addSessionGifts.run(step.deltaCoins, step.deltaCount, newGifter ? 1 : 0, sessionId);
      this.st.upsertSessionGift.run(
        sessionId,
        e.gift.id,
        next.coinsEach,
        e.gift.name,
        e.gift.image ?? null,
        step.deltaCount,
        step.deltaCoins,
      );
      this.st.upsertMinute.run(
        sessionId,
        Math.floor(e.time / MINUTE) * MINUTE,
        step.deltaCoins,
        step.deltaCount,
      );
      if (!sim) {
        this.st.upsertDay.run(dayStart(e.time), e.user.id, step.deltaCoins, e.time);
        this.st.upsertWeek.run(weekStart(e.time), e.user.id, step.deltaCoins, e.time);
        this.st.upsertMonth.run(monthStart(e.time), e.user.id, step.deltaCoins, e.time);
        this.st.upsertAll.run(e.user.id, step.deltaCoins, step.deltaCount, e.time);
        if (newGifter) {
          effects.push({ type: 'newGifter', sessionId, userId: e.user.id });
          this.linkReturn(e.user.id, sessionId, effects);
        }
      }
      effects.push({ type: 'sessionChanged', sessionId });
    }
    effects.push({
      type: 'gift',
      gift: {
        key: streakKeyOf(streakId),
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
