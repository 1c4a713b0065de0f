import type { CDPSession } from 'playwright-core';
import { HEAP_SETTLE_MS } from '../bench/overlayCost';
import { heapKind, takeHeapSnapshot, type Heap } from './heapSnapshot';
import { openMeasuredOverlay, sendStorm, settledHeapBytes } from './overlayStorm';

/**
 * Finds what the overlay page keeps after an alert storm: CDP heap snapshots before and after
 * benchmark 4's storm (same gifts, same rate), diffed by object id (ids are stable within one
 * page), grouped by node type and constructor, with one retainer path per big group.
 *
 *   [JS_FLAGS=…] npx tsx test/overlay/heapDiff.ts [alerts=2000] [rate=100] [idle ms after each storm=HEAP_SETTLE_MS]
 */

const usedHeap = settledHeapBytes;

/**
 * The same reading after a critical memory-pressure notification: V8 then runs its last-resort GC,
 * which also flushes compiled code and bytecode of functions not running, so what it frees is V8's
 * code cache, not state the page keeps.
 */
async function usedHeapUnderPressure(cdp: CDPSession): Promise<number> {
  await cdp.send('Memory.simulatePressureNotification', { level: 'critical' });
  return usedHeap(cdp);
}

function diff(before: Heap, after: Heap, label: string): void {
  const groups = new Map<string, { size: number; count: number; sample: number }>();
  for (const n of after.nodes) {
    if (before.byId.has(n.id)) continue;
    const key = `${n.type} ${n.type === 'string' || n.type === 'concatenated string' ? '' : n.name.slice(0, 60)}`;
    const g = groups.get(key) ?? { size: 0, count: 0, sample: n.index };
    g.size += n.selfSize;
    g.count++;
    groups.set(key, g);
  }
  const freed = new Map<string, number>();
  for (const n of before.nodes) {
    if (after.byId.has(n.id)) continue;
    freed.set(n.type, (freed.get(n.type) ?? 0) + n.selfSize);
  }
  const rows = [...groups.entries()].sort((a, b) => b[1].size - a[1].size);
  const total = rows.reduce((s, [, g]) => s + g.size, 0);
  console.log(
    `\n== ${label}: new objects ${(total / 1024).toFixed(1)} KiB; freed by type:`,
    Object.fromEntries([...freed].map(([t, s]) => [t, Math.round(s / 1024)])),
  );
  const byType = new Map<string, number>();
  for (const [key, g] of rows)
    byType.set(key.split(' ')[0] ?? '', (byType.get(key.split(' ')[0] ?? '') ?? 0) + g.size);
  console.log(
    'new KiB by node type:',
    Object.fromEntries([...byType].map(([t, s]) => [t, Math.round(s / 1024)])),
  );
  const kinds = new Map<string, number>();
  const owners = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const n of after.nodes) {
    if (before.byId.has(n.id)) continue;
    const kind = heapKind(n);
    kinds.set(kind, (kinds.get(kind) ?? 0) + n.selfSize);
    if (n.type === 'code') {
      const fn = after.functionOf(n.index) ?? '(not tied to one function)';
      functions.set(fn, (functions.get(fn) ?? 0) + n.selfSize);
    }
    if (kind !== 'JS values') continue;
    owners.set(after.owner(n.index), (owners.get(after.owner(n.index)) ?? 0) + n.selfSize);
  }
  console.log(
    'new KiB by kind:',
    Object.fromEntries([...kinds].map(([t, v]) => [t, Math.round(v / 1024)])),
  );
  console.log('new JS values by holder (KiB):');
  for (const [owner, size] of [...owners].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    console.log(`${(size / 1024).toFixed(1).padStart(8)}  ${owner}`);
  }
  const scripts = new Map<string, number>();
  for (const [fn, size] of functions) {
    const script = /@(script#\d+)/.exec(fn)?.[1] ?? '(no position)';
    scripts.set(script, (scripts.get(script) ?? 0) + size);
  }
  console.log(
    'new compiled code/feedback by script (KiB):',
    Object.fromEntries([...scripts].map(([k, v]) => [k, Math.round(v / 1024)])),
  );
  const fnRows = [...functions].sort((a, b) => b[1] - a[1]);
  console.log(
    `new compiled code/feedback by function (${fnRows.length} functions, KiB):`,
    fnRows
      .slice(0, 40)
      .map(([fn, size]) => `${fn} ${(size / 1024).toFixed(1)}`)
      .join(', '),
  );
  for (const [key, g] of rows.slice(0, 30)) {
    console.log(
      `${(g.size / 1024).toFixed(1).padStart(8)} KiB ${String(g.count).padStart(6)}×  ${key}`,
    );
    if (g.size > 8 * 1024) console.log(`           e.g. ${after.path(g.sample)}`);
  }
}

async function main(): Promise<void> {
  const alerts = Number(process.argv[2] ?? 2000);
  const rate = Number(process.argv[3] ?? 100);
  // JS_FLAGS is for diagnosis only, e.g. "--stress-flush-code --flush-baseline-code" shows what
  // is left once V8 has flushed every function's code it is allowed to.
  const { serve, page, cdp, close } = await openMeasuredOverlay(console.log, process.env.JS_FLAGS);
  try {
    await page.waitForTimeout(2_000);
    const mib = (b: number): string => (b / 2 ** 20).toFixed(3);
    const idleMs = Number(process.argv[4] ?? HEAP_SETTLE_MS);
    const h0 = await usedHeap(cdp);
    const s0 = await takeHeapSnapshot(cdp);
    await sendStorm(cdp, serve, 1, { alerts, rate });
    const h1 = await usedHeap(cdp);
    const s1 = await takeHeapSnapshot(cdp);
    // Longer than the scheduler's key window plus one heartbeat, so remembered keys age out.
    await page.waitForTimeout(idleMs);
    const h2 = await usedHeap(cdp);
    const s2 = await takeHeapSnapshot(cdp);
    const p2 = await usedHeapUnderPressure(cdp);
    await sendStorm(cdp, serve, 2, { alerts, rate });
    await page.waitForTimeout(idleMs);
    const h3 = await usedHeap(cdp);
    const s3 = await takeHeapSnapshot(cdp);
    const ratio = (b: number): string => `${mib(b)} MiB (${(b / h0).toFixed(3)}×)`;
    console.log(`JSHeapUsedSize after forced GC: before the storm ${mib(h0)} MiB`);
    console.log(`  right after storm 1 (cards gone): ${ratio(h1)}`);
    console.log(
      `  after ${idleMs} ms idle: ${ratio(h2)}; then critical memory pressure: ${ratio(p2)}`,
    );
    console.log(`  after storm 2 and ${idleMs} ms idle: ${ratio(h3)}`);
    diff(s0, s1, 'before → right after storm 1');
    diff(s0, s2, `before → storm 1 + ${idleMs} ms idle`);
    diff(s2, s3, `storm 1 + idle → storm 2 + idle`);
  } finally {
    await close();
  }
}

await main();
