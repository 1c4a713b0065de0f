import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import WebSocket from 'ws';
import type { IngestReply } from '../../shared/api';
import { bundledCatalog } from '../../shared/catalog';
import type { GiftEvent } from '../../shared/events';
import { normalizeEvent } from '../../shared/normalize';
import { seededRandom } from '../../shared/random';
import { StreakBook, streakLookupKey } from '../../shared/streaks';
import { rawText } from '../support/server';

/**
 * Shared pieces of the reliability suites: the scale switch (npm test vs `npm run soak`), a seeded
 * traffic generator whose expected totals are known exactly, a StreakBook oracle, a resending
 * at-least-once ingest client and a reader of the ledger's totals straight from SQLite.
 */

/** True under `npm run soak` (GEMLIGHT_SOAK=1): the suites run at full size. */
export const SOAK = process.env.GEMLIGHT_SOAK === '1';

/** A size: the CI one under `npm test`, the full one under soak; GEMLIGHT_<NAME> overrides. */
export function scale(name: string, ci: number, soak: number): number {
  const override = process.env[`GEMLIGHT_${name}`];
  if (override !== undefined && /^\d+$/.test(override)) return Number(override);
  return SOAK ? soak : ci;
}

/** A test timeout that grows with the work (soak runs take long; CI ones stay bounded). */
export const timeoutFor = (ciMs: number, soakMs: number): number => (SOAK ? soakMs : ciMs);

/** Prints a figure for docs/reliability.md (grep the test output for `[reliability]`). */
export function report(suite: string, figures: Record<string, number | string>): void {
  const text = Object.entries(figures)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  process.stdout.write(`[reliability] ${suite}: ${text}\n`);
}

/** A canonical Gemlight gift or like, as a push client sends it. */
export interface CanonicalEvent {
  type: 'gift' | 'like';
  id: string;
  time: number;
  user: { id: string; handle: string; name: string };
  gift?: { id: number; name: string; coins: number; streakable: boolean };
  count: number;
  streak?: { id: string; end: boolean };
}

interface OpenStreak {
  group: string;
  user: number;
  gift: number;
  count: number;
  target: number;
}

/** Options of the traffic generator. */
export interface TrafficOptions {
  seed: number;
  /** Distinct viewers (default 500). */
  users?: number;
  /** Streaks open at once, at most (default 24). */
  parallelStreaks?: number;
  /** Longest streak in messages (default 300): long ones span kills and reconnects. */
  maxStreakLength?: number;
  /** First event time (default now). */
  startTime?: number;
  /** Prefix of message ids, so that runs never collide. */
  prefix?: string;
}

const GIFT_PRICES = [1, 1, 1, 5, 10, 99, 199, 500, 1000, 5000, 29_999];

/**
 * Seeded stream traffic: streaks (running counts, some very long), single gifts, battle storms of
 * small gifts and likes. It knows what the ledger must hold afterwards: expected coins and gifts
 * in total and per viewer, with no per-event memory (it works for millions of events).
 */
export class TrafficGenerator {
  private readonly rand: () => number;
  private readonly open: OpenStreak[] = [];
  private readonly users: number;
  private readonly parallel: number;
  private readonly maxLen: number;
  private readonly prefix: string;
  private n = 0;
  private time: number;
  private groups = 0;
  private storm = 0;
  /** Expected live coins, gifts and likes once every sent event is stored once. */
  coins = 0;
  gifts = 0;
  likes = 0;
  /** Expected coins per viewer id. */
  readonly coinsByUser = new Map<string, number>();

  constructor(options: TrafficOptions) {
    this.rand = seededRandom(options.seed);
    this.users = options.users ?? 500;
    this.parallel = options.parallelStreaks ?? 24;
    this.maxLen = options.maxStreakLength ?? 300;
    this.time = options.startTime ?? Date.now();
    this.prefix = options.prefix ?? `t${options.seed}`;
  }

  /** Events generated so far. */
  get sent(): number {
    return this.n;
  }

  /** Streaks that have started but not ended (they will span whatever happens next). */
  openStreakGroups(): string[] {
    return this.open.map((s) => s.group);
  }

  private pick(n: number): number {
    return Math.floor(this.rand() * n);
  }

  private user(i: number): CanonicalEvent['user'] {
    return { id: `${9_000_000_000_000_000 + i}`, handle: `viewer${i}`, name: `Viewer ${i}` };
  }

  private credit(userId: string, coins: number, gifts: number): void {
    this.coins += coins;
    this.gifts += gifts;
    this.coinsByUser.set(userId, (this.coinsByUser.get(userId) ?? 0) + coins);
  }

  private giftOf(index: number): NonNullable<CanonicalEvent['gift']> {
    const coins = GIFT_PRICES[index % GIFT_PRICES.length] ?? 1;
    return { id: 900_000 + index, name: `Gift ${index}`, coins, streakable: false };
  }

  /** The next event. */
  next(): CanonicalEvent {
    this.n += 1;
    this.time += 1 + this.pick(40);
    const id = `${this.prefix}-${this.n}`;
    if (this.storm > 0) {
      // A battle: a burst of one-coin gifts from many viewers.
      this.storm -= 1;
      return this.single(id, this.pick(this.users), 0, 1 + this.pick(3));
    }
    const r = this.rand();
    if (r < 0.002) this.storm = 50 + this.pick(200);
    if (r < 0.55 && this.open.length > 0) return this.advance(id);
    if (r < 0.7 && this.open.length < this.parallel) return this.startStreak(id);
    if (r < 0.92) return this.single(id, this.pick(this.users), this.pick(GIFT_PRICES.length), 1);
    const u = this.user(this.pick(this.users));
    const count = 1 + this.pick(15);
    this.likes += count;
    return { type: 'like', id, time: this.time, user: u, count };
  }

  private single(id: string, user: number, giftIndex: number, count: number): CanonicalEvent {
    const u = this.user(user);
    const gift = this.giftOf(giftIndex);
    this.credit(u.id, gift.coins * count, count);
    return { type: 'gift', id, time: this.time, user: u, gift, count };
  }

  private startStreak(id: string): CanonicalEvent {
    const s: OpenStreak = {
      group: `${this.prefix}-g${this.groups++}`,
      user: this.pick(this.users),
      gift: this.pick(GIFT_PRICES.length),
      count: 0,
      target: 1 + this.pick(this.pick(4) === 0 ? this.maxLen : 20),
    };
    this.open.push(s);
    return this.step(id, s);
  }

  private advance(id: string): CanonicalEvent {
    const s = this.open[this.pick(this.open.length)];
    if (!s) throw new Error('no open streak');
    return this.step(id, s);
  }

  private step(id: string, s: OpenStreak): CanonicalEvent {
    const before = s.count;
    s.count = Math.min(s.target, s.count + 1 + this.pick(3));
    const end = s.count >= s.target;
    if (end) this.open.splice(this.open.indexOf(s), 1);
    const u = this.user(s.user);
    const gift = { ...this.giftOf(s.gift), streakable: true };
    this.credit(u.id, gift.coins * (s.count - before), s.count - before);
    return {
      type: 'gift',
      id,
      time: this.time,
      user: u,
      gift,
      count: s.count,
      streak: { id: s.group, end },
    };
  }
}

/** The shared StreakBook over normalized events: what the ledger must agree with. */
export class Oracle {
  readonly live = new StreakBook();
  readonly simulated = new StreakBook();
  /** Message ids the ledger has stored (any kind): a second one is a duplicate. */
  readonly stored = new Set<string>();
  readonly liveCoinsByUser = new Map<string, number>();
  /** Highest count per live streak lookup key (summed over generations). */
  readonly liveCountByLookup = new Map<string, number>();
  likes = 0;

  /** Applies an event the server stored; returns false when it was a duplicate. */
  store(event: { id: string; type: string; origin: string; count?: number }): boolean {
    if (this.stored.has(event.id)) return false;
    this.stored.add(event.id);
    if (event.type === 'like' && event.origin === 'live') this.likes += event.count ?? 0;
    if (event.type !== 'gift') return true;
    const gift = event as GiftEvent;
    const book = gift.origin === 'live' ? this.live : this.simulated;
    const step = book.apply(gift);
    if (step && gift.origin === 'live' && step.deltaCount > 0) {
      this.liveCoinsByUser.set(
        gift.user.id,
        (this.liveCoinsByUser.get(gift.user.id) ?? 0) + step.deltaCoins,
      );
      const lookup = streakLookupKey(gift);
      this.liveCountByLookup.set(
        lookup,
        (this.liveCountByLookup.get(lookup) ?? 0) + step.deltaCount,
      );
    }
    return true;
  }
}

/** Normalizes a raw item as the server does (the shared normalizer, bundled catalog). */
export function normalizeLikeServer(raw: unknown, now: number) {
  let n = 0;
  return normalizeEvent(raw, {
    now,
    catalog: bundledCatalog,
    origin: 'live',
    makeId: () => `oracle-${++n}-${Math.random()}`,
  });
}

/** What the ledger holds, read straight from its SQLite file. */
export interface LedgerTotals {
  integrity: string;
  rawEvents: number;
  liveCoins: number;
  liveGifts: number;
  simulatedCoins: number;
  sessionCoins: number;
  sessionGifts: number;
  likes: number;
  allGifters: Map<string, number>;
  /** Highest count per streak lookup (summed over generations), live only. */
  countByLookup: Map<string, number>;
}

/** Reads the totals of a ledger file (the server must be stopped or it must be WAL-safe to read). */
export function readLedger(file: string): LedgerTotals {
  const db = new Database(file, { readonly: true });
  try {
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[])
      .map((r) => r.integrity_check)
      .join('; ');
    const one = <T>(sql: string): T => db.prepare(sql).get() as T;
    const live = one<{ c: number | null; g: number | null }>(
      'SELECT sum(coins) c, sum(count) g FROM streaks WHERE simulated = 0',
    );
    const sim = one<{ c: number | null }>('SELECT sum(coins) c FROM streaks WHERE simulated = 1');
    const sessions = one<{ c: number | null; g: number | null; l: number | null }>(
      'SELECT sum(coins) c, sum(gift_count) g, sum(likes) l FROM sessions WHERE simulated = 0',
    );
    const raw = one<{ n: number }>('SELECT count(*) n FROM raw_events');
    const allGifters = new Map<string, number>();
    for (const r of db.prepare('SELECT user_id, coins FROM all_gifters').all() as {
      user_id: string;
      coins: number;
    }[]) {
      allGifters.set(r.user_id, r.coins);
    }
    const countByLookup = new Map<string, number>();
    for (const r of db
      .prepare('SELECT lookup, sum(count) n FROM streaks WHERE simulated = 0 GROUP BY lookup')
      .all() as { lookup: string; n: number }[]) {
      countByLookup.set(r.lookup, r.n);
    }
    return {
      integrity,
      rawEvents: raw.n,
      liveCoins: live.c ?? 0,
      liveGifts: live.g ?? 0,
      simulatedCoins: sim.c ?? 0,
      sessionCoins: sessions.c ?? 0,
      sessionGifts: sessions.g ?? 0,
      likes: sessions.l ?? 0,
      allGifters,
      countByLookup,
    };
  } finally {
    db.close();
  }
}

/** Differences between two maps, for readable failures (empty when equal). */
export function mapDiff(
  expected: ReadonlyMap<string, number>,
  actual: ReadonlyMap<string, number>,
  limit = 10,
): string[] {
  const out: string[] = [];
  for (const [k, v] of expected) {
    if ((actual.get(k) ?? 0) !== v) out.push(`${k}: expected ${v}, got ${actual.get(k) ?? 0}`);
  }
  for (const [k, v] of actual) {
    if (!expected.has(k) && v !== 0) out.push(`${k}: expected nothing, got ${v}`);
  }
  return out.slice(0, limit);
}

/** Opens an authenticated /ingest socket; rejects with the HTTP status when refused. */
export function openIngest(url: string, token: string): Promise<WebSocket> {
  const ws = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` } });
  return new Promise((res, rej) => {
    ws.once('open', () => res(ws));
    ws.once('error', rej);
    ws.once('unexpected-response', (_req, resp) =>
      rej(new Error(`ingest refused with HTTP ${resp.statusCode}`)),
    );
  });
}

/**
 * An at-least-once push client: sends events in frames with a window of frames in flight, keeps
 * every event until its ack arrives, and after the connection drops resends everything unacked.
 */
export class ResendingClient {
  private ws: WebSocket | null = null;
  /** Events sent or queued and not yet acknowledged, by id, in send order. */
  readonly unacked = new Map<string, CanonicalEvent>();
  private readonly inFlight: string[][] = [];
  private queue: CanonicalEvent[] = [];
  private readonly sentOnce = new WeakSet<CanonicalEvent>();
  private drained: (() => void) | null = null;
  private dropped: (() => void) | null = null;
  acked = 0;
  connections = 0;
  duplicates = 0;
  resent = 0;
  errors: IngestReply[] = [];
  /** Called after each ack (the crash suite kills the server from here). */
  onAck: (acked: number) => void = () => undefined;

  constructor(
    private readonly frameSize = 50,
    private readonly window = 8,
  ) {}

  /** Connects (or reconnects) and resends whatever is unacked, in the original order. */
  async connect(url: string, token: string): Promise<void> {
    const ws = await openIngest(url, token);
    this.ws = ws;
    this.inFlight.length = 0;
    // Everything not acknowledged goes (again), in the original order.
    const pending = [...this.unacked.values()];
    this.connections += 1;
    for (const e of pending) if (this.sentOnce.has(e)) this.resent += 1;
    this.queue = pending;
    // Replies still arriving on a connection this client already dropped belong to nobody:
    // what they acknowledged is resent and acknowledged again (as a duplicate).
    ws.on('message', (data) => {
      if (this.ws === ws) this.onReply(JSON.parse(rawText(data)) as IngestReply);
    });
    ws.on('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.inFlight.length = 0;
      this.dropped?.();
    });
    ws.on('error', () => undefined);
    this.pump();
  }

  /** Queues events; `settled()` resolves once all are acked or the connection drops. */
  push(events: readonly CanonicalEvent[]): void {
    for (const e of events) this.unacked.set(e.id, e);
    this.queue.push(...events);
    this.pump();
  }

  /** Resolves 'drained' when everything is acked, 'dropped' when the connection was lost. */
  settled(): Promise<'drained' | 'dropped'> {
    if (this.unacked.size === 0) return Promise.resolve('drained');
    if (!this.ws) return Promise.resolve('dropped');
    return new Promise((res) => {
      this.drained = () => {
        this.drained = null;
        this.dropped = null;
        res('drained');
      };
      this.dropped = () => {
        this.drained = null;
        this.dropped = null;
        res('dropped');
      };
    });
  }

  /** Closes the connection (a source dropping); a pending `settled()` resolves 'dropped'. */
  close(): void {
    const ws = this.ws;
    this.ws = null;
    this.inFlight.length = 0;
    ws?.close();
    if (ws) this.dropped?.();
  }

  private pump(): void {
    const ws = this.ws;
    if (!ws || ws.readyState !== WebSocket.OPEN) return;
    while (this.inFlight.length < this.window && this.queue.length > 0) {
      const frame = this.queue.splice(0, this.frameSize).filter((e) => this.unacked.has(e.id));
      if (frame.length === 0) continue;
      for (const e of frame) this.sentOnce.add(e);
      this.inFlight.push(frame.map((e) => e.id));
      ws.send(JSON.stringify(frame));
    }
  }

  private onReply(reply: IngestReply): void {
    const head = this.inFlight[0];
    if (!head) return;
    const id = head.shift();
    if (head.length === 0) this.inFlight.shift();
    if (reply.type === 'ack' && reply.id === id) {
      if (this.unacked.delete(id)) {
        this.acked += 1;
        if (reply.duplicate) this.duplicates += 1;
        this.onAck(this.acked);
      }
    } else if (
      reply.type === 'error' &&
      (reply.code === 'rate_limited' || reply.code === 'internal')
    ) {
      // Not stored: it stays unacked and goes out again.
      const e = id === undefined ? undefined : this.unacked.get(id);
      if (e) this.queue.push(e);
    } else {
      this.errors.push(reply);
    }
    if (this.unacked.size === 0) this.drained?.();
    else this.pump();
  }
}

/** Where the real recorded TikTok data lives (outside the repo). */
export const FIXTURES = resolve(import.meta.dirname, '../../../shared/fixtures/tiktok');

/** The recorded gift message as base64 protobuf, or null with the reason printed. */
export function fixtureGiftBase64(): string | null {
  const file = resolve(FIXTURES, 'MessageWebcastGiftMessage.bin');
  if (!existsSync(file)) {
    process.stdout.write(
      `[reliability] ${FIXTURES} is absent: mutations of real TikTok payloads are skipped.\n`,
    );
    return null;
  }
  return readFileSync(file, 'utf8').trim();
}

/** Polls until `test` holds (or throws after `timeoutMs`, naming what it waited for). */
export async function waitUntil(
  test: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
