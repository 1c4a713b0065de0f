/**
 * `npm run seed -- --gifts N --data-dir DIR`: writes a realistic gift history into a Gemlight
 * ledger (default 10,000,000 gift messages over 5 years) for the history benchmarks.
 *
 * Every event goes through the same code as a live one: the canonical or TikTok-Live-Connector
 * frame element is normalized by `normalizeEvent` and stored by the ledger's own `LedgerWriter`
 * (raw log + derived tables), with the arrival time equal to the event time. Only the batching
 * differs (one transaction per session instead of per 2 ms) and durability is relaxed while
 * seeding (synchronous=OFF), which changes no stored byte.
 */
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bundledCatalog } from '../shared/catalog';
import type { LiveEvent } from '../shared/events';
import { normalizeEvent } from '../shared/normalize';
import { openLedger } from '../electron/services/ledger/db';
import { TrafficGenerator } from '../electron/services/sources/simulator';
import { connectorShape } from '../test/bench/traffic';
import { writerFromStoredSettings } from '../electron/services/ledger/storedWriter';

/** What to seed. */
export interface SeedOptions {
  dataDir: string;
  /** Gift messages to write (streak updates count one each). */
  gifts: number;
  years?: number;
  seed?: number;
  /** Size of the audience (long-tailed: a few fans send most gifts). */
  gifters?: number;
  /** The history ends here (default: one day ago). */
  endAt?: number;
  progress?: (done: number, total: number) => void;
}

/** What seeding produced and how long it took. */
export interface SeedResult {
  gifts: number;
  sessions: number;
  records: number;
  ms: number;
  /** Bytes of the ledger files (database + WAL) after a checkpoint. */
  bytes: number;
  file: string;
}

const DAY = 86_400_000;
const HOUR = 3_600_000;

interface PlannedSession {
  start: number;
  end: number;
  gifts: number;
}

/** Several evening sessions a week, a few hours each, gifts shared by length and luck. */
function planSessions(
  gifts: number,
  years: number,
  endAt: number,
  random: () => number,
): PlannedSession[] {
  const days = Math.max(1, Math.round(years * 365));
  // About four sessions a week, fewer when there are too few gifts to fill them.
  const wanted = Math.max(1, Math.min(Math.round((days / 7) * 4), Math.floor(gifts / 50)));
  const perDay = wanted / days;
  const first = endAt - days * DAY;
  const planned: { start: number; end: number; weight: number }[] = [];
  for (let d = 0; d < days; d++) {
    if (random() >= perDay) continue;
    const start = first + d * DAY + 17 * HOUR + Math.floor(random() * 5 * HOUR);
    const length = 1.5 * HOUR + Math.floor(random() * 3 * HOUR);
    // Log-normal luck: some nights are far busier than others.
    const luck = Math.exp(
      0.6 * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()),
    );
    planned.push({ start, end: start + length, weight: (length / HOUR) * luck });
  }
  if (planned.length === 0) planned.push({ start: endAt - 3 * HOUR, end: endAt - HOUR, weight: 1 });
  const total = planned.reduce((s, p) => s + p.weight, 0);
  const out = planned.map((p) => ({
    start: p.start,
    end: p.end,
    gifts: Math.floor((gifts * p.weight) / total),
  }));
  let left = gifts - out.reduce((s, p) => s + p.gifts, 0);
  for (let i = 0; left > 0; i = (i + 1) % out.length, left--) {
    const p = out[i];
    if (p) p.gifts++;
  }
  return out.filter((p) => p.gifts > 0);
}

/** Total bytes of the ledger database and its WAL/SHM files. */
export function ledgerBytes(dataDir: string): number {
  let bytes = 0;
  for (const name of readdirSync(dataDir)) {
    if (name.startsWith('gemlight.db')) bytes += statSync(join(dataDir, name)).size;
  }
  return bytes;
}

/** Seeds a ledger in `dataDir` (which must not hold one yet). */
export function seedLedger(options: SeedOptions): SeedResult {
  const began = performance.now();
  const years = options.years ?? 5;
  const file = join(options.dataDir, 'gemlight.db');
  if (existsSync(file)) throw new Error(`${file} exists already; seed into an empty folder.`);
  mkdirSync(options.dataDir, { recursive: true });
  const db = openLedger(file);
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const { writer } = writerFromStoredSettings(db);
  const seed = options.seed ?? 1;
  const traffic = new TrafficGenerator({
    seed,
    idPrefix: 'seed',
    gifters: options.gifters ?? 200_000,
  });
  let state = (seed * 2654435761) >>> 0;
  const random = (): number => {
    // xorshift32: the session plan has its own stream so the traffic stays the simulator's.
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
  const endAt = options.endAt ?? Date.now() - DAY;
  const plan = planSessions(options.gifts, years, endAt, random);
  let serial = 0;
  let records = 0;
  let done = 0;
  const store = (raw: Record<string, unknown>, at: number): void => {
    const result = normalizeEvent(raw, {
      now: at,
      catalog: bundledCatalog,
      origin: 'live',
      makeId: () => `seed-x${++serial}`,
    });
    if (!result.ok) throw new Error(`seed event refused: ${result.error.message}`);
    if (result.value.kind !== 'event') return;
    const event: LiveEvent = result.value.event;
    writer.append(event, { source: 'push', receivedAt: at, raw: JSON.stringify(raw) });
    records++;
    if (event.type === 'gift') done++;
  };
  const CHUNK = 20_000;
  for (const [index, session] of plan.entries()) {
    const step = (session.end - session.start) / (session.gifts + 1);
    let i = 0;
    while (i < session.gifts) {
      db.transaction(() => {
        if (i === 0)
          store(
            { type: 'session', action: 'start', id: `seed-start-${index}`, time: session.start },
            session.start,
          );
        const stop = Math.min(session.gifts, i + CHUNK);
        for (; i < stop; i++) {
          const at = Math.floor(session.start + (i + 0.5 + random() * 0.5) * step);
          const g = traffic.nextGift(at);
          // Half the audience comes through a TikTok-Live-Connector relay, half canonical.
          const raw: Record<string, unknown> =
            (i & 1) === 0
              ? {
                  type: 'gift',
                  id: g.id,
                  time: at,
                  user: g.user,
                  gift: { id: g.gift.id, coins: g.gift.coins, name: g.gift.name },
                  count: g.count,
                  ...(g.streak ? { streak: g.streak } : {}),
                }
              : connectorShape(g, at);
          store(raw, at);
        }
        if (i >= session.gifts)
          store(
            { type: 'session', action: 'end', id: `seed-end-${index}`, time: session.end },
            session.end,
          );
      })();
      options.progress?.(done, options.gifts);
    }
  }
  db.transaction(() => {
    writer.closeIdle(Date.now());
    writer.expireStreaks(Date.now());
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const result: SeedResult = {
    gifts: options.gifts,
    sessions: plan.length,
    records,
    ms: performance.now() - began,
    bytes: ledgerBytes(options.dataDir),
    file,
  };
  // Kept beside the ledger so the history benchmark can report how long seeding took.
  writeFileSync(join(options.dataDir, SEED_REPORT), JSON.stringify(result, null, 2) + '\n');
  return result;
}

/** Name of the seeding report written beside the ledger. */
export const SEED_REPORT = 'seed-report.json';

const USAGE = `Usage: npm run seed -- --data-dir DIR [--gifts N] [--years Y] [--gifters G] [--seed S]

  --data-dir DIR   An empty folder; the ledger is written to DIR/gemlight.db (serve it with
                   npm run serve -- --data-dir DIR)
  --gifts N        Gift messages to write (default 10000000)
  --years Y        Length of the history, ending yesterday (default 5)
  --gifters G      Audience size (default 200000)
  --seed S         Random seed (default 1)`;

function main(): void {
  const { values } = parseArgs({
    options: {
      'data-dir': { type: 'string' },
      gifts: { type: 'string' },
      years: { type: 'string' },
      gifters: { type: 'string' },
      seed: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  const dataDir = values['data-dir'];
  if (values.help || !dataDir) {
    process.stdout.write(USAGE + '\n');
    process.exit(values.help ? 0 : 2);
  }
  const number = (text: string | undefined, fallback: number): number => {
    if (text === undefined) return fallback;
    const n = Number(text.replace(/_/g, ''));
    if (!Number.isFinite(n) || n <= 0) {
      process.stderr.write(`seed: not a positive number: ${text}\n`);
      process.exit(2);
    }
    return n;
  };
  let lastShown = 0;
  const result = seedLedger({
    dataDir,
    gifts: Math.floor(number(values.gifts, 10_000_000)),
    years: number(values.years, 5),
    gifters: Math.floor(number(values.gifters, 200_000)),
    seed: Math.floor(number(values.seed, 1)),
    progress: (done, total) => {
      const now = performance.now();
      if (now - lastShown < 5_000 && done < total) return;
      lastShown = now;
      process.stderr.write(
        `seed: ${done.toLocaleString('en-US')} / ${total.toLocaleString('en-US')} gifts\n`,
      );
    },
  });
  process.stdout.write(
    `seeded ${result.gifts.toLocaleString('en-US')} gifts in ${result.sessions} sessions ` +
      `(${result.records.toLocaleString('en-US')} records) in ${(result.ms / 1000).toFixed(1)} s: ` +
      `${(result.bytes / 2 ** 20).toFixed(0)} MiB, ${(result.bytes / result.gifts).toFixed(0)} bytes/gift, ${result.file}\n`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
