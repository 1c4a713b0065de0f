import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { wsText } from '../../electron/services/http/wsText';

/**
 * The floor of benchmark 2: the fastest any server could put a gift in front of the page on this
 * machine and browser. A bare relay: a frame on /ingest is parsed, each gift goes at once to
 * every /events socket as `{type:'gift', gift:{id}}` and is acked; nothing is validated, stored or
 * scheduled. Its page draws one text node per gift. The same page-side instruments time it, so
 * "first frame after the page has the gift" here is what the 60 Hz frame clock, Chromium's
 * socket path and one Node process cost by themselves.
 */

export interface Relay {
  /** The page to open (plays the overlay's part). */
  pageUrl: string;
  /** Where the sender connects (token ignored). */
  wsUrl: string;
  token: string;
  /** Evaluates to true in the page once its /events socket is open. */
  readyExpression: string;
  close: () => Promise<void>;
}

const PAGE = `<!doctype html><meta charset="utf-8"><title>relay</title><body><script>
const ws = new WebSocket('ws://' + location.host + '/events');
const list = document.body;
ws.onopen = () => { window.__relayOpen = true; };
ws.onmessage = (e) => {
  const m = JSON.parse(e.data);
  if (m.type !== 'gift') return;
  const row = document.createElement('div');
  row.textContent = m.gift.id;
  list.appendChild(row);
  if (list.childElementCount > 20) list.firstElementChild.remove();
};
</script></body>`;

/** Starts the relay on a free port of 127.0.0.1. */
export async function startRelay(): Promise<Relay> {
  const http = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(PAGE);
  });
  const wss = new WebSocketServer({ noServer: true });
  const pages = new Set<WebSocket>();
  http.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://relay').pathname;
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (path === '/events') {
        pages.add(ws);
        ws.on('close', () => pages.delete(ws));
        return;
      }
      ws.on('message', (data) => {
        const parsed = JSON.parse(wsText(data)) as unknown;
        const items = (Array.isArray(parsed) ? parsed : [parsed]) as { id?: unknown }[];
        for (const item of items) {
          const frame = JSON.stringify({ type: 'gift', gift: { id: item.id } });
          for (const page of pages) page.send(frame);
        }
        for (const item of items) ws.send(JSON.stringify({ type: 'ack', id: item.id }));
      });
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const { port } = http.address() as AddressInfo;
  return {
    pageUrl: `http://127.0.0.1:${port}/`,
    wsUrl: `ws://127.0.0.1:${port}/ingest`,
    token: 'relay',
    readyExpression: 'window.__relayOpen === true',
    close: async () => {
      for (const c of wss.clients) c.terminate();
      wss.close();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}
