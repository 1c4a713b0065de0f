/**
 * Experiment behind BENCHMARKS.md §1: how fast could Gemlight ack if an event were acked once it
 * is in the raw log, and the derived rows were built afterwards from that log? The same client as
 * benchmark 1 (window, frame sizes, traffic) against three minimal servers, interleaved run by run:
 *  - inline: today's design, everything in the transaction the ack waits for
 *    (writerThreadServer.ts 'inline');
 *  - journal: the ack waits for the raw log alone, and nothing builds the derived rows;
 *  - raw: the same, storing only each event's text as received (not its normalized JSON);
 *  - projected: the same, with a worker thread building the derived rows meanwhile
 *    (journalServer.ts, journalProjector.ts);
 * and three runs of the app's own server (ingestServer.ts), as benchmark 1 measures it:
 *  - app: as it ships;
 *  - app-journal, app-raw: its writer cut down to the raw log, like journal and raw above.
 * Not part of `npm run bench`: it answers a design question, not a target.
 * Run: npx tsx test/bench/journal.ts [runs=3] [seconds=3] [results.json]
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientRun, forkTs } from './ingest';
import { median } from './stats';
import type { JournalStats } from './journalServer';

export type Design = 'inline' | 'raw' | 'journal' | 'projected' | 'app' | 'app-journal' | 'app-raw';
const DESIGNS: readonly Design[] = [
  'inline',
  'raw',
  'journal',
  'projected',
  'app',
  'app-journal',
  'app-raw',
];

/** The process each design runs in. */
function serverOf(design: Design, statsFile: string): ChildProcess {
  switch (design) {
    case 'inline':
      return forkTs('writerThreadServer.ts', ['inline']);
    case 'app':
      return forkTs('ingestServer.ts', ['gemlight']);
    case 'app-journal':
      return forkTs('ingestServer.ts', ['gemlight:raw-log']);
    case 'app-raw':
      return forkTs('ingestServer.ts', ['gemlight:raw-text']);
    case 'raw':
    case 'journal':
    case 'projected':
      return forkTs('journalServer.ts', [design, statsFile]);
  }
}

/** One run of one design (the optional results file holds them all, by design). */
export interface JournalRun {
  rate: number;
  /** Events the client counted as acked. */
  acked: number;
  cores: number;
  /** The journal servers' own figures; null for the others. */
  stats: JournalStats | null;
}
type Run = JournalRun;

async function oneRun(design: Design, seed: number, seconds: number): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'gemlight-journal-stats-'));
  const statsFile = join(dir, 'stats.json');
  try {
    const server = serverOf(design, statsFile);
    const report = await clientRun(server, {
      // Enough for the fastest design (~115k/s) with room to spare; each id is sent once.
      events: Math.ceil(seconds * 200_000),
      durationMs: seconds * 1000,
      window: 4_000,
      seed,
    });
    if (report.errors > 0) throw new Error(`${design}: ${report.firstError ?? 'errors'}`);
    const stats = existsSync(statsFile)
      ? (JSON.parse(readFileSync(statsFile, 'utf8')) as JournalStats)
      : null;
    return {
      rate: report.eventsPerSecond,
      acked: report.acked,
      cores: report.serverCpuMs / report.elapsedMs,
      stats,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const runs = Number(process.argv[2] ?? 3);
const seconds = Number(process.argv[3] ?? 3);
const results = new Map<Design, Run[]>(DESIGNS.map((d) => [d, []]));
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
for (let run = 0; run < runs; run++) {
  for (const design of DESIGNS) {
    const r = await oneRun(design, run + 1, seconds);
    results.get(design)?.push(r);
    const projection =
      design === 'projected' && r.stats
        ? `; projected ${fmt(r.stats.projectedAtStop)} of ${fmt(r.stats.journaled)} by the stop, the rest in ${fmt(r.stats.catchUpMs)} ms; derived rows ${r.stats.projectionMatchesReplay ? 'match' : 'DIFFER FROM'} a rebuild of the log`
        : '';
    process.stdout.write(
      `run ${run + 1}/${runs} ${design}: ${fmt(r.rate)} events/s acked, server ${r.cores.toFixed(2)} cores${projection}\n`,
    );
  }
}
process.stdout.write(`\nmedian of ${runs} runs (${seconds} s each, window 4,000 events):\n`);
const inline = median((results.get('inline') ?? []).map((r) => r.rate));
for (const design of DESIGNS) {
  const list = results.get(design) ?? [];
  const rate = median(list.map((r) => r.rate));
  const projectedShare = median(
    list.map((r) =>
      r.stats && r.stats.journaled > 0 ? r.stats.projectedAtStop / r.stats.journaled : 1,
    ),
  );
  const projectedRate = median(
    list.map((r) =>
      r.stats && r.stats.journaled > 0
        ? (r.stats.projectedAtStop / r.stats.journaled) * r.rate
        : r.rate,
    ),
  );
  process.stdout.write(
    `${design.padEnd(11)} ${fmt(rate).padStart(7)} events/s acked  ${(rate / inline).toFixed(2)}× inline  server ${median(list.map((r) => r.cores)).toFixed(2)} cores` +
      (design === 'projected'
        ? `  derived rows kept up with ${(projectedShare * 100).toFixed(0)}% (~${fmt(projectedRate)} events/s)`
        : '') +
      '\n',
  );
}
const resultsFile = process.argv[4];
if (resultsFile) writeFileSync(resultsFile, JSON.stringify(Object.fromEntries(results)));
