import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import type { ClientJob, ClientReport } from './ingestClient';
import type { IngestTarget, TargetReady, TargetUsage } from './ingestServer';
import type { WriterOnlyJob, WriterOnlyReport } from './writerOnly';
import type { Figure } from './report';
import { serveNodeOptions } from '../support/server';
import { median, quantile, spread, type Spread } from './stats';

/** Benchmark 1: durable ingest throughput against a naive baseline and a bare-ws ceiling. */

const HERE = import.meta.dirname;

/** Sizes of one ingest benchmark run. */
export interface IngestPlan {
  runs: number;
  durationMs: number;
  /** Events prepared per client run (upper bound of what one run can send). */
  events: number;
  naiveEvents: number;
  /** Events the writer-only bound appends per run. */
  writerOnlyEvents: number;
  window: number;
  /** Write a CPU profile of each Gemlight server run into this folder. */
  profileDir?: string;
}

/** Raw results of benchmark 1. */
export interface IngestResult {
  plan: IngestPlan;
  eventsPerSecond: Record<IngestTarget, number[]>;
  /** Acked events per CPU-second of the server process: what one free core would sustain. */
  eventsPerCpuSecond: Record<IngestTarget, number[]>;
  frameLatencyMs: Record<IngestTarget, Spread>;
  errors: Record<IngestTarget, number>;
  /** CPU time of the client process per acked event (µs): its share of the machine. */
  clientCpuUsPerEvent: Record<IngestTarget, number[]>;
  /** The ledger writer alone on pre-parsed events: the storage bound (see writerOnly.ts). */
  writerOnly: { eventsPerSecond: number[]; eventsPerCpuSecond: number[]; batch: number };
}

/** Forks a TypeScript file of this folder with `npm run serve`'s node options. */
export function forkTs(file: string, args: string[], execArgv: string[] = []): ChildProcess {
  return fork(resolve(HERE, file), args, {
    // Every process runs with `npm run serve`'s node options, the measured server above all.
    execArgv: [...serveNodeOptions(), '--import', 'tsx', ...execArgv],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((res, rej) => {
    child.once('message', (m) => res(m as T));
    child.once('exit', (code) => rej(new Error(`child exited with ${code} before answering`)));
  });
}

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));

/**
 * Runs benchmark 1's client against a forked target server that speaks the ingestServer.ts
 * protocol ('go', 'stop', `TargetReady`, `TargetUsage`), then stops the server.
 */
export async function clientRun(
  server: ChildProcess,
  job: Omit<ClientJob, 'url' | 'token'>,
): Promise<ClientReport & { serverCpuMs: number }> {
  let stopped = false;
  try {
    const ready = await nextMessage<TargetReady>(server);
    const client = forkTs('ingestClient.ts', []);
    const full: ClientJob = { ...job, url: ready.url, token: ready.token };
    client.send(full);
    // The client builds its frames first; the server's CPU time (and profile) starts after that.
    await nextMessage<'prepared'>(client);
    server.send('go');
    client.send('start');
    const report = await nextMessage<ClientReport>(client);
    await exited(client);
    const usage = nextMessage<TargetUsage>(server);
    server.send('stop');
    stopped = true;
    const { cpuMs } = await usage;
    await exited(server);
    return { ...report, serverCpuMs: cpuMs };
  } finally {
    if (!stopped) server.send('stop');
    await exited(server);
  }
}

function oneRun(
  target: IngestTarget,
  plan: IngestPlan,
  seed: number,
): Promise<ClientReport & { serverCpuMs: number }> {
  const profile = plan.profileDir && target === 'gemlight' ? [plan.profileDir] : [];
  return clientRun(forkTs('ingestServer.ts', [target, ...profile]), {
    events: target === 'naive' ? plan.naiveEvents : plan.events,
    durationMs: plan.durationMs,
    window: plan.window,
    seed,
  });
}

async function writerOnlyRun(
  events: number,
  batch: number,
  seed: number,
): Promise<WriterOnlyReport> {
  const child = forkTs('writerOnly.ts', []);
  const job: WriterOnlyJob = { events, batch, seed };
  child.send(job);
  const report = await nextMessage<WriterOnlyReport>(child);
  await exited(child);
  return report;
}

/** Runs every target `plan.runs` times, interleaved so drifts in machine load hit all alike. */
export async function runIngest(
  plan: IngestPlan,
  log: (line: string) => void,
): Promise<IngestResult> {
  const targets: IngestTarget[] = ['ceiling', 'gemlight', 'naive'];
  const rates: Record<IngestTarget, number[]> = { gemlight: [], naive: [], ceiling: [] };
  const lat: Record<IngestTarget, number[]> = { gemlight: [], naive: [], ceiling: [] };
  const errors: Record<IngestTarget, number> = { gemlight: 0, naive: 0, ceiling: 0 };
  const perCpu: Record<IngestTarget, number[]> = { gemlight: [], naive: [], ceiling: [] };
  const clientCpu: Record<IngestTarget, number[]> = { gemlight: [], naive: [], ceiling: [] };
  const writerOnly = {
    eventsPerSecond: [] as number[],
    eventsPerCpuSecond: [] as number[],
    // The pipeline's batches cannot outgrow what the client keeps in flight.
    batch: Math.min(plan.window, 5_000),
  };
  for (let run = 0; run < plan.runs; run++) {
    for (const target of targets) {
      const report = await oneRun(target, plan, run + 1);
      rates[target].push(report.eventsPerSecond);
      lat[target].push(...report.frameLatencies);
      errors[target] += report.errors;
      perCpu[target].push((report.acked / report.serverCpuMs) * 1000);
      clientCpu[target].push((report.cpuMs * 1000) / Math.max(1, report.acked));
      log(
        `  ingest run ${run + 1}/${plan.runs} ${target}: ${Math.round(report.eventsPerSecond).toLocaleString('en-US')} events/s ` +
          `(${report.acked} acked in ${Math.round(report.elapsedMs)} ms, server CPU ${Math.round(report.serverCpuMs)} ms${report.errors ? `, ${report.errors} errors: ${report.firstError}` : ''})`,
      );
    }
    const w = await writerOnlyRun(plan.writerOnlyEvents, writerOnly.batch, run + 1);
    writerOnly.eventsPerSecond.push((w.events / w.elapsedMs) * 1000);
    writerOnly.eventsPerCpuSecond.push((w.events / w.cpuMs) * 1000);
    log(
      `  ingest run ${run + 1}/${plan.runs} writer alone: ${Math.round((w.events / w.elapsedMs) * 1000).toLocaleString('en-US')} events/s ` +
        `(${w.events} events in ${Math.round(w.elapsedMs)} ms, CPU ${Math.round(w.cpuMs)} ms)`,
    );
  }
  return {
    clientCpuUsPerEvent: clientCpu,
    writerOnly,
    plan,
    eventsPerSecond: rates,
    eventsPerCpuSecond: perCpu,
    frameLatencyMs: {
      gemlight: spread(lat.gemlight),
      naive: spread(lat.naive),
      ceiling: spread(lat.ceiling),
    },
    errors,
  };
}

/** The table rows of benchmark 1. */
export function ingestFigures(r: IngestResult): Figure[] {
  const g = median(r.eventsPerSecond.gemlight);
  const n = median(r.eventsPerSecond.naive);
  const c = median(r.eventsPerSecond.ceiling);
  const runs = `median of ${r.plan.runs} runs`;
  return [
    {
      bench: 1,
      figure: `durable ingest, events/s acked (${runs}; worst run ${Math.round(quantile(r.eventsPerSecond.gemlight, 0))})`,
      value: g,
      unit: 'events/s',
      target: '≥ 100,000 events/s',
      met: g >= 100_000 && r.errors.gemlight === 0,
    },
    {
      bench: 1,
      figure: 'durable ingest vs naive (one transaction per event)',
      value: g,
      unit: 'events/s',
      baseline: { label: 'naive', value: n, unit: 'events/s' },
      ratio: g / n,
      target: '≥ 15× naive',
      met: g / n >= 15,
    },
    {
      bench: 1,
      figure: 'durable ingest vs ceiling (bare ws, JSON parse + ack)',
      value: g,
      unit: 'events/s',
      baseline: { label: 'ceiling', value: c, unit: 'events/s' },
      ratio: g / c,
      target: '≥ 0.5× ceiling',
      met: g / c >= 0.5,
    },
    {
      bench: 1,
      figure:
        'durable ingest per server CPU-second (acked ÷ server process CPU time: the rate one free core would sustain)',
      value: median(r.eventsPerCpuSecond.gemlight),
      unit: 'events/CPU-s',
      baseline: {
        label: 'naive',
        value: median(r.eventsPerCpuSecond.naive),
        unit: `events/CPU-s (ceiling ${Math.round(median(r.eventsPerCpuSecond.ceiling)).toLocaleString('en-US')})`,
      },
      // Against the ceiling: what share of the bare server's efficiency the durable path keeps.
      ratio: median(r.eventsPerCpuSecond.gemlight) / median(r.eventsPerCpuSecond.ceiling),
      target: '≥ 100,000 (context for the wall-clock rows)',
      met: null,
    },
    {
      bench: 1,
      figure: `storage bound: the ledger writer alone, same traffic already parsed, one thread, commits of ${r.writerOnly.batch.toLocaleString('en-US')} (median of ${r.writerOnly.eventsPerSecond.length})`,
      value: median(r.writerOnly.eventsPerSecond),
      unit: 'events/s',
      baseline: { label: 'durable ingest', value: g, unit: 'events/s' },
      ratio: g / median(r.writerOnly.eventsPerSecond),
      target: 'context: no single-writer server exceeds it',
      met: null,
    },
    {
      bench: 1,
      figure:
        'ingest client CPU per acked event (the sending process shares the 2 cores with the server)',
      value: median(r.clientCpuUsPerEvent.gemlight),
      unit: 'µs/event',
      baseline: {
        label: 'against the ceiling server',
        value: median(r.clientCpuUsPerEvent.ceiling),
        unit: 'µs/event',
      },
      target: 'context',
      met: null,
    },
    {
      bench: 1,
      figure: `ingest frame ack latency p50 / p99 (window ${r.plan.window} events)`,
      value: r.frameLatencyMs.gemlight.p99,
      unit: 'ms p99',
      baseline: { label: 'p50', value: r.frameLatencyMs.gemlight.p50, unit: 'ms' },
      target: 'informational',
      met: null,
    },
  ];
}
