import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { IngestReply } from '../../../shared/api';
import type { OverlayPresence } from '../../../shared/liveState';
import type { Secrets } from '../config/secrets';
import type { GemlightCore } from '../core';
import { frameElementTexts } from '../ingest/frameText';
import { clientIdOf, MAX_EVENTS_PER_FRAME } from '../ingest/pipeline';
import { accessOf, hostAllowed, originAllowed } from './door';
import { wsText } from './wsText';

/** Frames larger than this close the connection with 1009. */
export const MAX_FRAME_BYTES = 1024 * 1024;

/** Per-connection frame budget: a token bucket. */
export interface RateLimit {
  /** Frames per second, sustained. */
  perSecond: number;
  /** Frames allowed in a burst. */
  burst: number;
}

/** 200 frames a second per connection, bursts to 400: far above any real source. */
export const DEFAULT_RATE_LIMIT: RateLimit = { perSecond: 200, burst: 400 };

/** What the WebSocket endpoints need. */
export interface SocketDeps {
  core: GemlightCore;
  secrets: Secrets;
  hostNames: () => ReadonlySet<string>;
  port: () => number;
  rateLimit: RateLimit;
  log: (line: string) => void;
}

class TokenBucket {
  private tokens: number;
  private last: number;
  constructor(
    private readonly limit: RateLimit,
    private readonly now: () => number,
  ) {
    this.tokens = limit.burst;
    this.last = now();
  }
  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(
      this.limit.burst,
      this.tokens + ((t - this.last) / 1000) * this.limit.perSecond,
    );
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

function refuse(socket: Duplex, status: number, reason: string): void {
  const body = JSON.stringify({
    code: status === 401 ? 'unauthorized' : status === 404 ? 'not_found' : 'forbidden',
    message: reason,
  });
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 404 ? 'Not Found' : 'Forbidden'}\r\n` +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      'Connection: close\r\n\r\n' +
      body,
  );
}

/** Live WebSocket endpoints: /ingest (push clients) and /events (overlays and dashboard). */
export class SocketEndpoints {
  private readonly ingest = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  private readonly events = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly presence = new Map<WebSocket, OverlayPresence>();
  /** Overlay pages: the hub's pending round when each opened (see `LiveHub.pendingRound`). */
  private readonly pageJoinedRound = new WeakMap<WebSocket, number>();
  private readonly alive = new WeakSet<WebSocket>();
  private readonly pinger: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(
    server: Server,
    private readonly deps: SocketDeps,
  ) {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      this.upgrade(req, socket, head),
    );
    this.unsubscribe = deps.core.onLive((message, delivery) => {
      const round = delivery.twinRound;
      // With no one to send it to (a busy ingest with the dashboard closed) nothing is serialized.
      let text: string | null = null;
      for (const ws of this.events.clients) {
        // An overlay page that was open when this gift's pending twin went out drew it from that
        // and shows no money: in a storm this halves what the OBS page parses.
        if (round !== null && (this.pageJoinedRound.get(ws) ?? round) < round) continue;
        text ??= JSON.stringify(message);
        this.sendLive(ws, text);
      }
    });
    this.pinger = setInterval(() => this.heartbeat(), 30_000);
    this.pinger.unref();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', () => socket.destroy());
    const deps = this.deps;
    if (!hostAllowed(req, deps.hostNames())) {
      return refuse(socket, 403, 'This host name is not served here.');
    }
    if (
      !originAllowed(
        req.headers.origin,
        deps.hostNames(),
        deps.port(),
        deps.core.settings.allowedOrigins,
      )
    ) {
      return refuse(socket, 403, 'WebSocket connections from this origin are not allowed.');
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const access = accessOf(req, url, deps.secrets);
    if (url.pathname === '/ingest') {
      if (access !== 'token') return refuse(socket, 401, 'Ingest needs the Gemlight token.');
      this.ingest.handleUpgrade(req, socket, head, (ws) => this.onIngest(ws, socket));
      return;
    }
    if (url.pathname === '/events') {
      if (access === 'none') {
        return refuse(socket, 401, 'Live events need the token or the overlay key.');
      }
      this.events.handleUpgrade(req, socket, head, (ws) => this.onEvents(ws, url));
      return;
    }
    refuse(socket, 404, 'There is no WebSocket endpoint here.');
  }

  private onIngest(ws: WebSocket, socket: Duplex): void {
    const core = this.deps.core;
    const bucket = new TokenBucket(this.deps.rateLimit, core.now);
    // Replies go out in frame order, even when a later frame is refused without a commit.
    let chain: Promise<void> = Promise.resolve();
    ws.on('error', () => ws.terminate());
    ws.on('message', (data) => {
      const replies = this.ingestFrame(wsText(data), bucket);
      chain = chain
        .then(() => replies)
        .then((list) => {
          if (ws.readyState !== ws.OPEN) return;
          // One reply per frame, as documented; corked, the frames leave in one write instead
          // of one system call each (`ws` writes to the socket it was upgraded on).
          socket.cork();
          try {
            for (const r of list) ws.send(JSON.stringify(r));
          } finally {
            socket.uncork();
          }
        })
        .catch((error: unknown) => this.deps.log(`ingest: reply failed: ${String(error)}`));
    });
  }

  private ingestFrame(text: string, bucket: TokenBucket): Promise<IngestReply[]> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      return Promise.resolve([
        { type: 'error', id: null, code: 'invalid_json', message: 'The frame is not valid JSON.' },
      ]);
    }
    const items = Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
    if (!bucket.take()) {
      return Promise.resolve(
        items.slice(0, MAX_EVENTS_PER_FRAME).map((item): IngestReply => ({
          type: 'error',
          id: clientIdOf(item),
          code: 'rate_limited',
          message: 'Too many frames; slow down and send this event again.',
        })),
      );
    }
    if (items.length > MAX_EVENTS_PER_FRAME) {
      return Promise.resolve([
        {
          type: 'error',
          id: null,
          code: 'too_large',
          message: `A frame may carry at most ${MAX_EVENTS_PER_FRAME} events; nothing of it was stored.`,
        },
      ]);
    }
    return this.deps.core.submit(
      items,
      { source: 'push', origin: 'live' },
      frameElementTexts(text, parsed) ?? undefined,
    );
  }

  private onEvents(ws: WebSocket, url: URL): void {
    const core = this.deps.core;
    this.alive.add(ws);
    ws.on('pong', () => this.alive.add(ws));
    ws.on('error', () => ws.terminate());
    const widget = url.searchParams.get('widget');
    if (widget !== null && /^[a-z]{1,20}$/.test(widget)) {
      const now = core.now();
      this.pageJoinedRound.set(ws, core.hub.pendingRound);
      this.presence.set(ws, {
        id: randomUUID(),
        widget,
        connectedAt: now,
        lastSeenAt: now,
        preview: url.searchParams.get('preview') === '1',
      });
    }
    this.sendLive(ws, JSON.stringify({ type: 'snapshot', state: core.hub.snapshot() }));
    if (this.presence.has(ws)) this.publishPresence();
    const bucket = new TokenBucket({ perSecond: 5, burst: 20 }, core.now);
    ws.on('message', () => {
      // The only client message is a heartbeat; anything more than a trickle is abuse.
      if (!bucket.take()) {
        ws.close(1008, 'Too many messages.');
        return;
      }
      const p = this.presence.get(ws);
      if (p) this.presence.set(ws, { ...p, lastSeenAt: core.now() });
    });
    ws.on('close', () => {
      if (this.presence.delete(ws)) this.publishPresence();
    });
  }

  private sendLive(ws: WebSocket, text: string): void {
    if (ws.readyState !== ws.OPEN) return;
    // A client that cannot keep up is dropped; it reconnects and gets a fresh snapshot.
    if (ws.bufferedAmount > 8 * 1024 * 1024) {
      ws.terminate();
      return;
    }
    ws.send(text);
  }

  private publishPresence(): void {
    this.deps.core.hub.overlays([...this.presence.values()]);
  }

  private heartbeat(): void {
    for (const ws of this.events.clients) {
      if (!this.alive.has(ws)) {
        ws.terminate();
        continue;
      }
      this.alive.delete(ws);
      ws.ping();
    }
    this.publishPresence();
  }

  /** Closes every connection. */
  close(): void {
    clearInterval(this.pinger);
    this.unsubscribe();
    for (const ws of this.ingest.clients) ws.close(1001, 'Gemlight is stopping.');
    for (const ws of this.events.clients) ws.close(1001, 'Gemlight is stopping.');
    this.ingest.close();
    this.events.close();
  }
}
