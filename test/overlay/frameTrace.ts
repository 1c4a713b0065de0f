import { openMeasuredOverlay, sendStorm } from './overlayStorm';

/**
 * Where the overlay's main thread spends a storm: a Chromium trace (CDP Tracing) of the alerts
 * page while 1,000 alerts arrive at 100/s, summed by trace event on the renderer's main thread
 * (events nest, so a parent's time includes its children's). BENCHMARKS.md §2 reads it.
 *
 *   npx tsx test/overlay/frameTrace.ts [alerts=1000] [top=30]
 */

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  dur?: number;
  args?: { name?: string };
}

const alerts = Number(process.argv[2] ?? 1000);
const top = Number(process.argv[3] ?? 30);
const { serve, cdp, close } = await openMeasuredOverlay(console.log);
const events: TraceEvent[] = [];
cdp.on('Tracing.dataCollected', (e) => {
  for (const v of e.value) events.push(v as unknown as TraceEvent);
});
try {
  await new Promise((r) => setTimeout(r, 3_000));
  await cdp.send('Tracing.start', {
    categories: 'devtools.timeline,disabled-by-default-devtools.timeline,blink,cc,v8',
    transferMode: 'ReportEvents',
  });
  await sendStorm(cdp, serve, 1, { alerts, rate: 100 });
  const complete = new Promise((r) => cdp.once('Tracing.tracingComplete', r));
  await cdp.send('Tracing.end');
  await complete;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  if (!main) throw new Error('frame trace: no renderer main thread in the trace');
  const byName = new Map<string, { us: number; n: number }>();
  for (const e of events) {
    if (e.pid !== main.pid || e.tid !== main.tid || e.ph !== 'X' || !e.dur) continue;
    const sum = byName.get(e.name) ?? { us: 0, n: 0 };
    sum.us += e.dur;
    sum.n++;
    byName.set(e.name, sum);
  }
  console.log('    ms   count  event (main thread, nested events overlap)');
  for (const [name, { us, n }] of [...byName].sort((a, b) => b[1].us - a[1].us).slice(0, top)) {
    console.log(`${(us / 1000).toFixed(0).padStart(6)} ${String(n).padStart(7)}  ${name}`);
  }
} finally {
  await close();
}
