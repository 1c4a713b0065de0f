import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import Database from 'better-sqlite3';
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
