/**
 * What normalizing one canonical-shape gift costs: benchmark 1's canonical traffic (GiftTraffic,
 * canonicalShape), freshly JSON-parsed per round as the ingest server sees it, through
 * the zod-only path (before) and normalizeEvent with its fast path (after). Parsing is not timed. Prints the median and p99 µs per event over the rounds.
 * Run: npx tsx test/bench/normalizeMicro.ts [rounds] [events]
 */
import { bundledCatalog } from '../../shared/catalog';
import {
  normalizeEvent,
  normalizeEventZodOnly,
  type NormalizeContext,
} from '../../shared/normalize';
import { median, quantile } from './stats';
import { GiftTraffic } from './traffic';

type Normalizer = (input: unknown, ctx: NormalizeContext) => unknown;

const rounds = Number(process.argv[2] ?? 21);
const events = Number(process.argv[3] ?? 20_000);

const traffic = new GiftTraffic(7, 'nm', false);
const start = Date.UTC(2025, 0, 1);
const frames = Array.from({ length: events }, (_, i) => JSON.stringify(traffic.next(start + i)));
const ctx: NormalizeContext = {
  now: start,
  catalog: bundledCatalog,
  origin: 'live',
  makeId: () => 'nm-x',
};

/** µs per event of one round over freshly parsed frames. */
function round(normalize: Normalizer): number {
  const inputs: unknown[] = frames.map((f): unknown => JSON.parse(f));
  const t0 = performance.now();
  for (const input of inputs) normalize(input, ctx);
  return ((performance.now() - t0) * 1000) / inputs.length;
}

/** Rounds of both paths interleaved, so load from other processes falls on both alike. */
function compare(paths: Record<string, Normalizer>): void {
  const entries = Object.entries(paths);
  for (const [, normalize] of entries) round(normalize); // warm-up: JIT, zod's compiled pass
  const samples = new Map<string, number[]>(entries.map(([name]) => [name, []]));
  for (let r = 0; r < rounds; r++)
    for (const [name, normalize] of entries) samples.get(name)?.push(round(normalize));
  console.log(`${events} canonical gifts per round, ${rounds} rounds`);
  for (const [name, s] of samples)
    console.log(
      `${name.padEnd(20)} median ${median(s).toFixed(3)} µs/event, p99 ${quantile(s, 0.99).toFixed(3)} µs/event`,
    );
}

compare({ 'before: zod only': normalizeEventZodOnly, 'after: fast path': normalizeEvent });
