/**
 * Where the durable ingest's time goes inside the ledger writer: every prepared statement of a
 * `LedgerWriter` is wrapped with a timer, then gift traffic is appended in 2,000-record
 * transactions as the pipeline does. Prints µs per call and calls per gift, costliest first.
 * Run: npx tsx test/bench/writerBreakdown.ts [gifts]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Statement } from 'better-sqlite3';
import { bundledCatalog } from '../../shared/catalog';
import { normalizeEvent } from '../../shared/normalize';
import { openLedger } from '../../electron/services/ledger/db';
import { GiftTraffic } from './traffic';
import { writerFromStoredSettings } from '../../electron/services/ledger/storedWriter';

/** Time spent in one statement. */
export interface StatementCost {
  name: string;
  calls: number;
  totalMs: number;
}

type Timed = { ms: number; calls: number };

function wrap(name: string, st: Statement, costs: Map<string, Timed>): void {
  const cost: Timed = { ms: 0, calls: 0 };
  costs.set(name, cost);
  for (const method of ['run', 'get', 'all'] as const) {
    // Bound now, before the method is replaced below.
    const original = st[method].bind(st);
    (st as unknown as Record<string, unknown>)[method] = (...args: unknown[]): unknown => {
      const t = performance.now();
      try {
        return original(...args);
      } finally {
        cost.ms += performance.now() - t;
        cost.calls++;
      }
    };
  }
}

/** Appends `gifts` gifts through a timed writer; returns the cost of each statement. */
export function writerBreakdown(gifts: number): { perGiftUs: number; costs: StatementCost[] } {
  const dir = mkdtempSync(join(tmpdir(), 'gemlight-bench-writer-'));
  try {
    const db = openLedger(join(dir, 'gemlight.db'));
    const { writer } = writerFromStoredSettings(db);
    const costs = new Map<string, Timed>();
    const statements = (writer as unknown as { st: Record<string, unknown> }).st;
    for (const [name, value] of Object.entries(statements)) {
      if (value && typeof value === 'object' && 'run' in value)
        wrap(name, value as Statement, costs);
      else if (value && typeof value === 'object') {
        for (const [sub, inner] of Object.entries(value as Record<string, Statement>)) {
          wrap(`${name}.${sub}`, inner, costs);
        }
      }
    }
    const traffic = new GiftTraffic(7, 'wb', true);
    const events = Array.from({ length: gifts }, (_, i) => {
      const raw = traffic.next(Date.now() + i);
      const r = normalizeEvent(raw, {
        now: Date.now(),
        catalog: bundledCatalog,
        origin: 'live',
        makeId: () => `wb-x${i}`,
      });
      if (!r.ok || r.value.kind !== 'event') throw new Error('traffic refused');
      return { event: r.value.event, raw: JSON.stringify(raw) };
    });
    const began = performance.now();
    for (let i = 0; i < events.length; i += 2_000) {
      db.transaction(() => {
        for (const { event, raw } of events.slice(i, i + 2_000)) {
          writer.append(event, { source: 'push', receivedAt: Date.now(), raw });
        }
      })();
    }
    const totalMs = performance.now() - began;
    db.close();
    return {
      perGiftUs: (totalMs / gifts) * 1000,
      costs: [...costs.entries()]
        .filter(([, c]) => c.calls > 0)
        .map(([name, c]) => ({ name, calls: c.calls, totalMs: c.ms }))
        .sort((a, b) => b.totalMs - a.totalMs),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith('writerBreakdown.ts')) {
  const gifts = Number(process.argv[2] ?? 20_000);
  const { perGiftUs, costs } = writerBreakdown(gifts);
  process.stdout.write(`${perGiftUs.toFixed(1)} µs per gift in the writer (wall, with timers)\n`);
  for (const c of costs) {
    process.stdout.write(
      `${c.name.padEnd(22)} ${((c.totalMs / gifts) * 1000).toFixed(1).padStart(6)} µs/gift  ${(c.calls / gifts).toFixed(2)} calls/gift  ${((c.totalMs / c.calls) * 1000).toFixed(1)} µs/call\n`,
    );
  }
}
