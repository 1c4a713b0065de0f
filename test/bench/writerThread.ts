/**
 * Experiment behind BENCHMARKS.md §1: would a writer thread raise durable ingest? The same minimal
 * /ingest server (writerThreadServer.ts) commits on the socket thread or on a worker thread, split
 * three ways, against benchmark 1's own client (window, frame sizes and traffic), interleaved run
 * by run. Not part of `npm run bench`: it answers a design question, not a target.
 * Run: npx tsx test/bench/writerThread.ts [runs] [window]
 */
import { clientRun, forkTs } from './ingest';
import { median } from './stats';
import { SPLITS, type Split } from './writerThreadCommit';

const WHAT: Record<Split, string> = {
  inline: 'all on the socket thread (as today)',
  objects: 'commit on a worker; events cloned as objects',
  strings: 'commit on a worker; events sent as JSON text',
  frames: 'parse, normalize and commit on a worker; frames sent as text',
};

async function oneRun(
  split: Split,
  seed: number,
  window: number,
): Promise<{ rate: number; cpuMs: number }> {
  const report = await clientRun(forkTs('writerThreadServer.ts', [split]), {
    events: 600_000,
    durationMs: 3_000,
    window,
    seed,
  });
  if (report.errors > 0) throw new Error(`${split}: ${report.firstError ?? 'errors'}`);
  return { rate: report.eventsPerSecond, cpuMs: report.serverCpuMs / (report.elapsedMs / 1000) };
}

const runs = Number(process.argv[2] ?? 3);
/** Benchmark 1 keeps 4,000 events in flight; more shows what deeper pipelining would allow. */
const window = Number(process.argv[3] ?? 4_000);
const rates = new Map<Split, number[]>(SPLITS.map((s) => [s, []]));
const cores = new Map<Split, number[]>(SPLITS.map((s) => [s, []]));
for (let run = 0; run < runs; run++) {
  for (const split of SPLITS) {
    const r = await oneRun(split, run + 1, window);
    rates.get(split)?.push(r.rate);
    cores.get(split)?.push(r.cpuMs / 1000);
    process.stdout.write(
      `run ${run + 1}/${runs} ${split}: ${Math.round(r.rate).toLocaleString('en-US')} events/s, server ${(r.cpuMs / 1000).toFixed(2)} cores\n`,
    );
  }
}
process.stdout.write(
  `\nmedian of ${runs} runs (window ${window.toLocaleString('en-US')} events, 3 s each):\n`,
);
for (const split of SPLITS) {
  const rate = median(rates.get(split) ?? []);
  const inline = median(rates.get('inline') ?? []);
  process.stdout.write(
    `${split.padEnd(8)} ${Math.round(rate).toLocaleString('en-US').padStart(7)} events/s  ${(rate / inline).toFixed(2)}× inline  server ${median(cores.get(split) ?? []).toFixed(2)} cores  ${WHAT[split]}\n`,
  );
}
