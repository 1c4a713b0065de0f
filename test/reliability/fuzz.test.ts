import { join } from 'node:path';
import fc from 'fast-check';
import { WebcastGiftMessage } from 'tiktok-live-proto/v3';
import type WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IngestReply } from '../../shared/api';
import { seededRandom } from '../../shared/random';
import { MAX_EVENTS_PER_FRAME } from '../../electron/services/ingest/pipeline';
import { MAX_FRAME_BYTES } from '../../electron/services/http/sockets';
import { ingest, startTestServer, type TestServer } from '../support/server';
import {
  fixtureGiftBase64,
  mapDiff,
  normalizeLikeServer,
  openIngest,
  Oracle,
  readLedger,
  report,
  scale,
  timeoutFor,
} from './support';

const FRAMES = scale('FUZZ_FRAMES', 10_000, 100_000);
const SEED = 4242;

/** What the server must answer to one frame, worked out by the oracle before it is sent. */
type Expected =
  | { kind: 'replies'; replies: Pick<IngestReply, 'type'>[]; detail: ExpectedReply[] }
  | { kind: 'close'; code: number };

interface ExpectedReply {
  type: 'ack' | 'error';
  code?: string;
  duplicate?: boolean;
  ignored?: boolean;
}

interface Frame {
  label: string;
  data: string | Buffer;
  binary: boolean;
}

const HOSTILE_VALUES: unknown[] = [
  'NaN',
  'Infinity',
  '-1',
  '1.5',
  '12abc',
  ' 7',
  '1e3',
  '',
  '\u0000',
  '\u202egnp.exe',
  -1,
  0,
  -0.5,
  1.5,
  1e308,
  -1e308,
  2 ** 53 + 1,
  -(2 ** 63),
  1_000_001,
  10_000_001,
  null,
  true,
  false,
  [],
  {},
  [1, 2, 3],
  { nested: { deeper: 'x' } },
  'x'.repeat(5_000),
];

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Paths to every leaf of a JSON value (arrays indexed), for mutation. */
function leafPaths(value: Json, prefix: (string | number)[] = [], out: (string | number)[][] = []) {
  if (Array.isArray(value)) value.forEach((v, i) => leafPaths(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) leafPaths(v, [...prefix, k], out);
  } else out.push(prefix);
  return out;
}

function setPath(root: Json, path: (string | number)[], value: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}

function deepNest(depth: number, leaf: unknown = 1): string {
  return '['.repeat(depth) + JSON.stringify(leaf) + ']'.repeat(depth);
}

/** Builds the frames: fast-check values, mutated real payloads and hand-made hostile ones. */
function buildFrames(count: number, realPayload: Json | null): Frame[] {
  const rand = seededRandom(SEED);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const text = (label: string, data: string): Frame => ({ label, data, binary: false });
  const idPool = Array.from({ length: 300 }, (_, i) => `fz-${i}`);
  const userPool = Array.from({ length: 40 }, (_, i) => `${7_000_000 + i}`);
  const groupPool = Array.from({ length: 60 }, (_, i) => `grp-${i}`);

  const validGift = fc.record({
    type: fc.constant('gift'),
    id: fc.constantFrom(...idPool),
    user: fc.record({ id: fc.constantFrom(...userPool), name: fc.string({ maxLength: 30 }) }),
    gift: fc.record(
      {
        id: fc.integer({ min: 1, max: 20 }),
        coins: fc.constantFrom(1, 5, 99, 500),
        streakable: fc.boolean(),
      },
      { requiredKeys: ['id', 'coins'] },
    ),
    count: fc.integer({ min: 1, max: 50 }),
    streak: fc.option(fc.record({ id: fc.constantFrom(...groupPool), end: fc.boolean() }), {
      nil: undefined,
    }),
    origin: fc.constantFrom('live', 'live', 'live', 'simulated', 'replay', 'test'),
  });
  const fuzzyField = fc.oneof(fc.jsonValue(), fc.constantFrom(...HOSTILE_VALUES));
  const fuzzyEvent = fc.record(
    {
      type: fc.constantFrom('gift', 'like', 'follow', 'share', 'viewers', 'session', 'nope'),
      id: fc.oneof(fc.constantFrom(...idPool), fuzzyField),
      time: fuzzyField,
      user: fc.oneof(fc.record({ id: fuzzyField, name: fuzzyField }), fuzzyField),
      gift: fc.oneof(fc.record({ id: fuzzyField, coins: fuzzyField }), fuzzyField),
      count: fuzzyField,
      action: fc.oneof(fc.constantFrom('start', 'end'), fuzzyField),
      streak: fuzzyField,
    },
    { requiredKeys: ['type'] },
  );
  const pool = (arb: fc.Arbitrary<unknown>, n: number, seed: number): unknown[] =>
    fc.sample(arb, { numRuns: n, seed });
  const anything = pool(fc.jsonValue(), 2_000, SEED + 1);
  const fuzzy = pool(fuzzyEvent, 3_000, SEED + 2);
  const valid = pool(validGift, 3_000, SEED + 3);
  const strings = pool(fc.string({ unit: 'binary', maxLength: 200 }), 1_000, SEED + 4);

  const realLeaves = realPayload === null ? [] : leafPaths(realPayload);
  let msgSeq = 0;
  const mutatedReal = (): Json => {
    const copy = structuredClone<Json>(realPayload);
    // Usually a fresh message id, so that the valid mutants are stored (not duplicates).
    if (rand() < 0.8) setPath(copy, ['common', 'msgId'], `${8_100_000_000 + msgSeq++}`);
    const mutations = 1 + Math.floor(rand() * 3);
    for (let i = 0; i < mutations; i++) {
      const path = pick(realLeaves);
      const r = rand();
      setPath(copy, path, r < 0.7 ? pick(HOSTILE_VALUES) : pick(anything));
    }
    return copy;
  };

  const frames: Frame[] = [];
  const specials: (() => Frame)[] = [
    () => text('too-many-events', JSON.stringify(valid.slice(0, MAX_EVENTS_PER_FRAME + 1))),
    () => text('deep-nesting', deepNest(5_000 + Math.floor(rand() * 50_000))),
    () =>
      text(
        'deep-field-in-valid-event',
        JSON.stringify({ ...(pick(valid) as object), deep: null }).replace(
          '"deep":null',
          `"deep":${deepNest(20_000)}`,
        ),
      ),
  ];
  if (realPayload !== null) {
    // A valid real gift carrying a deeply nested extra field the normalizer never reads.
    specials.push(() => {
      const copy = structuredClone<Json>(realPayload);
      setPath(copy, ['common', 'msgId'], `${8_300_000_000 + msgSeq++}`);
      return text(
        'deep-field-in-real-event',
        JSON.stringify({ ...(copy as object), deep: null }).replace(
          '"deep":null',
          `"deep":${deepNest(20_000)}`,
        ),
      );
    });
  }
  for (let i = 0; frames.length < count; i++) {
    const r = rand();
    if (r < 0.18) frames.push(text('fc-json', JSON.stringify(pick(anything))));
    else if (r < 0.38) {
      const n = 1 + Math.floor(rand() * 10);
      frames.push(
        text(
          'fc-event',
          JSON.stringify(n === 1 ? pick(fuzzy) : fuzzy.slice(i % 2000, (i % 2000) + n)),
        ),
      );
    } else if (r < 0.58) {
      const n = 1 + Math.floor(rand() * 20);
      const batch = Array.from({ length: n }, () => pick(valid));
      frames.push(text('valid-batch', JSON.stringify(batch)));
    } else if (r < 0.78 && realPayload !== null) {
      const mutant = mutatedReal();
      const wrapped = rand() < 0.2 ? { event: 'gift', data: mutant } : mutant;
      frames.push(text('real-mutated', JSON.stringify(wrapped)));
    } else if (r < 0.86) {
      const whole = JSON.stringify(rand() < 0.5 && realPayload ? mutatedReal() : pick(valid));
      frames.push(text('truncated', whole.slice(0, Math.floor(rand() * whole.length))));
    } else if (r < 0.92) {
      const s = pick(strings) as string;
      frames.push(text('fc-string', rand() < 0.5 ? s : JSON.stringify(s)));
    } else if (r < 0.96) {
      // Binary frames: JSON in a binary frame, random bytes and invalid UTF-8 inside a string.
      const k = rand();
      const data =
        k < 0.4
          ? Buffer.from(JSON.stringify(pick(valid)))
          : k < 0.7
            ? Buffer.from(Array.from({ length: 1 + Math.floor(rand() * 300) }, () => rand() * 256))
            : Buffer.concat([
                Buffer.from(JSON.stringify(pick(valid)).slice(0, -1) + ',"x":"'),
                Buffer.from([0xff, 0xfe, 0xc0, 0xaf, 0xed, 0xa0, 0x80]),
                Buffer.from('"}'),
              ]);
      frames.push({ label: 'binary', data, binary: true });
    } else if (r < 0.998) {
      frames.push(pick(specials)());
    } else {
      frames.push(...rareFrames(realPayload, rand));
    }
  }
  return frames.slice(0, count);
}

/** Frames that are expensive or end the connection: 1 MiB strings, oversize, bad UTF-8 text. */
function rareFrames(realPayload: Json | null, rand: () => number): Frame[] {
  const out: Frame[] = [];
  const big = 'é'.repeat(Math.floor((MAX_FRAME_BYTES - 4096) / 2));
  // A 1 MiB nickname inside an otherwise valid real gift: stored, with the name cut short.
  if (realPayload !== null) {
    const copy = structuredClone<Json>(realPayload);
    setPath(copy, ['common', 'msgId'], `${8_200_000_000 + Math.floor(rand() * 1e6)}`);
    setPath(copy, ['user', 'nickname'], big);
    out.push({ label: '1mib-string', data: JSON.stringify(copy), binary: false });
  }
  out.push({
    label: '1mib-string',
    data: JSON.stringify({ type: 'gift', id: 'big', user: { id: '1', name: big } }),
    binary: false,
  });
  out.push({ label: 'oversize', data: 'x'.repeat(MAX_FRAME_BYTES + 1), binary: false });
  out.push({
    label: 'invalid-utf8-text',
    data: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    binary: false,
  });
  return out;
}

/** Works out the replies the server must send, updating the oracle as the server would. */
function expect_(frame: Frame, oracle: Oracle, now: number): Expected {
  const raw = Buffer.isBuffer(frame.data) ? frame.data : Buffer.from(frame.data);
  if (raw.length > MAX_FRAME_BYTES) return { kind: 'close', code: 1009 };
  if (!frame.binary && !Buffer.from(raw.toString('utf8')).equals(raw)) {
    return { kind: 'close', code: 1007 };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    return reply([{ type: 'error', code: 'invalid_json' }]);
  }
  const items = Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
  if (items.length > MAX_EVENTS_PER_FRAME) return reply([{ type: 'error', code: 'too_large' }]);
  const detail: ExpectedReply[] = [];
  // The server stores each valid event with its JSON text; one too deep to serialize is refused.
  for (const item of items) {
    const n = normalizeLikeServer(item, now);
    if (!n.ok) {
      detail.push({ type: 'error', code: n.error.code });
      continue;
    }
    if (n.value.kind === 'ignored' || n.value.event.origin === 'test') {
      detail.push({ type: 'ack', ignored: true });
      continue;
    }
    try {
      JSON.stringify(item);
    } catch {
      detail.push({ type: 'error', code: 'invalid_event' });
      continue;
    }
    const fresh = oracle.store(n.value.event);
    detail.push({ type: 'ack', duplicate: !fresh });
  }
  return reply(detail);
}

const reply = (detail: ExpectedReply[]): Expected => ({
  kind: 'replies',
  replies: detail.map((d) => ({ type: d.type })),
  detail,
});

const textOf = (data: WebSocket.RawData): string =>
  Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');

describe('fuzzing /ingest: every frame answered, the ledger moves only for valid events', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      ingestRateLimit: { perSecond: 1_000_000, burst: 1_000_000 },
    });
    // Streak staleness is judged on arrival; keep it out of the comparison with the StreakBook.
    await server.server.call('settings.update', { streakTimeoutMs: 600_000 });
  });
  afterAll(async () => {
    await server.stop();
  });

  it(
    `answers ${FRAMES} generated and mutated frames and agrees with the StreakBook oracle`,
    async () => {
      const b64 = fixtureGiftBase64();
      const realPayload =
        b64 === null
          ? null
          : (JSON.parse(
              JSON.stringify(WebcastGiftMessage.decode(Buffer.from(b64, 'base64')), (_k, v) =>
                typeof v === 'bigint' ? v.toString() : (v as unknown),
              ),
            ) as Json);
      const frames = buildFrames(FRAMES, realPayload);
      const oracle = new Oracle();
      const mismatches: string[] = [];
      const byLabel = new Map<string, number>();
      let ws = await openIngest(server.wsUrl, server.token);
      let replies = 0;
      let closes = 0;
      const WINDOW = 32;
      let i = 0;
      while (i < frames.length) {
        // A window of frames that keep the connection open, answered in order.
        const batch: { frame: Frame; want: Extract<Expected, { kind: 'replies' }> }[] = [];
        let closing: { frame: Frame; code: number } | null = null;
        while (i < frames.length && batch.length < WINDOW) {
          const frame = frames[i] as Frame;
          const want = expect_(frame, oracle, Date.now());
          i += 1;
          byLabel.set(frame.label, (byLabel.get(frame.label) ?? 0) + 1);
          if (want.kind === 'close') {
            closing = { frame, code: want.code };
            break;
          }
          batch.push({ frame, want });
        }
        const needed = batch.reduce((n, b) => n + b.want.replies.length, 0);
        const got: IngestReply[] = [];
        const done = new Promise<void>((res, rej) => {
          if (needed === 0) return res();
          const onClose = (code: number) =>
            rej(new Error(`server closed the connection (${code})`));
          const onMessage = (data: WebSocket.RawData) => {
            got.push(JSON.parse(textOf(data)) as IngestReply);
            if (got.length === needed) {
              ws.off('message', onMessage);
              ws.off('close', onClose);
              res();
            }
          };
          ws.on('message', onMessage);
          ws.once('close', onClose);
        });
        for (const b of batch) ws.send(b.frame.data, { binary: b.frame.binary });
        await done;
        replies += got.length;
        let k = 0;
        for (const b of batch) {
          for (const d of b.want.detail) {
            const r = got[k++];
            const ok =
              r !== undefined &&
              r.type === d.type &&
              (r.type === 'error'
                ? r.code === d.code && r.message.length <= 300
                : (d.ignored === undefined || r.ignored === d.ignored) &&
                  (d.duplicate === undefined || r.duplicate === d.duplicate));
            if (!ok && mismatches.length < 10) {
              mismatches.push(
                `${b.frame.label}: expected ${JSON.stringify(d)}, got ${JSON.stringify(r)} for ${String(b.frame.data).slice(0, 200)}`,
              );
            }
          }
        }
        if (closing) {
          const code = await new Promise<number>((res) => {
            ws.once('close', (c) => res(c));
            ws.send(closing.frame.data, { binary: closing.frame.binary });
          });
          closes += 1;
          if (code !== closing.code) {
            mismatches.push(`${closing.frame.label}: expected close ${closing.code}, got ${code}`);
          }
          ws = await openIngest(server.wsUrl, server.token);
        }
      }
      ws.close();

      // Not stalled: a fresh valid event is still acknowledged and the API answers.
      const [after] = await ingest(server.wsUrl, server.token, {
        type: 'gift',
        id: 'after-fuzz',
        user: { id: '1' },
        gift: { id: 5655, coins: 1 },
      });
      expect(after).toMatchObject({ type: 'ack', duplicate: false });
      oracle.store(
        (() => {
          const n = normalizeLikeServer(
            { type: 'gift', id: 'after-fuzz', user: { id: '1' }, gift: { id: 5655, coins: 1 } },
            Date.now(),
          );
          if (!n.ok || n.value.kind !== 'event') throw new Error('bad probe');
          return n.value.event;
        })(),
      );
      const health = await fetch(`${server.baseUrl}/health`);
      expect(health.status).toBe(200);

      await server.stop({ keep: true });
      const ledger = readLedger(join(server.dataDir, 'gemlight.db'));
      report('fuzz', {
        frames: frames.length,
        replies,
        closes,
        storedEvents: oracle.stored.size,
        liveCoins: ledger.liveCoins,
        kinds: [...byLabel].map(([k, v]) => `${k}:${v}`).join(','),
      });
      expect(mismatches).toEqual([]);
      expect(ledger.integrity).toBe('ok');
      expect(ledger.rawEvents).toBe(oracle.stored.size);
      expect(ledger.liveCoins).toBe(oracle.live.totalCoins);
      expect(ledger.liveGifts).toBe(oracle.live.totalGifts);
      expect(ledger.simulatedCoins).toBe(oracle.simulated.totalCoins);
      expect(mapDiff(oracle.liveCoinsByUser, ledger.allGifters)).toEqual([]);
      expect(mapDiff(oracle.liveCountByLookup, ledger.countByLookup)).toEqual([]);
      expect(oracle.live.totalCoins).toBeGreaterThan(0);
    },
    timeoutFor(240_000, 3_600_000),
  );
});
