/**
 * `npm run bench` — every benchmark of issue 7, then BENCHMARKS.md and bench-results/latest.json.
 * `npm run bench -- --quick` runs each at a small size to prove the suite works (no timing claims).
 * Options: --only 1,3 (the others keep their last published rows)  --gifts N (history size)
 * --ledger DIR (a ledger seeded by `npm run seed`)  --repeats N (API calls per kind)  --profile (CPU profile of the ingest server)
 * --window N (events benchmark 1's client keeps in flight; default 4,000)
 * --publish (a quick run writes BENCHMARKS.md too; otherwise it writes bench-results/quick.json)
 * --report (runs nothing: rewrites BENCHMARKS.md from bench-results/latest.json and analysis.md)
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findChromium } from '../support/browser';
import { alertFigures, alertLatencyChart, runAlerts, type AlertRateResult } from './alerts';
import { historyFigures, runHistory } from './history';
import { overlayCostFigures, runOverlayCost } from './overlayCost';
import { ingestFigures, runIngest, type IngestResult } from './ingest';
import {
  benchmarksMarkdown,
  describeMachine,
  figuresTable,
  machineText,
  mergeWithPrevious,
  resultsJson,
  summarizeProfiles,
  type BenchRun,
  type Figure,
  type ProfileSummary,
} from './report';

const ROOT = resolve(import.meta.dirname, '../..');

interface Options {
  quick: boolean;
  only: Set<number>;
  gifts: number;
  ledger: string | undefined;
  profile: boolean;
  publish: boolean;
  /** Only rewrite BENCHMARKS.md from the last published results (after editing analysis.md). */
  report: boolean;
  /** Calls per API call kind in benchmark 3 (the first round warms up and is not counted). */
  repeats: number;
  /** Events benchmark 1's client keeps in flight (default 4,000; 2,000 when quick). */
  window: number;
}

function positiveInteger(name: string, text: string): number {
  const n = Number(text.replace(/_/g, ''));
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`${name} takes a whole number above 0`);
  return n;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      only: { type: 'string' },
      gifts: { type: 'string' },
      ledger: { type: 'string' },
      profile: { type: 'boolean' },
      publish: { type: 'boolean' },
      report: { type: 'boolean' },
      repeats: { type: 'string' },
      window: { type: 'string' },
    },
    strict: true,
  });
  const quick = values.quick ?? false;
  return {
    quick,
    only: new Set((values.only ?? '1,2,3,4,5').split(',').map(Number)),
    gifts: Number((values.gifts ?? (quick ? '20000' : '10000000')).replace(/_/g, '')),
    ledger: values.ledger,
    profile: values.profile ?? false,
    publish: values.publish ?? false,
    report: values.report ?? false,
    repeats: Number(values.repeats ?? (quick ? '5' : '41')),
    window: positiveInteger('--window', values.window ?? (quick ? '2000' : '4000')),
  };
}

const log = (line: string): void => {
  process.stderr.write(line + '\n');
};

/** Benchmark 2's latency tails at 100/s (the target's rate) as a chart beside the results. */
function drawAlertTails(results: readonly AlertRateResult[] | undefined, quick: boolean): void {
  const at100 = results?.find((r) => r.rate === 100);
  // Results from before the histograms were kept have nothing to draw.
  if (!at100?.hist) return;
  writeFileSync(
    join(ROOT, 'bench-results', `${quick ? 'quick-' : ''}alert-latency-100.svg`),
    alertLatencyChart(at100),
  );
}

async function main(): Promise<void> {
  const opts = options();
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  if (opts.report) {
    const latest = join(ROOT, 'bench-results', 'latest.json');
    const published = JSON.parse(readFileSync(latest, 'utf8')) as BenchRun;
    drawAlertTails(published.details.alerts as AlertRateResult[] | undefined, false);
    writeFileSync(join(ROOT, 'BENCHMARKS.md'), benchmarksMarkdown(published));
    log('wrote BENCHMARKS.md and its charts from bench-results/latest.json');
    return;
  }
  const began = Date.now();
  let chromium: string | null = null;
  try {
    chromium = findChromium();
  } catch {
    chromium = null;
  }
  const machine = describeMachine(chromium);
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  const profileDir = opts.profile ? mkdtempSync(join(tmpdir(), 'gemlight-bench-prof-')) : undefined;

  if (opts.only.has(1)) {
    log('1. durable ingest throughput');
    const result: IngestResult = await runIngest(
      opts.quick
        ? {
            runs: 2,
            durationMs: 1_000,
            events: 20_000,
            naiveEvents: 500,
            writerOnlyEvents: 10_000,
            window: opts.window,
            ...(profileDir ? { profileDir } : {}),
          }
        : {
            runs: 5,
            durationMs: 3_000,
            events: 600_000,
            naiveEvents: 30_000,
            writerOnlyEvents: 150_000,
            window: opts.window,
            ...(profileDir ? { profileDir } : {}),
          },
      log,
    );
    figures.push(...ingestFigures(result));
    details.ingest = result;
  }

  if (opts.only.has(2)) {
    log('2. alert latency');
    const result = await runAlerts(
      {
        rates: [10, 100, 1000],
        seconds: opts.quick ? 3 : 20,
        settleMs: opts.quick ? 6_000 : 10_000,
        runs: opts.quick ? 1 : 3,
      },
      log,
    );
    figures.push(...alertFigures(result));
    details.alerts = result;
    drawAlertTails(result, opts.quick);
  }

  if (opts.only.has(3) || opts.only.has(5)) {
    log(`3 and 5. history at scale and server memory`);
    const result = await runHistory(
      {
        gifts: opts.gifts,
        ...(opts.ledger ? { ledgerDir: opts.ledger } : {}),
        repeats: opts.repeats,
        starts: opts.quick ? 1 : 3,
      },
      log,
    );
    figures.push(...historyFigures(result));
    details.history = result;
  }

  if (opts.only.has(4)) {
    log('4. overlay cost');
    const result = await runOverlayCost(
      opts.quick
        ? // Quick proves the suite runs; its heap figure includes the page's 60 s key window.
          { idleMs: 3_000, alerts: 200, rate: 100, heapSettleMs: 3_000 }
        : { idleMs: 30_000, alerts: 2_000, rate: 100 },
      log,
    );
    figures.push(...overlayCostFigures(result));
    details.overlayCost = result;
  }

  const profile =
    profileDir !== undefined
      ? summarizeProfiles(profileDir, {
          root: ROOT,
          path: `bench-results/${opts.quick ? 'quick-' : ''}ingest-flame.svg`,
          title: `Gemlight ingest server, benchmark 1${opts.quick ? ' (quick run)' : ''}: where the main thread's time goes`,
        })
      : ([] as ProfileSummary[]);
  const seconds = Math.round((Date.now() - began) / 1000);
  const run: BenchRun = {
    date: new Date().toISOString(),
    quick: opts.quick,
    benches: [...opts.only].sort(),
    seconds,
    machine,
    figures,
    profile,
    details,
  };
  const publish = !opts.quick || opts.publish;
  const name = publish ? 'latest.json' : 'quick.json';
  const merged = publish ? mergeWithPrevious(join(ROOT, 'bench-results', name), run) : run;
  writeFileSync(join(ROOT, 'bench-results', name), resultsJson(merged));
  if (publish) writeFileSync(join(ROOT, 'BENCHMARKS.md'), benchmarksMarkdown(merged));
  log(`\n${figuresTable(figures)}\n\n${machineText(machine)}\n\ntook ${seconds} s`);
  log(
    publish
      ? 'wrote BENCHMARKS.md and bench-results/latest.json'
      : 'wrote bench-results/quick.json',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
