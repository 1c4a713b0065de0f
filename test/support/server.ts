import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import type { IngestReply } from '../../shared/api';
import { reduceLive, type LiveMessage, type LiveState } from '../../shared/liveState';
import {
  startGemlight,
  type GemlightServerOptions,
  type RunningGemlight,
} from '../../electron/services/app';
import { wsText } from '../../electron/services/http/wsText';

/** The repository root (where package.json is). */
export const REPO_ROOT = resolve(import.meta.dirname, '../..');

/**
 * The node options of `npm run serve`, read from package.json, so that a server started directly
 * (exact exit codes on signals, no npm in between) and the benchmarks run it exactly alike.
 */
export function serveNodeOptions(): string[] {
  const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as {
    scripts: { serve: string };
  };
  const words = pkg.scripts.serve.split(/\s+/);
  if (words[0] !== 'node')
    throw new Error(`npm run serve does not start node: ${pkg.scripts.serve}`);
  return words.slice(1).filter((w) => w.startsWith('--max-') || w.startsWith('--expose'));
}

/** A fresh temporary folder for one test's data. */
export const tempDataDir = (prefix = 'gemlight-test-'): string =>
  mkdtempSync(join(tmpdir(), prefix));

/** A Gemlight running in this process for a test. */
export interface TestServer {
  server: RunningGemlight;
  /** http://127.0.0.1:PORT */
  baseUrl: string;
  /** ws://127.0.0.1:PORT/ingest */
  wsUrl: string;
  /** ws://127.0.0.1:PORT/events */
  eventsUrl: string;
  token: string;
  overlayKey: string;
  dataDir: string;
  /** Every line the server logged. */
  logs: string[];
  /** Stops the server; removes the data dir when the helper created it (unless `keep`). */
  stop(options?: { keep?: boolean }): Promise<void>;
  /** Stops and starts again on the same data dir and secrets (a new port). */
  restart(overrides?: Partial<GemlightServerOptions>): Promise<TestServer>;
}

/** Options of `startTestServer`: any server option, plus the data dir to use. */
export type TestServerOptions = Partial<GemlightServerOptions> & { dataDir?: string };

/**
 * Starts a real Gemlight in-process on a free port with a temporary data dir (or the given one).
 * Sources are not loaded unless `withoutSources: false` is passed.
 */
export async function startTestServer(opts: TestServerOptions = {}): Promise<TestServer> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? tempDataDir();
  const logs: string[] = [];
  const options: GemlightServerOptions = {
    port: 0,
    host: '127.0.0.1',
    withoutSources: true,
    webRoot: join(REPO_ROOT, 'out', 'renderer'),
    log: (line) => logs.push(line),
    ...opts,
    dataDir,
  };
  const server = await startGemlight(options);
  const baseUrl = `http://127.0.0.1:${server.port}`;
  const test: TestServer = {
    server,
    baseUrl,
    wsUrl: `ws://127.0.0.1:${server.port}/ingest`,
    eventsUrl: `ws://127.0.0.1:${server.port}/events`,
    token: server.token,
    overlayKey: server.overlayKey,
    dataDir,
    logs,
    async stop(stopOptions = {}) {
      await server.stop();
      if (ownDir && !stopOptions.keep) rmSync(dataDir, { recursive: true, force: true });
    },
    async restart(overrides = {}) {
      await server.stop();
      const next = await startTestServer({
        ...opts,
        token: server.token,
        overlayKey: server.overlayKey,
        ...overrides,
        dataDir,
      });
      // The restarted server owns the folder now if this one did.
      const stopNext = next.stop.bind(next);
      next.stop = async (o = {}) => {
        await stopNext({ keep: true });
        if (ownDir && !o.keep) rmSync(dataDir, { recursive: true, force: true });
      };
      return next;
    },
  };
  return test;
}

/** A `npm run serve` (or `node --import tsx electron/serve.ts`) child process. */
export interface ServeProcess {
  child: ChildProcess;
  baseUrl: string;
  wsUrl: string;
  ingestUrl: string;
  dashboardUrl: string;
  overlayUrl: string;
  token: string;
  overlayKey: string;
  dataDir: string;
  /** Everything the process printed (stdout and stderr), line by line. */
  output: string[];
  /** Sends a signal (default SIGTERM) and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/** Options of `spawnServeProcess`. */
export interface SpawnServeOptions {
  dataDir?: string;
  /** Extra command-line arguments after `--`. */
  args?: string[];
  env?: Record<string, string>;
  /** 'npm' runs `npm run serve`; 'node' runs the entry directly (exact exit codes on signals). */
  via?: 'npm' | 'node';
  /** How long to wait for the start-up lines (default 60 s). */
  timeoutMs?: number;
}

/**
 * Starts the headless server as a child process on a free port and parses the three start-up
 * lines (`ingest …`, `dashboard …`, `overlay …`).
 */
export async function spawnServeProcess(opts: SpawnServeOptions = {}): Promise<ServeProcess> {
  const dataDir = opts.dataDir ?? tempDataDir();
  const args = ['--port', '0', '--data-dir', dataDir, ...(opts.args ?? [])];
  const via = opts.via ?? 'npm';
  const child =
    via === 'npm'
      ? spawn('npm', ['run', '--silent', 'serve', '--', ...args], {
          cwd: REPO_ROOT,
          env: { ...process.env, GEMLIGHT_SKIP_WEB_BUILD: '1', ...opts.env },
          stdio: ['ignore', 'pipe', 'pipe'],
          detached: true,
        })
      : spawn(
          process.execPath,
          [...serveNodeOptions(), '--import', 'tsx', 'electron/serve.ts', ...args],
          {
            cwd: REPO_ROOT,
            // The suite's global setup builds the pages once; children must not rebuild them.
            env: { ...process.env, GEMLIGHT_SKIP_WEB_BUILD: '1', ...opts.env },
            stdio: ['ignore', 'pipe', 'pipe'],
          },
        );
  const output: string[] = [];
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  const found: Record<string, string> = {};
  const started = new Promise<void>((res, rej) => {
    const timer = setTimeout(
      () => rej(new Error(`serve did not start in time. Output:\n${output.join('\n')}`)),
      opts.timeoutMs ?? 60_000,
    );
    const onLine = (line: string) => {
      output.push(line);
      const m = /^(ingest|dashboard|overlay) (\S+)/.exec(line);
      if (m?.[1] && m[2]) found[m[1]] = m[2];
      if (found.ingest && found.dashboard && found.overlay) {
        clearTimeout(timer);
        res();
      }
    };
    if (child.stdout) createInterface({ input: child.stdout }).on('line', onLine);
    if (child.stderr) createInterface({ input: child.stderr }).on('line', (l) => output.push(l));
    void exited.then((code) => {
      clearTimeout(timer);
      rej(new Error(`serve exited with ${code} before starting. Output:\n${output.join('\n')}`));
    });
  });
  await started;
  const dashboard = new URL(found.dashboard ?? '');
  const overlay = new URL(found.overlay ?? '');
  const ingestUrl = found.ingest ?? '';
  return {
    child,
    baseUrl: dashboard.origin,
    wsUrl: ingestUrl,
    ingestUrl,
    dashboardUrl: dashboard.toString(),
    overlayUrl: overlay.toString(),
    token: dashboard.searchParams.get('token') ?? '',
    overlayKey: overlay.searchParams.get('key') ?? '',
    dataDir,
    output,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const pid = child.pid;
      if (pid !== undefined) {
        // npm runs the server as its grandchild: signal the whole group this helper created.
        if (via === 'npm') process.kill(-pid, signal);
        else child.kill(signal);
      }
      return exited;
    },
  };
}

/** A WebSocket message as UTF-8 text, in whichever form `ws` delivered it. */
/** A WebSocket message as text (the server's own helper). */
export const rawText = wsText;

/** An /ingest connection that pairs replies with what was sent (replies come in order). */
export class IngestClient {
  private readonly waiting: {
    count: number;
    got: IngestReply[];
    done: (r: IngestReply[]) => void;
  }[] = [];
  /** Every reply received, in order. */
  readonly replies: IngestReply[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData) => {
      const reply = JSON.parse(rawText(data)) as IngestReply;
      this.replies.push(reply);
      const head = this.waiting[0];
      if (!head) return;
      head.got.push(reply);
      if (head.got.length >= head.count) {
        this.waiting.shift();
        head.done(head.got);
      }
    });
  }

  /** Opens an authenticated connection (Bearer header unless `via: 'query'`). */
  static connect(
    url: string,
    token: string,
    options: { via?: 'header' | 'query'; headers?: Record<string, string> } = {},
  ): Promise<IngestClient> {
    const target = options.via === 'query' ? `${url}?token=${encodeURIComponent(token)}` : url;
    const ws = new WebSocket(target, {
      headers: {
        ...(options.via === 'query' ? {} : { Authorization: `Bearer ${token}` }),
        ...options.headers,
      },
    });
    return new Promise((res, rej) => {
      ws.once('open', () => res(new IngestClient(ws)));
      ws.once('error', rej);
      ws.once('unexpected-response', (_req, resp) =>
        rej(new Error(`ingest refused with HTTP ${resp.statusCode}`)),
      );
    });
  }

  /** Sends one event or an array, resolving with its replies. */
  send(payload: unknown): Promise<IngestReply[]> {
    const count = Array.isArray(payload) ? (payload.length > 500 ? 1 : payload.length) : 1;
    return this.sendRaw(JSON.stringify(payload), count);
  }

  /** Sends a raw text frame and waits for `expectedReplies` replies. */
  sendRaw(text: string, expectedReplies = 1): Promise<IngestReply[]> {
    return new Promise((done) => {
      if (expectedReplies === 0) {
        this.ws.send(text);
        done([]);
        return;
      }
      this.waiting.push({ count: expectedReplies, got: [], done });
      this.ws.send(text);
    });
  }

  /** Resolves with the close code when the server closes the connection. */
  closed(): Promise<number> {
    return new Promise((res) => {
      if (this.ws.readyState === WebSocket.CLOSED) res(1006);
      else this.ws.once('close', (code) => res(code));
    });
  }

  close(): void {
    this.ws.close();
  }
}

/** Sends events over a fresh /ingest connection and returns the replies. */
export async function ingest(
  wsUrl: string,
  token: string,
  payload: unknown,
): Promise<IngestReply[]> {
  const client = await IngestClient.connect(wsUrl, token);
  try {
    return await client.send(payload);
  } finally {
    client.close();
  }
}

/** An /events connection that keeps a LiveState with the shared reducer. */
export class EventsClient {
  state: LiveState | null = null;
  readonly messages: LiveMessage[] = [];
  private readonly watchers: { test: (c: EventsClient) => boolean; done: () => void }[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data: WebSocket.RawData) => {
      const message = JSON.parse(rawText(data)) as LiveMessage;
      this.messages.push(message);
      if (message.type === 'snapshot') this.state = message.state;
      else if (this.state) this.state = reduceLive(this.state, message);
      for (const w of [...this.watchers]) {
        if (w.test(this)) {
          this.watchers.splice(this.watchers.indexOf(w), 1);
          w.done();
        }
      }
    });
  }

  /** Connects with the token or the overlay key (`auth` is appended as ?token= or ?key=). */
  static connect(
    eventsUrl: string,
    auth: { token: string } | { key: string },
    query: Record<string, string> = {},
  ): Promise<EventsClient> {
    const url = new URL(eventsUrl);
    if ('token' in auth) url.searchParams.set('token', auth.token);
    else url.searchParams.set('key', auth.key);
    for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
    const ws = new WebSocket(url);
    const client = new EventsClient(ws);
    return new Promise((res, rej) => {
      ws.once('error', rej);
      ws.once('unexpected-response', (_req, resp) =>
        rej(new Error(`events refused with HTTP ${resp.statusCode}`)),
      );
      void client.waitFor((c) => c.state !== null).then(() => res(client));
    });
  }

  /** Resolves once `test` holds (checked after every message). */
  waitFor(test: (c: EventsClient) => boolean, timeoutMs = 10_000): Promise<void> {
    if (test(this)) return Promise.resolve();
    return new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error('EventsClient.waitFor timed out')), timeoutMs);
      this.watchers.push({
        test,
        done: () => {
          clearTimeout(timer);
          res();
        },
      });
    });
  }

  close(): void {
    this.ws.close();
  }
}

/** Calls the REST API with the token; resolves with status and parsed JSON body. */
export async function apiCall<T = unknown>(
  baseUrl: string,
  token: string,
  method: 'GET' | 'POST' | 'PUT' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${token}`,
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON (CSV, HTML): return the text.
  }
  return { status: res.status, body: parsed as T };
}
