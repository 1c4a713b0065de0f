import { openMeasuredOverlay, pageValue, sendStorm, settledHeapBytes } from './overlayStorm';

/**
 * Does V8 give back the code it compiled for a storm once the page has been idle long enough?
 * V8 flushes the bytecode (and with it the optimised code and feedback) of a function unused for
 * `--bytecode-old-time` seconds (180 in Chromium 156), but only an ordinary major GC ages
 * functions: forced GCs (CDP `HeapProfiler.collectGarbage`, which every heap reading uses) keep
 * ages unchanged, and an idle page allocates too little to run ordinary ones. So each phase here
 * brings on an ordinary GC (by allocating garbage in the page; GC_BY=pressure uses a critical
 * memory-pressure signal instead), waits `agingMs` with no forced GC, brings on another, and only
 * then reads the heap: the same procedure before and after the storm.
 *
 *   npx tsx test/overlay/heapOverTime.ts [agingMs=190000]
 *   JS_FLAGS="--bytecode-old-time=30 --flush-baseline-code" npx tsx test/overlay/heapOverTime.ts 40000
 *
 * JS_FLAGS is for diagnosis only (what would change under other V8 settings); the benchmark
 * never sets V8 flags.
 */

const agingMs = Number(process.argv[2] ?? 190_000);
const { serve, page, cdp, close } = await openMeasuredOverlay(console.log, process.env.JS_FLAGS);
const t0 = performance.now();
try {
  await page.waitForTimeout(2_000);
  const h0 = await settledHeapBytes(cdp);
  const log = (label: string, bytes: number): void => {
    const at = ((performance.now() - t0) / 1000).toFixed(0).padStart(4);
    const mib = (bytes / 2 ** 20).toFixed(3);
    console.log(`${at} s  ${label.padEnd(34)} ${mib} MiB  ${(bytes / h0).toFixed(3)}×`);
  };
  // An ordinary (not forced) major GC, brought on the way a busy page brings one on: by
  // allocating. 64 MiB of short-lived arrays push the old generation past its limit; they are
  // garbage as soon as the expression returns, and the forced GCs of the reading collect them.
  const ordinaryGc = async (): Promise<void> => {
    const mode = process.env.GC_BY ?? 'allocation';
    if (mode === 'pressure') {
      await cdp.send('Memory.simulatePressureNotification', { level: 'critical' });
      return;
    }
    await pageValue(
      cdp,
      '(() => { const keep = []; for (let i = 0; i < 64; i++) keep.push(new Array(131072).fill(i)); return keep.length; })()',
    );
  };
  const age = async (): Promise<number> => {
    await ordinaryGc();
    await page.waitForTimeout(agingMs);
    await ordinaryGc();
    return settledHeapBytes(cdp);
  };
  log('before, 2 s after load', h0);
  const before = await age();
  log(`before, aged ${agingMs / 1000} s`, before);
  await sendStorm(cdp, serve, 1, { alerts: 2000, rate: 100 });
  log('storm 1 drained', await settledHeapBytes(cdp));
  log(`after storm 1, aged ${agingMs / 1000} s`, await age());
  await sendStorm(cdp, serve, 2, { alerts: 2000, rate: 100 });
  log(`after storm 2, aged ${agingMs / 1000} s`, await age());
} finally {
  await close();
}
