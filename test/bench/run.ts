/**
 * `npm run bench` — every benchmark of issue 7, then BENCHMARKS.md and bench-results/latest.json.
 * `npm run bench -- --quick` runs each at a small size to prove the suite works (no timing claims).
 * Options: --only 1,3  --gifts N (history size)  --ledger DIR (reuse a seeded ledger)  --profile
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findChromium } from '../support/browser';
import { historyFigures, runHistory } from './history';
import { ingestFigures, runIngest, type IngestResult } from './ingest';
import { describeMachine, figuresTable, machineText, type Figure } from './report';

const ROOT = resolve(import.meta.dirname, '../..');

interface Options {
  quick: boolean;
  only: Set<number>;
  gifts: number;
  ledger: string | undefined;
  profile: boolean;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      only: { type: 'string' },
      gifts: { type: 'string' },
      ledger: { type: 'string' },
      profile: { type: 'boolean' },
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
  };
}

const log = (line: string): void => {
  process.stderr.write(line + '\n');
};

async function main(): Promise<void> {
  const opts = options();
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
  const profileDir = opts.profile ? join(ROOT, 'bench-results', 'profiles') : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });

  if (opts.only.has(1)) {
    log('1. durable ingest throughput');
    const result: IngestResult = await runIngest(
      opts.quick
        ? { runs: 2, durationMs: 1_000, events: 20_000, naiveEvents: 2_000, window: 2_000 }
        : {
            runs: 5,
            durationMs: 3_000,
            events: 600_000,
            naiveEvents: 30_000,
            window: 4_000,
            ...(profileDir ? { profileDir } : {}),
          },
      log,
    );
    figures.push(...ingestFigures(result));
    details.ingest = result;
  }

  if (opts.only.has(3) || opts.only.has(5)) {
    log(`3 and 5. history at scale and server memory`);
    const result = await runHistory(
      {
        gifts: opts.gifts,
        ...(opts.ledger ? { ledgerDir: opts.ledger } : {}),
        repeats: opts.quick ? 5 : 41,
        starts: opts.quick ? 1 : 3,
      },
      log,
    );
    figures.push(...historyFigures(result));
    details.history = result;
  }

  const seconds = Math.round((Date.now() - began) / 1000);
  const results = {
    date: new Date().toISOString(),
    quick: opts.quick,
    seconds,
    machine,
    figures,
    details,
  };
  mkdirSync(join(ROOT, 'bench-results'), { recursive: true });
  const jsonName = opts.quick ? 'quick.json' : 'latest.json';
  writeFileSync(join(ROOT, 'bench-results', jsonName), JSON.stringify(results, null, 2) + '\n');
  log(`\n${figuresTable(figures)}\n\n${machineText(machine)}\n\ntook ${seconds} s`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
