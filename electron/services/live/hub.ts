import type { Settings } from '../../../shared/api';
import { minorPerDiamond, type Rates } from '../../../shared/earnings';
import type { GoalProgress } from '../../../shared/goals';
import type { GifterTotal } from '../../../shared/leaderboard';
import {
  MINUTE_HISTORY,
  emptyLiveState,
  reduceLive,
  reduceLiveAll,
  type CountedGift,
  type LiveMessage,
  type LiveSession,
  type LiveState,
  type MinuteBucket,
  type OverlayPresence,
  type SourceHealth,
} from '../../../shared/liveState';
import * as Q from '../../../shared/rational';
import { assertNever } from '../../../shared/result';
import type { CashBook } from '../ledger/cashBook';
import type { LedgerDb } from '../ledger/db';
import {
  gapMsOf,
  getSessionRow,
  periodGifters,
  sessionGifters,
  type SessionRow,
} from '../ledger/queries';
import { ratesFromJson } from '../ledger/ratesCodec';
import type { LedgerWriter } from '../ledger/writer';
import type { CommittedBatch } from '../ingest/pipeline';
import { prepared } from '../ledger/statements';

/** Entries on each live leaderboard. */
export const LEADERBOARD_SIZE = 10;

/** How a broadcast message reached the listeners. */
export interface LiveDelivery {
  /**
   * For a committed gift: the round (`LiveHub.pendingRound`) in which its early, pending twin went
   * to the listeners, before COMMIT. A page that was already listening then and only draws alerts
   * has it; pages and views that show money need this committed copy. Null for anything else.
   */
  twinRound: number | null;
}

/** A listener of every broadcast message. */
export type LiveListener = (message: LiveMessage, delivery: LiveDelivery) => void;

const PLAIN: LiveDelivery = Object.freeze({ twinRound: null });

/** What the hub reads from the rest of the app. */
export interface LiveHubContext {
  db: LedgerDb;
  writer: LedgerWriter;
  cash: CashBook;
  settings: () => Settings;
  goal: () => GoalProgress | null;
  now: () => number;
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** A batch's test alerts as counted gifts: shown, never stored, never in a session. */
function testGifts(batch: CommittedBatch): CountedGift[] {
  const gifts: CountedGift[] = [];
  for (const test of batch.testEvents) {
    if (test.type !== 'gift') continue;
    gifts.push({
      key: `t${test.id}`,
      id: test.id,
      time: test.time,
      user: test.user,
      gift: test.gift,
      count: test.count,
      deltaCount: test.count,
      deltaCoins: test.count * test.gift.coins,
      started: true,
      ended: true,
      origin: 'test',
      sessionId: null,
    });
  }
  return gifts;
}

/**
 * The early, pending copy of a counted gift. Spelled out field by field, in the order the writer
 * builds them (so the JSON is byte for byte what `{ ...gift, pending: true }` gave): a spread
 * that then adds a property took ~10× longer per gift. `Required` makes a new field a type error.
 */
function pendingTwin(g: CountedGift): CountedGift {
  return {
    key: g.key,
    id: g.id,
    time: g.time,
    user: g.user,
    gift: g.gift,
    count: g.count,
    deltaCount: g.deltaCount,
    deltaCoins: g.deltaCoins,
    started: g.started,
    ended: g.ended,
    origin: g.origin,
    sessionId: g.sessionId,
    pending: true,
  } satisfies Required<CountedGift>;
}

/**
 * The server's live state: the snapshot every /events client gets on connect, kept current by
 * applying each broadcast message with the shared reducer, exactly as clients do (a committed
 * batch's messages all at once with `reduceLiveAll`, which gives the same state).
 */
export class LiveHub {
  private state: LiveState;
  private readonly listeners = new Set<LiveListener>();
  /** Rounds of pending twins sent so far (see `pendingRound`). */
  private rounds = 0;
  /** The batch whose pending twins `applied` sent last, and its round; `committed` clears it. */
  private announced: { batch: CommittedBatch; round: number } | null = null;

  constructor(private readonly ctx: LiveHubContext) {
    this.state = this.buildState(emptyLiveState(ctx.settings().currency));
  }

  /** The current state (what a new client receives as its snapshot). */
  snapshot(): LiveState {
    return this.state;
  }

  /** Listens to every broadcast message. */
  subscribe(listener: LiveListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Applies a message to the server state and sends it to every listener. */
  publish(message: LiveMessage): void {
    this.state = reduceLive(this.state, message);
    for (const l of this.listeners) l(message, PLAIN);
  }

  /**
   * Publishes messages in order, with the same result as `publish` on each: the state is updated
   * once for all of them (a committed batch holds up to thousands of gifts, and a state copy per
   * gift dominated its cost), and each listener still gets every message, in the same order.
   */
  publishAll(messages: readonly LiveMessage[], twinRound: number | null = null): void {
    if (messages.length === 0) return;
    this.state = reduceLiveAll(this.state, messages);
    if (this.listeners.size === 0) return;
    const twin: LiveDelivery = twinRound === null ? PLAIN : { twinRound };
    for (const message of messages) {
      const delivery = message.type === 'gift' ? twin : PLAIN;
      for (const l of this.listeners) l(message, delivery);
    }
  }

  /**
   * How many rounds of pending twins have gone out. A socket that notes it when it opens got the
   * pending twins of every later round (`LiveDelivery.twinRound` greater than its note).
   */
  get pendingRound(): number {
    return this.rounds;
  }

  /** Rebuilds everything from the ledger and sends a fresh snapshot (settings, restore, rates). */
  resync(): void {
    this.publish({
      type: 'snapshot',
      state: this.buildState({ ...this.state, currency: this.ctx.settings().currency }),
    });
  }

  /** Reports a source's health. */
  source(health: SourceHealth): void {
    this.publish({ type: 'source', source: health });
  }

  /** Reports the connected overlay pages. */
  overlays(list: OverlayPresence[]): void {
    if (!sameJson(list, this.state.overlays)) this.publish({ type: 'overlays', overlays: list });
  }

  /** Re-reads the goal and broadcasts it when it changed. */
  refreshGoal(): void {
    const goal = this.ctx.goal();
    if (!sameJson(goal, this.state.goal)) this.publish({ type: 'goal', goal });
  }

  /**
   * Sends a batch's gifts as early, pending alerts while its transaction is still open (before
   * COMMIT's fsync), in the order `committed` will send them. One pass over effects already in
   * memory, no SQL. They go to listeners only and never into this hub's state: the snapshot stays
   * strictly committed, and a batch that then fails to commit leaves no trace in it (the alert may
   * have shown on screen; its money is never counted, since only the committed twin carries it).
   */
  applied(batch: CommittedBatch): void {
    // Nobody to show them to, and the state never holds them.
    if (this.listeners.size === 0) return;
    this.rounds++;
    // Each message is built once, whatever the number of listeners.
    const send = (gift: CountedGift): void => {
      const message: LiveMessage = { type: 'gift', gift: pendingTwin(gift) };
      for (const l of this.listeners) l(message, PLAIN);
    };
    for (const gift of testGifts(batch)) send(gift);
    for (const e of batch.effects) if (e.type === 'gift') send(e.gift);
    // Every gift `committed` will send for this batch has just gone out as its pending twin.
    this.announced = { batch, round: this.rounds };
  }

  /** Turns a committed batch into live messages. */
  committed(batch: CommittedBatch): void {
    const twinRound = this.announced?.batch === batch ? this.announced.round : null;
    this.announced = null;
    const now = this.ctx.now();
    const touched = new Set<number>();
    let gifts = false;
    for (const e of batch.effects) {
      if (e.type === 'sessionChanged') touched.add(e.sessionId);
      if (e.type === 'gift') gifts = true;
    }
    this.ctx.cash.refresh(touched);
    const shownId = this.shownSessionId();
    const switched = shownId !== (this.state.session ? Number(this.state.session.id) : null);
    const messages: LiveMessage[] = [];
    for (const gift of testGifts(batch)) messages.push({ type: 'gift', gift });
    for (const e of batch.effects) {
      switch (e.type) {
        case 'gift':
          messages.push({ type: 'gift', gift: e.gift });
          break;
        case 'streakClosed':
          messages.push({ type: 'combo', key: e.key, count: e.count, ended: true });
          break;
        case 'social':
          if (!switched && e.sessionId !== null && e.sessionId === shownId) {
            messages.push({
              type: 'social',
              kind: e.kind,
              count: e.count,
              user: e.user,
              time: e.time,
            });
          }
          break;
        case 'viewers':
          if (!switched && e.sessionId !== null && e.sessionId === shownId) {
            messages.push({ type: 'viewers', count: e.count });
          }
          break;
        case 'sessionChanged':
        case 'newGifter':
        case 'gifterReturn':
          break;
        default:
          assertNever(e, 'ledger effect');
      }
    }
    // One state update for the whole batch; listeners still get each message, in order.
    this.publishAll(messages, twinRound);
    if (switched) {
      // A different session is shown now: a full snapshot is simpler and always right.
      this.publish({ type: 'snapshot', state: this.buildState(this.state) });
      return;
    }
    if (shownId !== null && (touched.has(shownId) || this.state.session?.gapMs)) {
      const session = this.liveSession(shownId, now);
      if (!sameJson(session, this.state.session)) this.publish({ type: 'session', session });
    }
    if (gifts) this.refreshBoards(shownId, now);
    if (gifts || touched.size > 0) this.refreshGoal();
  }

  /** The session the live views show: the open live one, else the open simulated one, else the latest. */
  shownSessionId(): number | null {
    const open = this.ctx.writer.openSessionId(false) ?? this.ctx.writer.openSessionId(true);
    if (open !== null) return open;
    const row = prepared<[], { id: number }>(
      this.ctx.db,
      'SELECT id FROM sessions ORDER BY started_at DESC, id DESC LIMIT 1',
    ).get();
    return row?.id ?? null;
  }

  private liveSession(id: number, now: number): LiveSession | null {
    const row = getSessionRow(this.ctx.db, id);
    return row ? this.toLiveSession(row, now) : null;
  }

  private toLiveSession(row: SessionRow, now: number): LiveSession {
    const rates: Rates = ratesFromJson(row.rates);
    const currency = this.ctx.settings().currency;
    const simulated = row.simulated === 1;
    return {
      id: String(row.id),
      startedAt: row.started_at,
      endedAt: row.ended_at,
      simulated,
      coins: row.coins,
      gifts: row.gift_count,
      gifters: row.gifter_count,
      likes: row.likes,
      follows: row.follows,
      shares: row.shares,
      viewers: row.viewers,
      diamondsPerCoin: Q.toJSON(rates.diamondsPerCoin),
      minorPerDiamond: Q.toJSON(minorPerDiamond(rates, currency)),
      cashBefore: Q.toJSON(simulated ? Q.ZERO : this.ctx.cash.before(row.id)),
      gapMs: gapMsOf(this.ctx.db, row.id, now),
    };
  }

  private boards(shownId: number | null, now: number): LiveState['leaderboards'] {
    return {
      session: shownId === null ? [] : sessionGifters(this.ctx.db, shownId, LEADERBOARD_SIZE),
      day: periodGifters(this.ctx.db, 'day', now, LEADERBOARD_SIZE),
      all: periodGifters(this.ctx.db, 'all', now, LEADERBOARD_SIZE),
    };
  }

  private refreshBoards(shownId: number | null, now: number): void {
    const next = this.boards(shownId, now);
    for (const period of ['session', 'day', 'all'] as const) {
      const entries: GifterTotal[] = next[period];
      if (!sameJson(entries, this.state.leaderboards[period])) {
        this.publish({ type: 'leaderboard', period, entries });
      }
    }
  }

  private perMinute(sessionId: number): MinuteBucket[] {
    return prepared<[number, number], MinuteBucket>(
      this.ctx.db,
      `SELECT minute, coins, gifts FROM (
           SELECT minute, coins, gifts FROM minute_rollups WHERE session_id = ?
           ORDER BY minute DESC LIMIT ?) ORDER BY minute`,
    ).all(sessionId, MINUTE_HISTORY);
  }

  private buildState(base: LiveState): LiveState {
    const now = this.ctx.now();
    const shownId = this.shownSessionId();
    return {
      ...base,
      session: shownId === null ? null : this.liveSession(shownId, now),
      leaderboards: this.boards(shownId, now),
      goal: this.ctx.goal(),
      perMinute: shownId === null ? [] : this.perMinute(shownId),
      currency: this.ctx.settings().currency,
    };
  }
}
