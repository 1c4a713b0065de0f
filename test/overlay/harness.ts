import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import {
  emptyLiveState,
  reduceLive,
  type LiveMessage,
  type LiveState,
} from '../../shared/liveState';
import { WEB_ROOT } from './buildOverlay';

/**
 * A stand-in for the app while developing the overlay and taking screenshots: serves the built
 * overlay the way the app does (/overlay/<widget>, /assets/…) and speaks the /events protocol
 * (snapshot on connect, then LiveMessage deltas) with state the test controls exactly. The
 * Done-when tests run against the real server; this one only makes screenshots deterministic.
 */

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/** A running harness. */
export interface OverlayHarness {
  baseUrl: string;
  /** Applies a message to the harness state and broadcasts it. */
  send(message: LiveMessage): void;
  /** Replaces the state every new connection gets as its snapshot. */
  setState(state: LiveState): void;
  clients(): number;
  stop(): Promise<void>;
}

/** Starts the harness on a free port. */
export async function startHarness(webRoot = WEB_ROOT): Promise<OverlayHarness> {
  let state = emptyLiveState();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const file = url.pathname.startsWith('/overlay/')
      ? 'overlay/index.html'
      : normalize(url.pathname).replace(/^[/\\]+/, '');
    if (!file.startsWith('overlay/') && !file.startsWith('assets/')) {
      res.writeHead(404).end();
      return;
    }
    readFile(join(webRoot, file)).then(
      (body) => {
        res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
        res.end(body);
      },
      () => res.writeHead(404).end(),
    );
  });
  const wss = new WebSocketServer({ server, path: '/events' });
  const sockets = new Set<WebSocket>();
  wss.on('connection', (ws) => {
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
    ws.send(JSON.stringify({ type: 'snapshot', state }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    send(message) {
      state = reduceLive(state, message);
      const text = JSON.stringify(message);
      for (const ws of sockets) ws.send(text);
    },
    setState(next) {
      state = next;
    },
    clients: () => sockets.size,
    async stop() {
      for (const ws of sockets) ws.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
