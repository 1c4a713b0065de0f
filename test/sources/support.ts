import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { WebcastGiftMessage } from 'tiktok-live-proto/v3';
import type { IngestReply } from '../../shared/api';
import type { CatalogGift } from '../../shared/catalog';
import type { EventOrigin } from '../../shared/events';
import type { EventSink } from '../../electron/services/sources/types';

/** Where the real recorded TikTok data lives (outside the repo). */
export const FIXTURES = resolve(import.meta.dirname, '../../../shared/fixtures/tiktok');
export const fixturesPresent = existsSync(resolve(FIXTURES, 'MessageWebcastGiftMessage.bin'));
if (!fixturesPresent) {
  console.log(`[sources] ${FIXTURES} is absent: tests built on real TikTok data are skipped.`);
}

/** The recorded real gift message, decoded with TikTok's v3 schema. */
export function decodeFixtureGift(): WebcastGiftMessage {
  const text = readFileSync(resolve(FIXTURES, 'MessageWebcastGiftMessage.bin'), 'utf8');
  return WebcastGiftMessage.decode(Buffer.from(text.trim(), 'base64'));
}

/** TikTok's recorded gift-list API answer (`{data:{gifts:[…]}}`). */
export function fixtureCatalog(): unknown {
  return JSON.parse(
    readFileSync(resolve(FIXTURES, 'gift-catalog-2024-01.json'), 'utf8'),
  ) as unknown;
}

/**
 * The real message mapped to TikFinity's v1 `data` shape (TikTok-Live-Connector v1 field
 * names), as TikFinity forwards it; `step` makes the k-th message of the same streak.
 */
export function tikFinityGiftFrame(
  msg: WebcastGiftMessage,
  step: { n: number; end: boolean },
): { event: 'gift'; data: Record<string, unknown> } {
  const user = msg.user;
  const gift = msg.gift;
  return {
    event: 'gift',
    data: {
      msgId: (BigInt(msg.common?.msgId ?? '0') + BigInt(step.n - 1)).toString(),
      createTime: msg.common?.createTime,
      userId: user?.id,
      secUid: user?.secUid,
      uniqueId: user?.displayId,
      nickname: user?.nickname,
      profilePictureUrl: user?.avatarThumb?.urlList[0],
      giftId: Number(msg.giftId),
      repeatCount: step.n,
      repeatEnd: step.end,
      groupId: msg.groupId,
      giftType: gift?.type,
      diamondCount: gift?.diamondCount,
      giftName: gift?.name,
      giftPictureUrl: gift?.image?.urlList[0],
      describe: msg.common?.describe,
    },
  };
}

/** What the recording sink saw. */
export interface Recorded {
  frames: { raw: unknown; source: string; origin: EventOrigin }[];
  batches: number;
  catalogs: { gifts: readonly CatalogGift[]; source: string }[];
  connections: { source: string; state: 'connected' | 'disconnected'; time: number }[];
}

/**
 * A test double for Gemlight's pipeline: records what sources hand it and acks everything,
 * after an optional delay (a slow commit).
 */
export function recordingSink(options: { delayMs?: number } = {}): EventSink & Recorded {
  const recorded: Recorded = { frames: [], batches: 0, catalogs: [], connections: [] };
  return {
    async submit(raw, meta): Promise<IngestReply[]> {
      recorded.batches++;
      for (const r of raw)
        recorded.frames.push({ raw: r, source: meta.source, origin: meta.origin });
      if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
      return raw.map((_, i) => ({ type: 'ack', id: String(i), duplicate: false }));
    },
    catalog(gifts, meta) {
      recorded.catalogs.push({ gifts, source: meta.source });
    },
    connection(event) {
      recorded.connections.push(event);
    },
    get frames() {
      return recorded.frames;
    },
    get batches() {
      return recorded.batches;
    },
    get catalogs() {
      return recorded.catalogs;
    },
    get connections() {
      return recorded.connections;
    },
  };
}

/** Polls until `condition` holds; fails with `what` after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A real WebSocket server on 127.0.0.1 playing TikFinity. */
export interface FakeTikFinity {
  port: number;
  url: string;
  clients: () => WebSocket[];
  /** Sends to every connected client. */
  broadcast: (frame: unknown) => void;
  /** Waits for a client to connect. */
  nextClient: () => Promise<WebSocket>;
  /** Kills the server and every connection (like TikFinity being closed). */
  kill: () => Promise<void>;
}

/** Starts a TikFinity-like server; pass `port` to come back on the same port after a kill. */
export async function startTikFinity(port = 0): Promise<FakeTikFinity> {
  const server = new WebSocketServer({ host: '127.0.0.1', port });
  await new Promise<void>((resolveListen, reject) => {
    server.once('listening', resolveListen);
    server.once('error', reject);
  });
  const actual = (server.address() as AddressInfo).port;
  const waiting: ((ws: WebSocket) => void)[] = [];
  const pending: WebSocket[] = [];
  server.on('connection', (ws) => {
    const waiter = waiting.shift();
    if (waiter) waiter(ws);
    else pending.push(ws);
  });
  return {
    port: actual,
    url: `ws://127.0.0.1:${actual}/`,
    clients: () => [...server.clients],
    broadcast: (frame) => {
      for (const c of server.clients) c.send(JSON.stringify(frame));
    },
    nextClient: () =>
      new Promise((r) => {
        const ready = pending.shift();
        if (ready) r(ready);
        else waiting.push(r);
      }),
    kill: async () => {
      for (const c of server.clients) c.terminate();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
