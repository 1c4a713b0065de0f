import WebSocket from 'ws';
import type { IngestReply } from '../../shared/api';
import { bundledCatalog } from '../../shared/catalog';
import { seededRandom } from '../../shared/random';

/**
 * Realistic, deterministic history for the dashboard tests and screenshots, sent through the real
 * /ingest WebSocket: past sessions over several weeks (one of them yesterday) and, optionally, a
 * session that is still open. Gifts follow a long tail: many Roses from many viewers, a few
 * regulars who send big gifts.
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** A canonical ingest event (the subset the seed sends). */
export type SeedEvent = Record<string, unknown> & { id: string; type: string };

const FIRST = [
  'Mia',
  'Lucas',
  'Sofia',
  'Mateo',
  'Aylin',
  'Noah',
  'Yuki',
  'Emma',
  'Diego',
  'Lea',
  'Omar',
  'Chloe',
  'Ivan',
  'Zoe',
  'Kenji',
  'Ana',
  'Leo',
  'Nora',
  'Ravi',
  'Elif',
  'Jonas',
  'Maya',
  'Theo',
  'Sara',
];
const LAST = [
  'Moon',
  'Star',
  'Gamer',
  'Rivers',
  'Lopez',
  'Kim',
  'Silva',
  'Nova',
  'Fox',
  'Park',
  'Blue',
  'Storm',
];

/** A viewer of the seeded audience. */
export interface SeedViewer {
  id: string;
  handle: string;
  name: string;
  /** How generous: regulars send bigger gifts more often. */
  weight: number;
}

/** The seeded audience: 60 viewers, the first few of them generous regulars. */
export function audience(random: () => number): SeedViewer[] {
  const viewers: SeedViewer[] = [];
  for (let i = 0; i < 60; i++) {
    const first = FIRST[i % FIRST.length] ?? 'Viewer';
    const last = LAST[Math.floor(i / 2) % LAST.length] ?? '';
    const name = i % 7 === 3 ? `${first} ★` : `${first} ${last}`;
    viewers.push({
      id: String(6_800_000_000_000_000_000n + BigInt(i) * 7_919n),
      handle: `${first}.${last}${i}`.toLowerCase(),
      name,
      weight: i < 5 ? 8 - i : random() < 0.2 ? 2 : 1,
    });
  }
  return viewers;
}

const gift = (id: number) => {
  const g = bundledCatalog.get(id);
  if (!g) throw new Error(`gift ${id} is not in the bundled catalog`);
  return { id: g.id, name: g.name, coins: g.coins, streakable: g.streakable };
};
const SMALL = [5655, 5655, 5655, 5269, 6064, 5487, 5480];
const MEDIUM = [5658, 5879, 5659, 5660, 5585, 5509, 6267];
const BIG = [7168, 5897, 5978, 5587, 6090];
const HUGE = [5767, 6089, 6149];

let counter = 0;
const nextId = (prefix: string) => `${prefix}-${(counter++).toString(36)}`;

/** Gifts of one session between `from` and `to` (ms), `intensity` gifts per minute on average. */
export function sessionGifts(
  random: () => number,
  viewers: SeedViewer[],
  from: number,
  to: number,
  intensity: number,
): SeedEvent[] {
  const events: SeedEvent[] = [];
  const pool = viewers.flatMap((v) => Array.from({ length: v.weight }, () => v));
  const minutes = Math.max(1, Math.floor((to - from) / MINUTE));
  for (let m = 0; m < minutes; m++) {
    // Streams warm up and have a peak in the middle.
    const shape = 0.4 + Math.sin((m / minutes) * Math.PI) * 1.2;
    const n = Math.round(intensity * shape * (0.5 + random()));
    for (let k = 0; k < n; k++) {
      const time = from + m * MINUTE + Math.floor(random() * (MINUTE - 2000));
      const viewer = pool[Math.floor(random() * pool.length)] ?? viewers[0];
      if (!viewer) continue;
      const user = { id: viewer.id, handle: viewer.handle, name: viewer.name };
      // Regulars are a little more likely to send the big ones.
      const roll = random() * (viewer.weight > 3 ? 1.004 : 1);
      const kind = roll < 0.85 ? SMALL : roll < 0.985 ? MEDIUM : roll < 0.998 ? BIG : HUGE;
      const g = gift(kind[Math.floor(random() * kind.length)] ?? 5655);
      if (g.streakable) {
        const total = 1 + Math.floor(random() * random() * 30);
        const streakId = nextId('streak');
        // Connectors report the running count a few times per streak, ending with end: true.
        const steps = [...new Set([1, Math.ceil(total / 2), total])];
        steps.forEach((count, i) =>
          events.push({
            type: 'gift',
            id: nextId('g'),
            time: time + i * 400,
            user,
            gift: g,
            count,
            streak: { id: streakId, end: i === steps.length - 1 },
          }),
        );
      } else {
        events.push({ type: 'gift', id: nextId('g'), time, user, gift: g, count: 1 });
      }
    }
    if (m % 5 === 0)
      events.push({
        type: 'viewers',
        id: nextId('v'),
        time: from + m * MINUTE,
        count: 80 + Math.floor(random() * 400 * shape),
      });
    if (random() < 0.3) {
      const viewer = viewers[Math.floor(random() * viewers.length)];
      if (viewer)
        events.push({
          type: 'like',
          id: nextId('l'),
          time: from + m * MINUTE + 500,
          user: { id: viewer.id, handle: viewer.handle, name: viewer.name },
          count: 5 + Math.floor(random() * 40),
        });
    }
  }
  return events.sort((a, b) => (a.time as number) - (b.time as number));
}

/** A whole closed session: start, gifts, end. */
export function closedSession(
  random: () => number,
  viewers: SeedViewer[],
  startedAt: number,
  durationMs: number,
  intensity: number,
): SeedEvent[] {
  const end = startedAt + durationMs;
  return [
    { type: 'session', id: nextId('s'), time: startedAt, action: 'start' },
    ...sessionGifts(random, viewers, startedAt + 1000, end - 1000, intensity),
    { type: 'session', id: nextId('s'), time: end, action: 'end' },
  ];
}

/** Local 20:00 of the day `daysAgo` days before `now`. */
export function eveningOf(now: number, daysAgo: number, hour = 20): number {
  const d = new Date(now - daysAgo * DAY);
  d.setHours(hour, 0, 0, 0);
  return d.getTime();
}

/** The history: sessions on past evenings (always one yesterday), oldest first. */
export function history(
  now: number,
  options: { seed?: number; sessions?: number; intensity?: number } = {},
): SeedEvent[] {
  const random = seededRandom(options.seed ?? 7);
  const viewers = audience(random);
  const days = [1, 2, 4, 5, 7, 9, 11, 12, 14, 16, 18, 21, 23, 25, 28]
    .slice(0, options.sessions ?? 8)
    .sort((a, b) => b - a);
  const events: SeedEvent[] = [];
  for (const daysAgo of days) {
    const start =
      eveningOf(now, daysAgo, 19 + Math.floor(random() * 3)) + Math.floor(random() * 30) * MINUTE;
    const duration = (60 + Math.floor(random() * 120)) * MINUTE;
    events.push(...closedSession(random, viewers, start, duration, options.intensity ?? 2));
  }
  return events;
}

/** Short sessions with a few Roses each, `fromDaysAgo` and older: enough history to page through. */
export function shortSessions(now: number, count: number, fromDaysAgo: number): SeedEvent[] {
  const random = seededRandom(99);
  const viewers = audience(random);
  const events: SeedEvent[] = [];
  for (let i = count - 1; i >= 0; i--) {
    const start = eveningOf(now, fromDaysAgo + i * 2, 18);
    events.push({ type: 'session', id: nextId('s'), time: start, action: 'start' });
    for (let k = 0; k < 3; k++) {
      const v = viewers[(i * 3 + k) % viewers.length];
      if (v)
        events.push({
          type: 'gift',
          id: nextId('g'),
          time: start + (k + 1) * MINUTE,
          user: { id: v.id, handle: v.handle, name: v.name },
          gift: gift(5655),
          count: 1 + i + k,
          streak: { id: nextId('streak'), end: true },
        });
    }
    events.push({
      type: 'session',
      id: nextId('s'),
      time: start + 20 * MINUTE + i * MINUTE,
      action: 'end',
    });
  }
  return events;
}

/** The start and gifts of a session that is still open, started `minutesAgo` before `now`. */
export function openSession(
  now: number,
  minutesAgo: number,
  options: { seed?: number; intensity?: number } = {},
): SeedEvent[] {
  const random = seededRandom(options.seed ?? 11);
  const viewers = audience(random);
  const start = now - minutesAgo * MINUTE;
  return [
    { type: 'session', id: nextId('s'), time: start, action: 'start' },
    ...sessionGifts(random, viewers, start + 1000, now - 5000, options.intensity ?? 3),
  ];
}

/** A server clock the seed can move: the ledger stamps arrival with it, and sessions open then. */
export interface SeedClock {
  /** What the server's `now` option calls. */
  now: () => number;
  /** Pins the clock to a time; `null` lets it follow the real time again. */
  set: (time: number | null) => void;
}

/** A clock that follows real time until the seed pins it. */
export function seedClock(): SeedClock {
  let pinned: number | null = null;
  return { now: () => pinned ?? Date.now(), set: (t) => (pinned = t) };
}

/** Splits events into frames that arrive together: one per minute, and each session event alone. */
function framesOf(events: SeedEvent[]): SeedEvent[][] {
  const frames: SeedEvent[][] = [];
  let current: SeedEvent[] = [];
  let minute = Number.NaN;
  for (const e of events) {
    const m = Math.floor((e.time as number) / MINUTE);
    if (e.type === 'session' || m !== minute || current.length >= 500) {
      if (current.length) frames.push(current);
      current = [];
      minute = m;
    }
    current.push(e);
    if (e.type === 'session') {
      frames.push(current);
      current = [];
      minute = Number.NaN;
    }
  }
  if (current.length) frames.push(current);
  return frames;
}

/**
 * Sends events to /ingest and waits for one reply per event. With a clock, events arrive "at
 * their own time" (the clock is pinned to each frame's last event), so sessions of the past are
 * recorded in the past, as they would have been live; the clock is released at the end.
 * Throws with the first error reply, so a seed that the server refuses fails loudly.
 */
export async function seedIngest(
  ingestUrl: string,
  token: string,
  events: SeedEvent[],
  clock?: SeedClock,
): Promise<{ acked: number; duplicates: number }> {
  // The server's clock only moves forward during a seed (its rate limiter reads it too): pin it to
  // the first event before connecting.
  const first = events[0];
  if (clock && first) clock.set(first.time as number);
  const socket = new WebSocket(new URL(ingestUrl), {
    headers: { Authorization: `Bearer ${token}` },
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let acked = 0;
  let duplicates = 0;
  let waiting: { until: number; resolve: () => void; reject: (e: Error) => void } | null = null;
  socket.on('message', (data: WebSocket.RawData) => {
    // eslint-disable-next-line @typescript-eslint/no-base-to-string
    const reply = JSON.parse(data.toString()) as IngestReply;
    if (reply.type === 'error') {
      waiting?.reject(
        new Error(`ingest refused ${reply.id ?? '?'}: ${reply.code} ${reply.message}`),
      );
      return;
    }
    acked++;
    if (reply.duplicate) duplicates++;
    if (waiting && acked >= waiting.until) waiting.resolve();
  });
  socket.once('close', () =>
    waiting?.reject(new Error(`ingest closed after ${acked}/${events.length} acks`)),
  );
  try {
    const frames = clock ? framesOf(events) : [events];
    let sent = 0;
    for (const frame of frames) {
      const last = frame[frame.length - 1];
      if (clock && last) clock.set(last.time as number);
      for (let i = 0; i < frame.length; i += 500) {
        const chunk = frame.slice(i, i + 500);
        sent += chunk.length;
        await new Promise<void>((resolve, reject) => {
          waiting = { until: sent, resolve, reject };
          socket.send(JSON.stringify(chunk));
        });
      }
    }
  } finally {
    clock?.set(null);
    socket.close();
  }
  return { acked, duplicates };
}
