import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import Database from 'better-sqlite3';
import { ledgerBytes, SEED_REPORT, seedLedger, type SeedResult } from '../../scripts/seed';
import { serveNodeOptions, spawnServeProcess, type ServeProcess } from '../support/server';
import { buildServe } from './builtServe';
import { FIRST_LOAD, timeDashboardViews } from './dashboardViews';
import type { Figure } from './report';
import { spread, type Spread } from './stats';

/**
 * Benchmarks 3 and 5: a seeded multi-year ledger served by `npm run serve` (its entry run by
 * node directly, so the child is the server itself); every dashboard API call timed over HTTP,
 * the dashboard itself loaded and its views opened in Chromium (dashboardViews.ts), start-up timed
 * against an empty ledger, and the server's resident memory sampled throughout.
 */

/** Sizes of the history benchmark. */
export interface HistoryPlan {
  /** Gifts to seed when no ledger is given. */
  gifts: number;
  /** A folder holding an already seeded ledger (gemlight.db). */
  ledgerDir?: string;
  /** Calls per API call kind. */
  repeats: number;
  /** Start-ups per ledger (empty and seeded). */
  starts: number;
}

/** Raw results of benchmarks 3 and 5. */
export interface HistoryResult {
  gifts: number;
  sessions: number;
  seedMs: number | null;
  bytes: number;
  startMs: { empty: number[]; seeded: number[] };
  calls: Record<string, Spread>;
  /** Dashboard views in Chromium: route change → first frame with the view's data (ms). */
  views: Record<string, Spread>;
  rssMaxMiB: number;
  rssPeakMiB: number;
  rssIdleMiB: number;
  /** The same server bundled to plain JavaScript (no tsx loader). */
  builtRssMaxMiB: number;
  builtRssPeakMiB: number;
}

const DAY = 86_400_000;

/** Resident memory of a process in MiB: current (VmRSS) and peak (VmHWM). */
function rssOf(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key: string): number =>
    Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kib('VmRSS') / 1024, hwm: kib('VmHWM') / 1024 };
}

async function timedStart(dataDir: string): Promise<{ ms: number; serve: ServeProcess }> {
  const began = performance.now();
  const serve = await spawnServeProcess({
    dataDir,
    via: 'node',
    env: { GEMLIGHT_SKIP_WEB_BUILD: '1' },
    timeoutMs: 120_000,
  });
  return { ms: performance.now() - began, serve };
}

interface LedgerFacts {
  gifts: number;
  sessionIds: number[];
  first: number;
  last: number;
  topUser: string;
  tailUser: string;
}

function factsOf(dir: string): LedgerFacts {
  const db = new Database(join(dir, 'gemlight.db'), { readonly: true });
  try {
    const gifts = (
      db.prepare("SELECT count(*) AS n FROM raw_events WHERE kind = 'gift'").get() as { n: number }
    ).n;
    const sessions = db
      .prepare('SELECT id, started_at FROM sessions WHERE simulated = 0 ORDER BY started_at')
      .all() as {
      id: number;
      started_at: number;
    }[];
    const top = db.prepare('SELECT user_id FROM all_gifters ORDER BY coins DESC LIMIT 1').get() as
      { user_id: string } | undefined;
    const tail = db.prepare('SELECT user_id FROM all_gifters ORDER BY coins ASC LIMIT 1').get() as
      { user_id: string } | undefined;
    return {
      gifts,
      sessionIds: sessions.map((s) => s.id),
      first: sessions[0]?.started_at ?? Date.now() - DAY,
      last: sessions.at(-1)?.started_at ?? Date.now(),
      topUser: top?.user_id ?? '0',
      tailUser: tail?.user_id ?? '0',
    };
  } finally {
    db.close();
  }
}

const monthStart = (t: number): number => {
  const d = new Date(t);
  return new Date(d.getFullYear(), d.getMonth(), 1).getTime();
};
const nextMonth = (t: number): number => {
  const d = new Date(t);
  return new Date(d.getFullYear(), d.getMonth() + 1, 1).getTime();
};

/** Every dashboard call, each giving a fresh path per repetition (different pages, sessions, months). */
function callKinds(f: LedgerFacts): Record<string, (i: number) => string> {
  const span = Math.max(1, f.last - f.first);
  const at = (i: number): number => f.first + Math.floor((((i * 7919) % 1000) / 1000) * span);
  const total = f.sessionIds.length;
  const pick = (i: number): number => f.sessionIds[(i * 7919) % Math.max(1, total)] ?? 1;
  return {
    'sessions page 1': () => '/api/sessions?limit=50',
    'sessions deep page': (i) =>
      `/api/sessions?limit=50&cursor=${Math.max(0, total - 50 - (i % 5) * 50)}`,
    'sessions by coins': () => '/api/sessions?limit=50&sort=coins',
    'sessions of a month': (i) =>
      `/api/sessions?limit=50&from=${monthStart(at(i))}&to=${nextMonth(at(i))}`,
    'session detail': (i) => `/api/sessions/${pick(i)}`,
    'top gifters all time': () => '/api/gifters?period=all&limit=100',
    'top gifters of a month': (i) => `/api/gifters?period=month&at=${at(i)}&limit=100`,
    'top gifters of a week': (i) => `/api/gifters?period=week&at=${at(i)}&limit=100`,
    'top gifters of a day': (i) => `/api/gifters?period=day&at=${at(i)}&limit=100`,
    'gifter profile (top fan)': () => `/api/gifters/${encodeURIComponent(f.topUser)}`,
    'gifter profile (one-off)': () => `/api/gifters/${encodeURIComponent(f.tailUser)}`,
    'monthly earnings summary': (i) =>
      `/api/summary?from=${monthStart(at(i))}&to=${nextMonth(at(i))}`,
    'summary of one year': (i) => `/api/summary?from=${at(i)}&to=${at(i) + 365 * DAY}`,
    'summary of all 5 years (range)': () => `/api/summary?from=${f.first - DAY}&to=${f.last + DAY}`,
    'summary all time (no range)': () => '/api/summary',
    'payout status': () => '/api/payout',
    'live snapshot': () => '/api/live',
  };
}

interface Measured {
  calls: Record<string, Spread>;
  rssMax: number;
  hwm: number;
  idle: number;
}

/** Times every call kind against a running server while sampling its resident memory. */
async function measureCalls(
  serve: { child: ChildProcess; baseUrl: string; token: string; stop(): Promise<unknown> },
  facts: LedgerFacts,
  plan: HistoryPlan,
): Promise<Measured> {
  const pid = serve.child.pid ?? 0;
  let rssMax = 0;
  const sampler = setInterval(() => {
    rssMax = Math.max(rssMax, rssOf(pid).rss);
  }, 50);
  try {
    const kinds = callKinds(facts);
    const samples: Record<string, number[]> = {};
    for (const name of Object.keys(kinds)) samples[name] = [];
    const headers = { Authorization: `Bearer ${serve.token}` };
    // Interleave the kinds so no call is measured only while the page cache is cold or hot.
    for (let i = 0; i < plan.repeats; i++) {
      for (const [name, path] of Object.entries(kinds)) {
        const url = `${serve.baseUrl}${path(i)}`;
        const began = performance.now();
        const res = await fetch(url, { headers });
        await res.arrayBuffer();
        const ms = performance.now() - began;
        if (!res.ok) throw new Error(`${name}: HTTP ${res.status} for ${url}`);
        // The first round warms SQLite's page cache and V8; it is not counted.
        if (i > 0 || plan.repeats === 1) samples[name]?.push(ms);
      }
    }
    clearInterval(sampler);
    await new Promise((r) => setTimeout(r, 500));
    const idle = rssOf(pid);
    const calls: Record<string, Spread> = {};
    for (const [name, list] of Object.entries(samples)) calls[name] = spread(list);
    return { calls, rssMax: Math.max(rssMax, idle.rss), hwm: idle.hwm, idle: idle.rss };
  } finally {
    clearInterval(sampler);
    await serve.stop();
  }
}

/** Starts the bundled server (see builtServe.ts) on the ledger and reads its start-up lines. */
async function spawnBuiltServe(
  dataDir: string,
): Promise<{ child: ChildProcess; baseUrl: string; token: string; stop(): Promise<unknown> }> {
  const entry = await buildServe();
  const child = spawn(
    process.execPath,
    [...serveNodeOptions(), entry, '--port', '0', '--data-dir', dataDir],
    {
      env: { ...process.env, GEMLIGHT_SKIP_WEB_BUILD: '1' },
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const dashboard = await new Promise<string>((res, rej) => {
    const timer = setTimeout(() => rej(new Error('the built server did not start')), 120_000);
    if (!child.stdout) return rej(new Error('no stdout'));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const m = /^dashboard (\S+)/.exec(line);
      if (m?.[1]) {
        clearTimeout(timer);
        res(m[1]);
      }
    });
    void exited.then(() => rej(new Error('the built server exited before starting')));
  });
  const url = new URL(dashboard);
  return {
    child,
    baseUrl: url.origin,
    token: url.searchParams.get('token') ?? '',
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

/** Runs benchmarks 3 and 5. */
export async function runHistory(
  plan: HistoryPlan,
  log: (line: string) => void,
): Promise<HistoryResult> {
  let dir = plan.ledgerDir;
  let seedMs: number | null = null;
  const temps: string[] = [];
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'gemlight-bench-history-'));
    temps.push(dir);
    log(`  seeding ${plan.gifts.toLocaleString('en-US')} gifts…`);
    const seeded = seedLedger({ dataDir: dir, gifts: plan.gifts });
    seedMs = seeded.ms;
    log(`  seeded in ${(seeded.ms / 1000).toFixed(1)} s`);
  }
  if (seedMs === null && existsSync(join(dir, SEED_REPORT))) {
    seedMs = (JSON.parse(readFileSync(join(dir, SEED_REPORT), 'utf8')) as SeedResult).ms;
  }
  const facts = factsOf(dir);
  const bytes = ledgerBytes(dir);
  const empty = mkdtempSync(join(tmpdir(), 'gemlight-bench-empty-'));
  temps.push(empty);
  const startMs = { empty: [] as number[], seeded: [] as number[] };
  try {
    for (let i = 0; i < plan.starts; i++) {
      const e = await timedStart(empty);
      startMs.empty.push(e.ms);
      await e.serve.stop();
      const s = await timedStart(dir);
      startMs.seeded.push(s.ms);
      await s.serve.stop();
    }
    log(
      `  start-up: empty ${startMs.empty.map(Math.round).join(', ')} ms; seeded ${startMs.seeded.map(Math.round).join(', ')} ms`,
    );
    const served = await measureCalls(await timedStart(dir).then((s) => s.serve), facts, plan);
    // The same calls against the server bundled to plain JavaScript (no tsx loader), as the
    // packaged app runs it: the memory figure without the development loader.
    const built = await measureCalls(await spawnBuiltServe(dir), facts, plan);
    log(
      `  RSS: npm run serve (tsx) ${served.rssMax.toFixed(0)} MiB; built bundle ${built.rssMax.toFixed(0)} MiB`,
    );
    // The dashboard itself on the same ledger, on a server of its own (the memory figures above
    // stay those of the API calls alone).
    const forViews = (await timedStart(dir)).serve;
    let views: Record<string, Spread>;
    try {
      views = await timeDashboardViews(forViews, facts, Math.min(plan.repeats, 21), log);
    } finally {
      await forViews.stop();
    }
    log(
      `  dashboard views p50: ${Object.entries(views)
        .map(([name, v]) => `${name} ${v.p50.toFixed(0)} ms`)
        .join(', ')}`,
    );
    return {
      gifts: facts.gifts,
      sessions: facts.sessionIds.length,
      seedMs,
      bytes,
      startMs,
      calls: served.calls,
      views,
      rssMaxMiB: served.rssMax,
      rssPeakMiB: served.hwm,
      rssIdleMiB: served.idle,
      builtRssMaxMiB: built.rssMax,
      builtRssPeakMiB: built.hwm,
    };
  } finally {
    for (const t of temps) rmSync(t, { recursive: true, force: true });
  }
}

/** The table rows of benchmarks 3 and 5. */
export function historyFigures(r: HistoryResult): Figure[] {
  const size = `${r.gifts.toLocaleString('en-US')} gifts, ${r.sessions} sessions`;
  const out: Figure[] = [];
  for (const [name, s] of Object.entries(r.calls)) {
    out.push({
      bench: 3,
      figure: `API ${name} (p95 of ${s.n}; ${size})`,
      value: s.p95,
      unit: 'ms',
      baseline: { label: 'p50', value: s.p50, unit: 'ms' },
      target: '≤ 50 ms p95',
      met: s.p95 <= 50,
    });
  }
  for (const [name, v] of Object.entries(r.views)) {
    out.push({
      bench: 3,
      figure:
        name === FIRST_LOAD
          ? `dashboard ${name} in Chromium: navigation → first frame with the session's numbers (p95 of ${v.n}; ${size})`
          : `dashboard ${name} in Chromium: route change → first frame with its data (p95 of ${v.n}; ${size})`,
      value: v.p95,
      unit: 'ms',
      baseline: { label: 'p50', value: v.p50, unit: 'ms' },
      target: 'informational (what a creator waits for; the API rows above are its calls)',
      met: null,
    });
  }
  const median = (xs: number[]): number =>
    [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] ?? Number.NaN;
  const seeded = median(r.startMs.seeded);
  const empty = median(r.startMs.empty);
  out.push({
    bench: 3,
    figure: `serve start-up to listening, seeded ledger (median of ${r.startMs.seeded.length}; spawn → ready lines, includes node + tsx start)`,
    value: seeded,
    unit: 'ms',
    baseline: { label: 'empty ledger', value: empty, unit: 'ms' },
    ratio: seeded / empty,
    target: '≤ 2,000 ms',
    met: seeded <= 2_000,
  });
  out.push({
    bench: 3,
    figure: `ledger size on disk per gift (${(r.bytes / 2 ** 20).toFixed(0)} MiB)`,
    value: r.bytes / r.gifts,
    unit: 'bytes/gift',
    target: 'report',
    met: null,
  });
  if (r.seedMs !== null) {
    out.push({
      bench: 3,
      figure: `seeding ${r.gifts.toLocaleString('en-US')} gifts (${(r.seedMs / 1000).toFixed(0)} s)`,
      value: (r.gifts / r.seedMs) * 1000,
      unit: 'gifts/s',
      target: 'minutes, not hours, for 10M',
      met: null,
    });
  }
  out.push({
    bench: 5,
    figure: 'serve RSS while the API calls run (max of 50 ms samples)',
    value: r.rssMaxMiB,
    unit: 'MiB',
    baseline: { label: 'peak (VmHWM, incl. start-up)', value: r.rssPeakMiB, unit: 'MiB' },
    target: '≤ 150 MB',
    met: r.rssMaxMiB <= 150 / 1.048576,
  });
  out.push({
    bench: 5,
    figure:
      'same, server bundled to plain JavaScript (node, no tsx loader: as the packaged app runs)',
    value: r.builtRssMaxMiB,
    unit: 'MiB',
    baseline: { label: 'npm run serve (tsx)', value: r.rssMaxMiB, unit: 'MiB' },
    ratio: r.builtRssMaxMiB / r.rssMaxMiB,
    target: '≤ 150 MB (context)',
    met: null,
  });
  return out;
}
