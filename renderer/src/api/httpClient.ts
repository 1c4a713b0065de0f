import { HTTP_ROUTES, type CommandName, type ParamsOf, type ResultOf } from '../../../shared/api';
import type { LiveMessage } from '../../../shared/liveState';
import { ApiCallError, type GemlightClient, type LiveStatus } from './client';

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10_000;

/** Splits params into path parameters (`:id`) and the rest, and fills in the path. */
function routeFor(name: CommandName, params: Record<string, unknown>) {
  const route = HTTP_ROUTES[name];
  const rest: Record<string, unknown> = { ...params };
  const path = route.path.replace(/:(\w+)/g, (_m, key: string) => {
    const value = rest[key];
    delete rest[key];
    return encodeURIComponent(
      typeof value === 'string' || typeof value === 'number' ? String(value) : '',
    );
  });
  return { method: route.method, path, rest };
}

function queryString(values: Record<string, unknown>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === null) continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      q.set(k, String(v));
    } else {
      q.set(k, JSON.stringify(v));
    }
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

function isErrorBody(body: unknown): body is { code: string; message: string } {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as { code?: unknown }).code === 'string' &&
    typeof (body as { message?: unknown }).message === 'string'
  );
}

/** The client for a dashboard served by the app over HTTP: fetch for commands, /events for live. */
export function createHttpClient(baseUrl: string, token: string | null): GemlightClient {
  const base = new URL(baseUrl);
  const headers = (json: boolean): HeadersInit => ({
    ...(token ? { Authorization: `Bearer ${token}` } : {}),
    ...(json ? { 'Content-Type': 'application/json' } : {}),
    Accept: 'application/json',
  });

  async function invoke<K extends CommandName>(name: K, params: ParamsOf<K>): Promise<ResultOf<K>> {
    const { method, path, rest } = routeFor(name, params as Record<string, unknown>);
    const withBody = method !== 'GET' && method !== 'DELETE';
    const url = new URL(path + (withBody ? '' : queryString(rest)), base);
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers: headers(withBody),
        ...(withBody ? { body: JSON.stringify(rest) } : {}),
      });
    } catch {
      throw new ApiCallError(
        'unreachable',
        `Gemlight is not answering at ${base.host}. Check that the app is running (and, from another PC, that LAN access is on), then try again.`,
        name,
      );
    }
    let body: unknown = null;
    const text = await response.text();
    if (text) {
      try {
        body = JSON.parse(text) as unknown;
      } catch {
        body = null;
      }
    }
    if (!response.ok) {
      if (response.status === 401) {
        throw new ApiCallError(
          'unauthorized',
          'This page has no valid access token. Open the dashboard from Gemlight (or the dashboard link it prints), which carries the token.',
          name,
        );
      }
      if (isErrorBody(body)) throw new ApiCallError(body.code, body.message, name);
      throw new ApiCallError(
        'internal',
        `Gemlight answered ${response.status} to "${name}". Try again; if it repeats, restart the app.`,
        name,
      );
    }
    return body as ResultOf<K>;
  }

  function subscribe(onMessage: (m: LiveMessage) => void, onStatus: (s: LiveStatus) => void) {
    let socket: WebSocket | null = null;
    let stopped = false;
    let delay = RECONNECT_MIN_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const connect = () => {
      const url = new URL('/events', base);
      url.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
      if (token) url.searchParams.set('token', token);
      const ws = new WebSocket(url);
      socket = ws;
      ws.onopen = () => {
        delay = RECONNECT_MIN_MS;
        onStatus('open');
      };
      ws.onmessage = (event: MessageEvent<unknown>) => {
        if (typeof event.data !== 'string') return;
        try {
          const parsed = JSON.parse(event.data) as unknown;
          // The server is trusted for shape (it runs the same reducer); ignore anything without a type.
          if (typeof parsed === 'object' && parsed !== null && 'type' in parsed) {
            onMessage(parsed as LiveMessage);
          }
        } catch {
          // A malformed frame is dropped; the next snapshot on reconnect repairs any drift.
        }
      };
      let opened = false;
      ws.addEventListener('open', () => (opened = true));
      ws.onclose = () => {
        if (stopped) return;
        onStatus('reconnecting');
        timer = setTimeout(connect, delay);
        delay = Math.min(RECONNECT_MAX_MS, delay * 2);
        // A browser hides why an upgrade failed: ask the API whether the token is the reason.
        if (!opened) {
          fetch(new URL('/api/live', base), { headers: headers(false) }).then(
            (r) => !stopped && r.status === 401 && onStatus('unauthorized'),
            () => undefined,
          );
        }
      };
    };
    onStatus('connecting');
    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      socket?.close();
    };
  }

  return { transport: 'http', invoke, subscribe };
}
