import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { cpus, totalmem } from 'node:os';
import Database from 'better-sqlite3';
import { readProfile, topFrames, type HotFrame } from './profile';
import { flameSvg, flameTree } from './flameGraph';
import { fmt } from './stats';

/** One row of the results table. */
export interface Figure {
  /** Benchmark number (1–5, as in issue 7). */
  bench: number;
  figure: string;
  value: number;
  unit: string;
  /** What the value is compared with, measured in the same run. */
  baseline?: { label: string; value: number; unit: string };
  /** value ÷ baseline (or the quantity the target is about), when meaningful. */
  ratio?: number;
  target: string;
  /** Whether the target is met; null when the figure is informational. */
  met: boolean | null;
  note?: string;
}

/** Where the numbers were measured. */
export interface Machine {
  cpu: string;
  cores: number;
  ramGiB: number;
  node: string;
  sqlite: string;
  os: string;
  chromium: string | null;
}

/** Describes this machine. */
export function describeMachine(chromiumPath: string | null): Machine {
  const db = new Database(':memory:');
  const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  db.close();
  let chromium: string | null = null;
  if (chromiumPath) {
    try {
      chromium = execFileSync(chromiumPath, ['--version'], { encoding: 'utf8' }).trim();
    } catch {
      chromium = null;
    }
  }
  let os = `${process.platform} ${process.arch}`;
  try {
    os = execFileSync('uname', ['-srm'], { encoding: 'utf8' }).trim();
  } catch {
    // Not a Unix: platform and arch say enough.
  }
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    ramGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    sqlite,
    os,
    chromium,
  };
}

const cell = (text: string): string => text.replace(/\|/g, '\\|');

function verdict(f: Figure): string {
  if (f.met === null) return 'info';
  return f.met ? '**met**' : '**missed**';
}

/** The results table in Markdown. */
export function figuresTable(figures: readonly Figure[]): string {
  const lines = [
    '| # | figure | value | baseline or limit (same run) | ratio | target | verdict |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const f of figures) {
    const base = f.baseline
      ? `${f.baseline.label}: ${fmt(f.baseline.value)} ${f.baseline.unit}`
      : '—';
    const ratio = f.ratio === undefined ? '—' : `${fmt(f.ratio)}×`;
    lines.push(
      `| ${f.bench} | ${cell(f.figure)} | ${fmt(f.value)} ${f.unit} | ${cell(base)} | ${ratio} | ${cell(f.target)} | ${verdict(f)} |`,
    );
  }
  return lines.join('\n');
}

/** The machine description in Markdown. */
export function machineText(m: Machine): string {
  return [
    `- CPU: ${m.cpu}, ${m.cores} cores (shared with other work while measuring)`,
    `- RAM: ${m.ramGiB} GiB`,
    `- OS: ${m.os}`,
    `- Node ${m.node}, SQLite ${m.sqlite} (better-sqlite3)`,
    `- Chromium: ${m.chromium ?? 'not found'}`,
  ].join('\n');
}

/** The hottest frames of the ingest server's CPU profiles. */
export interface ProfileSummary {
  file: string;
  frames: HotFrame[];
  /** The flame graph drawn from it, relative to the repository root. */
  flameGraph?: string;
}

/** Everything one `npm run bench` wrote (bench-results/latest.json). */
export interface BenchRun {
  date: string;
  quick: boolean;
  /** Benchmarks measured in this run; rows of others come from earlier runs. */
  benches: number[];
  seconds: number;
  machine: Machine;
  figures: (Figure & { measuredAt?: string })[];
  profile: ProfileSummary[];
  details: Record<string, unknown>;
}

/**
 * The results file: indented JSON, with arrays of plain numbers (latency histograms, per-run
 * values) kept on one line, so a run's diff shows what changed rather than thousands of lines.
 */
export function resultsJson(run: unknown): string {
  const text = JSON.stringify(run, null, 2);
  return `${text.replace(/\[\n\s*(-?[\d.e+-]+(?:,\n\s*-?[\d.e+-]+)*)\n\s*\]/g, (_, items: string) => `[${items.split(/,\n\s*/).join(', ')}]`)}\n`;
}

/**
 * Summarizes the largest profile in `dir` (its top frames, and its flame graph written to
 * `flameGraph`, a path under `root`), then removes the raw files.
 */
export function summarizeProfiles(
  dir: string,
  flame?: { root: string; path: string; title: string },
): ProfileSummary[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size);
  const out = files.slice(0, 1).map((file): ProfileSummary => {
    const profile = readProfile(file);
    const summary: ProfileSummary = { file: basename(file), frames: topFrames(profile, 15) };
    if (flame) {
      writeFileSync(
        join(flame.root, flame.path),
        flameSvg(flameTree(profile), { title: flame.title }),
      );
      summary.flameGraph = flame.path;
    }
    return summary;
  });
  rmSync(dir, { recursive: true, force: true });
  return out;
}

/**
 * Keeps the rows of benchmarks this run did not measure from the previous results file, so
 * `--only 3,5` against a big seeded ledger updates those rows alone.
 */
export function mergeWithPrevious(file: string, run: BenchRun): BenchRun {
  const stamped = run.figures.map((f) => ({ ...f, measuredAt: run.date }));
  if (!existsSync(file)) return { ...run, figures: stamped };
  let previous: BenchRun;
  try {
    previous = JSON.parse(readFileSync(file, 'utf8')) as BenchRun;
  } catch {
    return { ...run, figures: stamped };
  }
  const ran = new Set(run.benches);
  const kept = previous.figures
    .filter((f) => !ran.has(f.bench))
    .map((f) => ({ ...f, measuredAt: f.measuredAt ?? previous.date }));
  const details = { ...previous.details, ...run.details };
  return {
    ...run,
    benches: [...new Set([...previous.benches, ...run.benches])].sort(),
    figures: [...kept, ...stamped].sort((a, b) => a.bench - b.bench),
    profile: run.profile.length > 0 ? run.profile : previous.profile,
    details,
  };
}

/** BENCHMARKS.md: how to run, the table, the machine, profiles, and the hand-written analysis. */
export function benchmarksMarkdown(run: BenchRun): string {
  const analysis = readFileSync(join(import.meta.dirname, 'analysis.md'), 'utf8').trim();
  const byDate = new Map<string, Set<number>>();
  for (const f of run.figures) {
    const at = f.measuredAt ?? run.date;
    byDate.set(at, (byDate.get(at) ?? new Set()).add(f.bench));
  }
  const when = [...byDate.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(
      ([at, benches]) =>
        `${[...benches].map((b) => `#${b}`).join(', ')} at ${at.replace('T', ' ').slice(0, 16)} UTC`,
    )
    .join('; ');
  const met = run.figures.filter((f) => f.met === true).length;
  const missed = run.figures.filter((f) => f.met === false);
  const parts = [
    '# Gemlight benchmarks',
    '',
    '<!-- Written by `npm run bench` (test/bench/run.ts); the analysis comes from test/bench/analysis.md. -->',
    '',
    `${run.quick ? '**Quick run** (small sizes: proves the suite works; the numbers are not the targets’ sizes). ' : ''}` +
      `Measured ${when}. Targets met: ${met}; missed: ${missed.length}` +
      `${missed.length > 0 ? ` (${[...new Set(missed.map((f) => f.bench))].map((b) => `#${b}`).join(', ')})` : ''}.`,
    '',
    '## How to run',
    '',
    '```sh',
    'npm run bench                  # everything, full size (seeds 10M gifts unless --ledger is given)',
    'npm run bench -- --quick       # everything at small size, ~2 minutes, no timing claims',
    'npm run seed -- --data-dir /tmp/g10m --gifts 10000000   # seed once, then:',
    'npm run bench -- --only 3,5 --ledger /tmp/g10m',
    'npm run bench -- --only 1 --profile                     # with a CPU profile of the ingest server',
    'npm run bench -- --only 1 --window 16000                # benchmark 1 with more events in flight',
    'npm run bench -- --report                               # rewrite this file from bench-results/latest.json',
    '```',
    '',
    '## Results',
    '',
    figuresTable(run.figures),
    '',
    'Ratios are value ÷ baseline measured in the same run. Latencies are client-side wall time.',
    '',
    '## Machine',
    '',
    machineText(run.machine),
    '',
  ];
  if (run.profile.length > 0) {
    parts.push('## Ingest server CPU profile', '');
    for (const p of run.profile) {
      if (p.flameGraph) {
        parts.push(
          `![Flame graph of the ingest server during benchmark 1](${p.flameGraph})`,
          '',
          `The server's main thread while the client ran (\`${p.flameGraph}\`; open it for each box's time). The functions with the most time of their own:`,
          '',
        );
      }
      parts.push('| self % | self ms | frame |', '|---|---|---|');
      for (const f of p.frames) {
        parts.push(
          `| ${(f.share * 100).toFixed(1)} | ${f.selfMs.toFixed(0)} | \`${cell(f.frame)}\` |`,
        );
      }
      parts.push('');
    }
  }
  parts.push(analysis, '');
  return parts.join('\n');
}
