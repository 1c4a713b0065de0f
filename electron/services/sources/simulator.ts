import { z } from 'zod';
import { bundledCatalog, type CatalogGift } from '../../../shared/catalog';
import { seededRandom } from '../../../shared/random';
import { ReportingSource } from './reportingSource';
import { SourceError } from './sourceError';
import type { EventSink, SimulatorOptions, Source } from './types';

/** A simulated gift message in Gemlight's canonical shape. */
export interface SimulatedGift {
  type: 'gift';
  id: string;
  time: number;
  user: { id: string; handle: string; name: string };
  gift: { id: number; name: string; coins: number; streakable: boolean };
  count: number;
  streak?: { id: string; end: boolean };
  origin: 'simulated';
}

/** Simulated likes, follows, shares and viewer counts, also canonical. */
export type SimulatedSocial =
  | {
      type: 'like' | 'follow' | 'share';
      id: string;
      time: number;
      user: { id: string; handle: string; name: string };
      count: number;
      origin: 'simulated';
    }
  | { type: 'viewers'; id: string; time: number; count: number; origin: 'simulated' };

/** Anything the simulator emits. */
export type SimulatedEvent = SimulatedGift | SimulatedSocial;

interface Gifter {
  id: string;
  handle: string;
  name: string;
}

interface OpenStreak {
  id: string;
  user: Gifter;
  gift: CatalogGift;
  count: number;
  updatesLeft: number;
  /** Some streaks never send their end, like real ones whose last message is lost. */
  willEnd: boolean;
}

const ADJECTIVES = [
  'Minty',
  'Lucky',
  'Cosmic',
  'Velvet',
  'Sunny',
  'Pixel',
  'Misty',
  'Brave',
  'Jolly',
  'Neon',
  'Quiet',
  'Rosy',
  'Wild',
  'Golden',
  'Frosty',
  'Happy',
];
const NOUNS = [
  'Fox',
  'Otter',
  'Comet',
  'Panda',
  'Maple',
  'Falcon',
  'Mochi',
  'River',
  'Tiger',
  'Pebble',
  'Lynx',
  'Bean',
  'Nova',
  'Koala',
  'Wren',
  'Bear',
];

const byName = (name: string): CatalogGift => {
  const gift = [...bundledCatalog.values()].find((g) => g.name === name);
  if (!gift) throw new Error(`The bundled catalog lacks ${name}`);
  return gift;
};

/** Options of the traffic model. */
export interface TrafficOptions {
  seed: number;
  /** Prefix of every message and streak id, unique per run so the ledger never sees a repeat. */
  idPrefix: string;
  /** Size of the audience that sends gifts (default 400). */
  gifters?: number;
}

/**
 * The traffic model: a long-tailed audience (a few big fans send most gifts), streakable gifts in
 * streaks with rising counts (most end, some never do), occasional big gifts, and battle-time
 * storms of cheap streaks from many viewers. Pure and seeded; the clock is passed in.
 */
export class TrafficGenerator {
  private readonly random: () => number;
  private readonly gifters: Gifter[];
  /** Cumulative Zipf weights over `gifters`, for picking by rank. */
  private readonly cumulative: number[];
  private readonly open: OpenStreak[] = [];
  private serial = 0;
  private viewers = 180;
  private readonly cheap = ['Rose', 'TikTok', 'GG', 'Ice Cream Cone', 'Finger Heart', 'Heart'].map(
    byName,
  );
  private readonly mid = [
    'Perfume',
    'Doughnut',
    'Paper Crane',
    'Hand Hearts',
    'Confetti',
    'Sunglasses',
    'Corgi',
    'Money Gun',
    'Swan',
  ].map(byName);
  private readonly large = ['Train', 'Gold Mine', 'Fireworks', 'Private Jet', 'Sports Car'].map(
    byName,
  );
  private readonly huge = ['Lion', 'TikTok Universe'].map(byName);

  constructor(private readonly options: TrafficOptions) {
    this.random = seededRandom(options.seed);
    const size = Math.max(1, options.gifters ?? 400);
    this.gifters = Array.from({ length: size }, (_, i) => {
      const adjective = ADJECTIVES[Math.floor(this.random() * ADJECTIVES.length)] ?? 'Sim';
      const noun = NOUNS[Math.floor(this.random() * NOUNS.length)] ?? 'Viewer';
      return {
        id: `sim-user-${i + 1}`,
        handle: `${adjective}${noun}_${i + 1}`.toLowerCase(),
        name: `${adjective} ${noun}`,
      };
    });
    let total = 0;
    this.cumulative = this.gifters.map((_, rank) => (total += 1 / (rank + 1) ** 1.15));
  }

  /** The next gift message; `storm` makes it battle-time traffic. */
  nextGift(time: number, storm = false): SimulatedGift {
    const maxOpen = storm ? 40 : 12;
    const continueOdds = this.open.length === 0 ? 0 : this.open.length >= maxOpen ? 1 : 0.55;
    if (this.random() < continueOdds) return this.advance(time, storm);
    return this.begin(time, storm);
  }

  /** Likes, follows, shares and viewer counts that come along with gifts. */
  nextSocial(time: number): SimulatedSocial {
    const roll = this.random();
    const user = this.pickGifter();
    const id = this.nextId();
    if (roll < 0.15) {
      this.viewers = Math.max(1, Math.round(this.viewers * (0.9 + this.random() * 0.22)));
      return { type: 'viewers', id, time, count: this.viewers, origin: 'simulated' };
    }
    if (roll < 0.25) return { type: 'follow', id, time, user, count: 1, origin: 'simulated' };
    if (roll < 0.3) return { type: 'share', id, time, user, count: 1, origin: 'simulated' };
    const count = 1 + Math.floor(this.random() * 15);
    return { type: 'like', id, time, user, count, origin: 'simulated' };
  }

  private begin(time: number, storm: boolean): SimulatedGift {
    const user = this.pickGifter();
    const gift = this.pickGift(storm);
    if (!gift.streakable) return this.message(time, user, gift, 1);
    const streak: OpenStreak = {
      id: `${this.options.idPrefix}-s${++this.serial}`,
      user,
      gift,
      count: 1,
      // Geometric length: most streaks are short, some run long.
      updatesLeft: Math.floor(Math.log(1 - this.random()) / Math.log(storm ? 0.9 : 0.75)),
      willEnd: this.random() < 0.85,
    };
    this.open.push(streak);
    return this.message(time, user, gift, 1, { id: streak.id, end: false });
  }

  private advance(time: number, storm: boolean): SimulatedGift {
    const index = Math.floor(this.random() * this.open.length);
    const streak = this.open[index];
    if (!streak) return this.begin(time, storm);
    if (streak.updatesLeft <= 0) {
      this.open.splice(index, 1);
      if (!streak.willEnd) return this.begin(time, storm);
      // TikTok's last message repeats the final count with repeatEnd set.
      return this.message(time, streak.user, streak.gift, streak.count, {
        id: streak.id,
        end: true,
      });
    }
    streak.updatesLeft--;
    streak.count += 1 + Math.floor(this.random() * (storm ? 8 : 3));
    return this.message(time, streak.user, streak.gift, streak.count, {
      id: streak.id,
      end: false,
    });
  }

  private message(
    time: number,
    user: Gifter,
    gift: CatalogGift,
    count: number,
    streak?: { id: string; end: boolean },
  ): SimulatedGift {
    return {
      type: 'gift',
      id: this.nextId(),
      time,
      user: { ...user },
      gift: { id: gift.id, name: gift.name, coins: gift.coins, streakable: gift.streakable },
      count,
      ...(streak ? { streak } : {}),
      origin: 'simulated',
    };
  }

  private pickGift(storm: boolean): CatalogGift {
    const roll = this.random();
    const from = (list: CatalogGift[]): CatalogGift =>
      list[Math.floor(this.random() * list.length)] ?? this.cheapest();
    if (storm) return roll < 0.9 ? from(this.cheap) : from(this.mid);
    if (roll < 0.004) return from(this.huge);
    if (roll < 0.03) return from(this.large);
    if (roll < 0.3) return from(this.mid);
    return from(this.cheap);
  }

  private cheapest(): CatalogGift {
    return byName('Rose');
  }

  private pickGifter(): Gifter {
    const total = this.cumulative[this.cumulative.length - 1] ?? 1;
    const target = this.random() * total;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cumulative[mid] ?? 0) < target) lo = mid + 1;
      else hi = mid;
    }
    const gifter = this.gifters[lo] ?? this.gifters[0];
    if (!gifter) throw new Error('The simulated audience is empty');
    return gifter;
  }

  private nextId(): string {
    return `${this.options.idPrefix}-${++this.serial}`;
  }
}

/** Bounds of the simulator's settings, checked where they come in. */
export const simulatorOptionsSchema = z.strictObject({
  rate: z.number().gt(0).max(500).optional(),
  storm: z.boolean().optional(),
  seed: z.number().int().optional(),
  stormRate: z.number().gt(0).max(2000).optional(),
  stormEveryMs: z.number().int().min(1).optional(),
  stormMs: z.number().int().min(0).optional(),
});

/** Settings of a simulator run, beyond the shared `SimulatorOptions`. */
export interface SimulatorRunOptions extends SimulatorOptions {
  /** Gift messages per second during a storm (default 10 × rate, at least 20). */
  stormRate?: number;
  /** A storm starts this often (default 60 s) … */
  stormEveryMs?: number;
  /** … and lasts this long (default 20 s). */
  stormMs?: number;
}

/** Runtime knobs of the simulator source. */
export interface SimulatorSourceOptions {
  id?: string;
  now?: () => number;
  /** How often traffic is produced (default 100 ms). */
  tickMs?: number;
  rateNotifyMs?: number;
}

/**
 * The simulator as a source: produces realistic traffic in real time through the whole
 * pipeline, every event marked `simulated` so that it never counts as earnings.
 */
export class SimulatorSource extends ReportingSource implements Source {
  readonly kind = 'simulator' as const;
  private readonly tickMs: number;
  private readonly run: Required<Omit<SimulatorRunOptions, 'seed'>> & { seed: number };
  private timer: ReturnType<typeof setInterval> | null = null;
  private generator: TrafficGenerator | null = null;
  private startedAt = 0;
  private lastTick = 0;
  private owed = 0;
  private gifts = 0;

  constructor(
    sink: EventSink,
    options: SimulatorRunOptions = {},
    runtime: SimulatorSourceOptions = {},
  ) {
    const parsed = simulatorOptionsSchema.safeParse(options);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new SourceError(
        'invalid_request',
        `Simulator ${issue?.path.join('.') || 'options'}: ${issue?.message ?? 'not valid'}`,
      );
    }
    const rate = parsed.data.rate ?? 2;
    const run = {
      rate,
      storm: parsed.data.storm ?? false,
      seed: parsed.data.seed ?? Math.floor(Math.random() * 2 ** 31),
      stormRate: parsed.data.stormRate ?? Math.max(20, rate * 10),
      stormEveryMs: parsed.data.stormEveryMs ?? 60_000,
      stormMs: parsed.data.stormMs ?? 20_000,
    };
    super(sink, {
      id: runtime.id ?? 'simulator',
      kind: 'simulator',
      label: `Simulator ${run.rate}/s${run.storm ? `, storms at ${run.stormRate}/s` : ''}`,
      origin: 'simulated',
      now: runtime.now ?? Date.now,
      rateNotifyMs: runtime.rateNotifyMs,
    });
    this.run = run;
    this.tickMs = runtime.tickMs ?? 100;
  }

  /** The seed in use, to reproduce a run. */
  get seed(): number {
    return this.run.seed;
  }

  start(): Promise<void> {
    if (this.timer) return Promise.resolve();
    this.startedAt = this.now();
    this.lastTick = this.startedAt;
    this.owed = 0;
    this.generator = new TrafficGenerator({
      seed: this.run.seed,
      idPrefix: `sim-${this.startedAt.toString(36)}-${this.run.seed.toString(36)}`,
    });
    this.timer = setInterval(() => this.tick(), this.tickMs);
    this.health_.setState('connected', null);
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.settleStopped();
  }

  /** Whether a battle-time storm is on at `time`. */
  stormAt(time: number): boolean {
    if (!this.run.storm) return false;
    const phase = (time - this.startedAt) % this.run.stormEveryMs;
    return phase >= this.run.stormEveryMs - this.run.stormMs;
  }

  private tick(): void {
    const generator = this.generator;
    if (!generator) return;
    const time = this.now();
    // A stalled event loop must not come back with a flood: at most one second is made up.
    const elapsed = Math.min(1000, Math.max(0, time - this.lastTick));
    this.lastTick = time;
    const storm = this.stormAt(time);
    this.owed += ((storm ? this.run.stormRate : this.run.rate) * elapsed) / 1000;
    const due = Math.floor(this.owed);
    if (due <= 0) return;
    this.owed -= due;
    const events: unknown[] = [];
    for (let i = 0; i < due; i++) {
      events.push(generator.nextGift(time, storm));
      // Roughly one like, follow, share or viewer update for every three gifts.
      if (++this.gifts % 3 === 0) events.push(generator.nextSocial(time));
    }
    this.submitter.push(events);
  }
}
