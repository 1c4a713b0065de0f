/**
 * The /events socket, kept open for as long as the page lives. After the app restarts or the
 * network drops it reconnects with exponential backoff and full jitter, so a room full of OBS
 * instances does not hammer the app at the same moment. The server sends a snapshot first on
 * every connection, which is what makes a reconnect correct without a reload. While open, a
 * small heartbeat frame goes out every `heartbeatMs` so the dashboard can see the page is alive
 * (the server also pings; the browser answers those by itself). That interval lives and dies
 * with the socket: it is the only timer of an idle page.
 */

/** What the connection reports to the page. */
export type ConnectionState = 'connecting' | 'open' | 'closed';

/** Options of `connectEvents`. */
export interface ConnectOptions {
  url: string;
  onFrame: (data: unknown) => void;
  onState: (state: ConnectionState) => void;
  /** First retry delay (ms); doubles up to `maxDelayMs`. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How often the page says it is alive (default 15 s). */
  heartbeatMs?: number;
  /** Called on every heartbeat: a wake-up the page already pays for, for slow housekeeping. */
  onHeartbeat?: () => void;
  random?: () => number;
}

/** How often an open page says it is alive, unless `heartbeatMs` says otherwise. */
export const HEARTBEAT_MS = 15_000;

/** The page's heartbeat frame. */
export const HEARTBEAT_FRAME = JSON.stringify({ type: 'heartbeat' });

/** The delay before retry number `attempt` (0-based): full jitter over an exponential cap. */
export function backoffDelay(
  attempt: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number,
): number {
  const cap = Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(attempt, 20));
  // Never below half the cap: a retry storm right after a crash helps nobody.
  return Math.round(cap / 2 + (random() * cap) / 2);
}

/** Opens the socket and keeps it open; returns a function that closes it for good. */
export function connectEvents(opts: ConnectOptions): () => void {
  const base = opts.baseDelayMs ?? 500;
  const max = opts.maxDelayMs ?? 10_000;
  const random = opts.random ?? Math.random;
  let attempt = 0;
  let socket: WebSocket | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let heartbeat: ReturnType<typeof setInterval> | null = null;
  const beatEvery = opts.heartbeatMs ?? HEARTBEAT_MS;
  let stopped = false;

  const open = (): void => {
    retry = null;
    opts.onState('connecting');
    const ws = new WebSocket(opts.url);
    socket = ws;
    ws.onmessage = (e: MessageEvent) => {
      attempt = 0;
      opts.onFrame(e.data);
    };
    ws.onopen = () => {
      opts.onState('open');
      heartbeat = setInterval(() => {
        if (ws.readyState === WebSocket.OPEN) ws.send(HEARTBEAT_FRAME);
        opts.onHeartbeat?.();
      }, beatEvery);
    };
    ws.onclose = () => {
      ws.onmessage = ws.onopen = ws.onclose = ws.onerror = null;
      if (heartbeat) clearInterval(heartbeat);
      heartbeat = null;
      socket = null;
      opts.onState('closed');
      if (stopped) return;
      retry = setTimeout(open, backoffDelay(attempt++, base, max, random));
    };
    // An error is always followed by close, which does the retrying.
    ws.onerror = () => undefined;
  };

  open();
  return () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    socket?.close();
  };
}
