import type { EventEmitter } from 'node:events';
// Types only: the connector itself is imported when a TikTok source first starts.
import type { TikTokLiveConnection } from 'tiktok-live-connector';
import { parseTikTokCatalog } from '../../../shared/catalog';
import { Backoff, type BackoffOptions } from './backoff';
import { ConnectionReporter } from './connectionReporter';
import { RecentIds } from './recentIds';
import { ReportingSource } from './reportingSource';
import { describeError } from './submitQueue';
import type { EventSink, Source } from './types';
import { WakeableSleep } from './wakeableSleep';

/** What the dashboard says when the runtime cannot host the connector. */
export const TIKTOK_NODE_MESSAGE =
  'TikTok LIVE direct needs Node 22 or newer (the Electron app has it); under npm run serve use Node 22+ or TikFinity';

/** Connector events Gemlight listens to. */
export type TikTokEventName =
  'gift' | 'like' | 'follow' | 'share' | 'roomUser' | 'streamEnd' | 'disconnected' | 'error';

/** The part of tiktok-live-connector's `TikTokLiveConnection` that Gemlight uses. */
export interface TikTokConnection {
  connect(): Promise<unknown>;
  disconnect(): Promise<void>;
  fetchIsLive(): Promise<boolean>;
  /** TikTok's gift list for the room (the connector answers with `data.gifts`). */
  fetchAvailableGifts(): Promise<unknown>;
  on(event: TikTokEventName, listener: (payload: unknown) => void): void;
  removeAllListeners(): void;
}

/** Makes a fresh connection for one attempt (a new LIVE gets a new room id). */
export type TikTokConnectionFactory = (
  username: string,
  options: { signApiKey?: string },
) => TikTokConnection | Promise<TikTokConnection>;

/** Options of the TikTok LIVE direct source. */
export interface TikTokOptions {
  /** The creator's @username (with or without the @). */
  username: string;
  /** Euler Stream sign API key, passed to the connector as `signApiKey`. */
  signApiKey?: string;
  /** Poll until the creator goes LIVE instead of failing (and wait for the next LIVE after one ends). */
  waitUntilLive?: boolean;
  /** Health id and sink source name (default "tiktok"). */
  id?: string;
  now?: () => number;
  backoff?: BackoffOptions;
  /** How often "wait until live" asks whether the creator is LIVE (default 30 s). */
  livePollMs?: number;
  /** Defaults to tiktok-live-connector, imported on first use. */
  factory?: TikTokConnectionFactory;
  /** The runtime's Node version (default process.versions.node). */
  nodeVersion?: string;
  rateNotifyMs?: number;
}

/** Wraps a real tiktok-live-connector connection in the narrow interface the source uses. */
export function adaptConnection(connection: TikTokLiveConnection): TikTokConnection {
  const emitter = connection as unknown as EventEmitter;
  return {
    connect: () => connection.connect(),
    disconnect: () => connection.disconnect(),
    fetchIsLive: () => connection.fetchIsLive(),
    fetchAvailableGifts: async (): Promise<unknown> =>
      (await connection.fetchAvailableGifts()) as unknown,
    on: (event, listener) => {
      emitter.on(event, listener);
    },
    removeAllListeners: () => {
      emitter.removeAllListeners();
    },
  };
}

/** Builds connections with the real tiktok-live-connector, imported only when first needed. */
export const connectorFactory: TikTokConnectionFactory = async (username, options) => {
  const { TikTokLiveConnection } = await import('tiktok-live-connector');
  return adaptConnection(
    new TikTokLiveConnection(username, {
      ...(options.signApiKey ? { signApiKey: options.signApiKey } : {}),
      // The gift list is fetched after connecting instead, where failing to get it is harmless.
      enableExtendedGiftInfo: false,
      fetchRoomInfoOnConnect: true,
      processInitialData: true,
    }),
  );
};

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const rec = (v: unknown): Rec => (isRec(v) ? v : {});

/** A scalar safe for JSON: bigint becomes its decimal string; other kinds are dropped. */
function scalar(v: unknown): string | number | boolean | undefined {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return undefined;
}

/** Copies only the named fields that hold scalars. */
function pick(source: Rec, keys: readonly string[]): Rec {
  const out: Rec = {};
  for (const key of keys) {
    const value = scalar(source[key]);
    if (value !== undefined) out[key] = value;
  }
  return out;
}

const firstUrl = (image: unknown): string | undefined => {
  const list = rec(image).urlList;
  return Array.isArray(list) && typeof list[0] === 'string' ? list[0] : undefined;
};

/** The message id the connector's decoded message carries. */
export function tiktokMessageId(message: unknown): string | undefined {
  const id = scalar(rec(rec(message).common).msgId);
  return id === undefined || id === '' || id === '0' ? undefined : String(id);
}

/** Milliseconds from a connector timestamp, when it is a plausible time. */
function messageTime(message: Rec): number | undefined {
  const raw = scalar(rec(message.common).createTime);
  const n = typeof raw === 'string' && /^\d{1,16}$/.test(raw) ? Number(raw) : raw;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0) return undefined;
  const ms = n < 10_000_000_000 ? n * 1000 : n;
  return ms >= Date.UTC(2016, 0, 1) && ms < Date.UTC(2100, 0, 1) ? ms : undefined;
}

/**
 * A gift message reduced to the 2.x (v3) fields the pipeline reads. The decoded protobuf carries
 * kilobytes of display data per gift; the raw log keeps what matters, as the connector named it.
 */
export function slimGiftMessage(message: unknown): Rec {
  const m = rec(message);
  const user = rec(m.user);
  const gift = rec(m.gift);
  const avatar = firstUrl(user.avatarThumb);
  const image = firstUrl(gift.image);
  return {
    common: pick(rec(m.common), ['msgId', 'createTime', 'roomId']),
    ...pick(m, ['giftId', 'repeatCount', 'repeatEnd', 'groupId', 'comboCount']),
    user: {
      ...pick(user, ['id', 'idStr', 'displayId', 'uniqueId', 'nickname']),
      ...(avatar ? { avatarThumb: { urlList: [avatar] } } : {}),
    },
    gift: {
      ...pick(gift, ['id', 'name', 'type', 'diamondCount']),
      ...(image ? { image: { urlList: [image] } } : {}),
    },
  };
}

/** A connector user as a canonical viewer. */
function canonicalViewer(user: unknown): Rec {
  const u = rec(user);
  const id = scalar(u.idStr) ?? scalar(u.id) ?? scalar(u.userId);
  const handle = scalar(u.displayId) ?? scalar(u.uniqueId);
  const name = scalar(u.nickname);
  const avatar = firstUrl(u.avatarThumb);
  return {
    id: id !== undefined && String(id).length > 0 && String(id).length <= 128 ? String(id) : '0',
    ...(typeof handle === 'string' ? { handle } : {}),
    ...(typeof name === 'string' ? { name } : {}),
    ...(avatar && avatar.length <= 2048 ? { avatar } : {}),
  };
}

/** A positive whole number from a connector field, if it is one. */
function count(v: unknown): number | undefined {
  const raw = scalar(v);
  const n = typeof raw === 'string' && /^\d{1,12}$/.test(raw) ? Number(raw) : raw;
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * Turns one connector event into what the pipeline receives: gifts stay in the connector's own
 * 2.x shape (slimmed), the rest become canonical Gemlight events. Undefined means nothing to keep.
 */
export function fromConnectorEvent(event: TikTokEventName, payload: unknown): Rec | undefined {
  const m = rec(payload);
  const id = tiktokMessageId(m);
  const time = messageTime(m);
  const base = { ...(id ? { id } : {}), ...(time ? { time } : {}) };
  switch (event) {
    case 'gift':
      return slimGiftMessage(m);
    case 'like':
      return {
        type: 'like',
        ...base,
        user: canonicalViewer(m.user),
        count: Math.max(1, count(m.count) ?? 1),
      };
    case 'follow':
    case 'share':
      return { type: event, ...base, user: canonicalViewer(m.user), count: 1 };
    case 'roomUser': {
      const viewers = count(m.total) ?? count(m.viewerCount);
      return viewers === undefined ? undefined : { type: 'viewers', ...base, count: viewers };
    }
    case 'streamEnd':
      return { type: 'session', action: 'end' };
    case 'disconnected':
    case 'error':
      return undefined;
  }
}

const FORWARDED: readonly TikTokEventName[] = [
  'gift',
  'like',
  'follow',
  'share',
  'roomUser',
  'streamEnd',
];

/** Whether an error (or one of its classes) carries the given class name. */
function isErrorClass(error: unknown, name: string): boolean {
  let proto: unknown =
    typeof error === 'object' && error !== null ? Object.getPrototypeOf(error) : null;
  while (proto && proto !== Object.prototype) {
    const ctor = (proto as { constructor?: { name?: unknown } }).constructor;
    if (ctor?.name === name) return true;
    proto = Object.getPrototypeOf(proto);
  }
  return false;
}

const nodeMajor = (version: string): number => Number.parseInt(version.split('.')[0] ?? '0', 10);

/**
 * TikTok LIVE, direct, by @username through tiktok-live-connector: waits until LIVE when asked,
 * reconnects with backoff (recording the gap), drops messages seen before a reconnect, and hands
 * the room's gift catalog to the pipeline when TikTok gives it.
 */
export class TikTokSource extends ReportingSource implements Source {
  readonly kind = 'tiktok' as const;
  readonly username: string;
  private readonly link: ConnectionReporter;
  private readonly seen = new RecentIds();
  private readonly backoff: Backoff;
  private readonly factory: TikTokConnectionFactory;
  private running = false;
  /** Bumped on every start/stop so that a stale run loop knows to quit. */
  private generation = 0;
  private connection: TikTokConnection | null = null;
  private readonly sleeper = new WakeableSleep();
  /** Ends the wait on the current connection (used when it is dropped on purpose). */
  private endWatch: (() => void) | null = null;
  private loop: Promise<void> | null = null;

  constructor(
    private readonly sink: EventSink,
    private readonly options: TikTokOptions,
  ) {
    const username = options.username.trim().replace(/^@/, '');
    super(sink, {
      id: options.id ?? 'tiktok',
      kind: 'tiktok',
      label: `TikTok LIVE @${username}`,
      origin: 'live',
      now: options.now ?? Date.now,
      rateNotifyMs: options.rateNotifyMs,
    });
    this.username = username;
    this.backoff = new Backoff(options.backoff);
    this.factory = options.factory ?? connectorFactory;
    this.link = new ConnectionReporter(sink, this.id, this.health_, this.backoff, this.now);
  }

  start(): Promise<void> {
    if (this.running) return Promise.resolve();
    if (nodeMajor(this.options.nodeVersion ?? process.versions.node) < 22) {
      this.health_.setState('error', TIKTOK_NODE_MESSAGE);
      return Promise.resolve();
    }
    if (this.username === '') {
      this.health_.setState('error', 'Enter your TikTok @username in Settings to connect.');
      return Promise.resolve();
    }
    if (!/^[A-Za-z0-9._]{1,64}$/.test(this.username)) {
      this.health_.setState('error', `"${this.username.slice(0, 64)}" is not a TikTok username.`);
      return Promise.resolve();
    }
    this.running = true;
    const generation = ++this.generation;
    this.loop = this.run(generation).catch((error: unknown) => {
      // For example the connector could not be loaded: say so, and allow a fresh start.
      if (generation !== this.generation) return;
      this.running = false;
      this.health_.setState('error', `TikTok LIVE stopped: ${describeError(error)}`);
    });
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.generation++;
    this.sleeper.wake();
    await this.dropConnection();
    this.link.release();
    // A connect call in flight may take a while; the loop quits on its own once it returns.
    await Promise.race([this.loop, new Promise((r) => setTimeout(r, 2000).unref())]);
    this.loop = null;
    await this.settleStopped();
  }

  private live(generation: number): boolean {
    return this.running && generation === this.generation;
  }

  private async run(generation: number): Promise<void> {
    const waitMode = this.options.waitUntilLive ?? false;
    while (this.live(generation)) {
      const connection = await this.factory(this.username, {
        ...(this.options.signApiKey ? { signApiKey: this.options.signApiKey } : {}),
      });
      if (!this.live(generation)) return;
      this.connection = connection;

      if (waitMode) {
        const isLive = await this.waitUntilLive(connection, generation);
        if (!isLive) return;
      }

      this.link.attempting();
      const ended = this.watch(connection);
      try {
        await connection.connect();
      } catch (error) {
        connection.removeAllListeners();
        this.connection = null;
        if (!this.live(generation)) return;
        const verdict = this.classify(error);
        if (verdict === 'offline') {
          // Not LIVE: whatever was unobserved is over, the LIVE itself has ended.
          this.health_.closeGap(this.now());
          if (waitMode) {
            this.health_.setState('waiting');
            await this.sleeper.sleep(this.options.livePollMs ?? 30_000);
            continue;
          }
          this.health_.setState(
            'error',
            `@${this.username} is not LIVE right now. Turn on "wait until live" to connect as soon as they go LIVE.`,
          );
          this.running = false;
          return;
        }
        if (verdict === 'fatal') {
          this.health_.setState('error', this.explain(error));
          this.running = false;
          return;
        }
        this.link.attempting(this.explain(error));
        await this.sleeper.sleep(this.retryDelay(error));
        continue;
      }
      if (!this.live(generation)) {
        // Stopped while connecting: close what just opened.
        connection.removeAllListeners();
        await connection.disconnect().catch(() => undefined);
        return;
      }
      this.link.opened();
      this.takeCatalog(connection);

      const reason = await ended;
      connection.removeAllListeners();
      if (this.connection === connection) this.connection = null;
      if (!this.live(generation)) return;
      const time = this.now();
      this.link.closed(time);
      if (reason === 'streamEnd') {
        // The LIVE is over: nothing is missed, so there is no gap.
        if (!waitMode) {
          this.health_.setState('idle', null);
          this.running = false;
          return;
        }
        continue;
      }
      this.health_.openGap(time);
      this.health_.setState('reconnecting');
      await this.sleeper.sleep(this.backoff.next());
    }
  }

  /** Polls until the creator is LIVE; false when stopped meanwhile. */
  private async waitUntilLive(connection: TikTokConnection, generation: number): Promise<boolean> {
    this.health_.setState('waiting');
    while (this.live(generation)) {
      try {
        if (await connection.fetchIsLive()) return this.live(generation);
      } catch (error) {
        this.health_.setError(this.explain(error));
      }
      await this.sleeper.sleep(this.options.livePollMs ?? 30_000);
    }
    return false;
  }

  /** Subscribes to the connection; resolves when it ends and says why. */
  private watch(connection: TikTokConnection): Promise<'streamEnd' | 'disconnected'> {
    let streamEnded = false;
    for (const name of FORWARDED) {
      connection.on(name, (payload) => {
        if (this.connection !== connection) return;
        if (name === 'streamEnd') streamEnded = true;
        const id = name === 'streamEnd' ? undefined : tiktokMessageId(payload);
        if (id !== undefined && !this.seen.add(`${name}:${id}`)) return;
        const event = fromConnectorEvent(name, payload);
        if (event) this.submitter.push([event]);
      });
    }
    connection.on('error', (payload) => {
      if (this.connection !== connection) return;
      const info = rec(payload);
      this.health_.setError(
        `TikTok LIVE: ${typeof info.info === 'string' ? `${info.info}: ` : ''}${describeError(info.exception ?? payload)}`,
      );
    });
    return new Promise((resolve) => {
      const end = (): void => resolve(streamEnded ? 'streamEnd' : 'disconnected');
      this.endWatch = end;
      connection.on('disconnected', end);
    });
  }

  private takeCatalog(connection: TikTokConnection): void {
    // Fire and forget: a missing gift list only means the bundled catalog stays in use.
    void connection
      .fetchAvailableGifts()
      .then((answer) => {
        if (this.connection !== connection) return;
        const parsed = parseTikTokCatalog(answer);
        if (parsed.ok) this.sink.catalog(parsed.value, { source: this.id });
      })
      .catch(() => undefined);
  }

  private classify(error: unknown): 'offline' | 'fatal' | 'retry' {
    if (isErrorClass(error, 'UserOfflineError')) return 'offline';
    if (isErrorClass(error, 'InvalidUniqueIdError')) return 'fatal';
    return 'retry';
  }

  private explain(error: unknown): string {
    if (isErrorClass(error, 'InvalidUniqueIdError'))
      return `"${this.username}" is not a valid TikTok username.`;
    if (isErrorClass(error, 'SignatureRateLimitError'))
      return 'The signing service is rate-limiting this connection; it will retry. A sign API key in Settings raises the limit.';
    return `TikTok LIVE: ${describeError(error)}`;
  }

  private retryDelay(error: unknown): number {
    const retryAfter = rec(error).retryAfter;
    const delay = this.backoff.next();
    return typeof retryAfter === 'number' && retryAfter > delay
      ? Math.min(retryAfter, 10 * 60_000)
      : delay;
  }

  private async dropConnection(): Promise<void> {
    const connection = this.connection;
    this.connection = null;
    if (!connection) return;
    connection.removeAllListeners();
    this.endWatch?.();
    this.endWatch = null;
    try {
      await connection.disconnect();
    } catch {
      // Already gone; nothing more to close.
    }
  }
}
