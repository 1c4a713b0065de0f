import { median } from '../bench/stats';
import { launchChromium } from '../support/browser';
import {
  openMeasuredPage,
  pageMetrics,
  pageValue,
  sendStorm,
  startMeasuredServe,
} from './overlayStorm';

/**
 * What the alerts page's load-time rehearsal (overlay/rehearsal.ts) costs and buys, on fresh
 * pages of the built overlay against `npm run serve`: page load → connected, the rehearsal's own
 * time, and the script time (CDP `ScriptDuration`) of the page's first storm of 300 gifts at 100/s.
 *
 *   npx tsx test/overlay/rehearsalCost.ts [page loads=5]
 */

const STORM = { alerts: 300, rate: 100 };

async function main(): Promise<void> {
  const loads = Number(process.argv[2] ?? 5);
  if (!Number.isInteger(loads) || loads < 1) throw new Error('page loads: a whole number ≥ 1');
  const serve = await startMeasuredServe((line) => console.log(line));
  const browser = await launchChromium();
  const rows: { open: number; rehearsal: number; storm: number }[] = [];
  try {
    for (let i = 0; i < loads; i++) {
      const { page, cdp, loadMs: open } = await openMeasuredPage(browser, serve.overlayUrl, 5);
      const scriptMs = async (): Promise<number> =>
        ((await pageMetrics(cdp)).ScriptDuration ?? 0) * 1000;
      const rehearsal = (await pageValue(cdp, 'window.gemlightOverlay.rehearsal.ms')) as number;
      const before = await scriptMs();
      await sendStorm(cdp, serve, i, STORM);
      const storm = (await scriptMs()) - before;
      rows.push({ open, rehearsal, storm });
      console.log(
        `load ${i + 1}: load → connected ${open.toFixed(0)} ms, rehearsal ${rehearsal.toFixed(1)} ms, ` +
          `first storm of ${STORM.alerts} script ${storm.toFixed(1)} ms`,
      );
      await page.close();
    }
  } finally {
    await browser.close();
    await serve.stop();
  }
  const m = (pick: (r: (typeof rows)[number]) => number): string =>
    median(rows.map(pick)).toFixed(1);
  console.log(
    `medians of ${loads}: load → connected ${m((r) => r.open)} ms, rehearsal ${m((r) => r.rehearsal)} ms, ` +
      `first storm script ${m((r) => r.storm)} ms`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
