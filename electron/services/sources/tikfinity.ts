import WebSocket from 'ws';
import { Backoff, type BackoffOptions } from './backoff';
import { ConnectionReporter } from './connectionReporter';
import { RecentIds } from './recentIds';
import { ReportingSource } from './reportingSource';
import { describeError } from './submitQueue';
import type { EventSink, Source } from './types';

/** Where TikFinity's local event API listens by default. */
export const TIKFINITY_DEFAULT_URL = 'ws://localhost:21213/';
/** Frames above this size are refused, as on Gemlight's own /ingest. */
const MAX_FRAME_BYTES = 1024 * 1024;

/** The WebSocket class to use (the `ws` package's, or a compatible one). */
export type WebSocketClass = typeof WebSocket;

/** Options of the TikFinity-compatible client. */
export interface TikFinityOptions {
  /** Health id and sink source name (default "tikfinity"). */
  id?: string;
  /** Default ws://localhost:21213/. */
  url?: string;
  now?: () => number;
  backoff?: BackoffOptions;
  /** Ping interval; a connection that misses a pong is dropped (default 15 s, 0 turns it off). */
  heartbeatMs?: number;
  webSocketImpl?: WebSocketClass;
  rateNotifyMs?: number;
}

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The message id a TikFinity frame carries (`data.msgId`), if any. */
function tikFinityMessageId(frame: unknown): string | undefined {
  if (!isRec(frame) || !isRec(frame.data)) return undefined;
  const id = frame.data.msgId;
  if (typeof id === 'string' && id.length > 0) return id;
  if (typeof id === 'number' && Number.isInteger(id)) return String(id);
  return undefined;
}

/**
 * A client of TikFinity's local WebSocket API (and anything speaking the same protocol): each
 * frame's JSON (`{"event":"gift","data":{…}}`) goes to the pipeline as received. Reconnects with
 * exponential backoff and full jitter, records the time it was away as a gap, and drops messages
 * the server sends again after a reconnect.
 */
export class TikFinitySource extends ReportingSource implements Source {
  readonly kind = 'tikfinity' as const;
  readonly url: string;
  private readonly link: ConnectionReporter;
  private readonly seen = new RecentIds();
  private readonly backoff: Backoff;
  private readonly heartbeatMs: number;
  private readonly WebSocketImpl: WebSocketClass;
  private socket: WebSocket | null = null;
  private running = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;

  constructor(sink: EventSink, options: TikFinityOptions = {}) {
    const url = options.url ?? TIKFINITY_DEFAULT_URL;
    super(sink, {
      id: options.id ?? 'tikfinity',
      kind: 'tikfinity',
      label: `TikFinity ${url}`,
      origin: 'live',
      now: options.now ?? Date.now,
      rateNotifyMs: options.rateNotifyMs,
    });
    this.url = url;
    this.backoff = new Backoff(options.backoff);
    this.heartbeatMs = options.heartbeatMs ?? 15_000;
    this.WebSocketImpl = options.webSocketImpl ?? WebSocket;
    this.link = new ConnectionReporter(sink, this.id, this.health_, this.backoff, this.now);
  }

  start(): Promise<void> {
    if (this.running) return Promise.resolve();
    this.running = true;
    this.connect();
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.stopHeartbeat();
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.removeAllListeners();
      // Errors after this point concern a socket nobody listens to any more.
      socket.on('error', () => undefined);
      socket.terminate();
    }
    this.link.release();
    await this.settleStopped();
  }

  private connect(): void {
    this.retryTimer = null;
    if (!this.running) return;
    this.link.attempting();
    let socket: WebSocket;
    try {
      socket = new this.WebSocketImpl(this.url, {
        maxPayload: MAX_FRAME_BYTES,
        handshakeTimeout: 10_000,
      });
    } catch (error) {
      // A malformed URL will not get better by retrying.
      this.health_.setState(
        'error',
        `TikFinity URL "${this.url}" is not valid: ${describeError(error)}`,
      );
      this.running = false;
      return;
    }
    this.socket = socket;
    let alive = true;
    socket.on('open', () => {
      if (this.socket !== socket) return;
      this.link.opened();
      if (this.heartbeatMs > 0) {
        this.heartbeat = setInterval(() => {
          if (!alive) {
            this.health_.setError('TikFinity stopped answering; reconnecting.');
            socket.terminate();
            return;
          }
          alive = false;
          socket.ping();
        }, this.heartbeatMs);
        this.heartbeat.unref();
      }
    });
    socket.on('pong', () => {
      alive = true;
    });
    socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (this.socket !== socket) return;
      alive = true;
      this.receive(data, isBinary);
    });
    socket.on('error', (error: Error) => {
      if (this.socket !== socket) return;
      this.health_.setError(this.explain(error));
    });
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.stopHeartbeat();
      if (this.link.connected) {
        const time = this.now();
        this.health_.openGap(time);
        this.link.closed(time);
      }
      if (!this.running) return;
      this.health_.setState('reconnecting');
      this.retryTimer = setTimeout(() => this.connect(), this.backoff.next());
    });
  }

  private receive(data: WebSocket.RawData, isBinary: boolean): void {
    if (isBinary) {
      this.health_.setError('TikFinity sent a binary frame; only JSON text frames are read.');
      return;
    }
    const text = Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Array.isArray(data)
        ? Buffer.concat(data).toString('utf8')
        : Buffer.from(data).toString('utf8');
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      this.health_.setError('TikFinity sent a frame that is not JSON; it was skipped.');
      return;
    }
    const frames = Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
    const fresh = frames.filter((frame) => {
      const id = tikFinityMessageId(frame);
      return id === undefined || this.seen.add(id);
    });
    this.submitter.push(fresh);
  }

  private explain(error: Error): string {
    const code = (error as Error & { code?: unknown }).code;
    if (code === 'ECONNREFUSED') {
      return `Nothing is listening at ${this.url}: start TikFinity and turn on its WebSocket API.`;
    }
    return `TikFinity connection: ${describeError(error)}`;
  }

  private stopHeartbeat(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
  }
}
