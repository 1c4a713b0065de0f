import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { launchChromium } from '../support/browser';
import { buildOverlay, overlayBundleSize } from './buildOverlay';
import { waitForSnapshots } from './probe';
import { startHarness, type OverlayHarness } from './harness';
import { BOARD, GIFTS, counted, sceneState, viewer } from './scene';

/**
 * Renders every widget at 1920×1080 and 1080×1920 into docs/screenshots/overlay-*.png, over a
 * dark backdrop that stands in for a game capture (the real page is transparent).
 * Run: `npx tsx test/overlay/screenshots.ts`.
 */

const OUT = resolve(import.meta.dirname, '../../docs/screenshots');
const SIZES = [
  { name: 'landscape', width: 1920, height: 1080 },
  { name: 'portrait', width: 1080, height: 1920 },
] as const;
/** Each shot: the widget page and the scene played on it. */
const SHOTS = [
  { name: 'alerts', widget: 'alerts', scene: 'alerts' },
  { name: 'celebration', widget: 'alerts', scene: 'celebration' },
  { name: 'leaderboard', widget: 'leaderboard', scene: 'none' },
  { name: 'goal', widget: 'goal', scene: 'none' },
  { name: 'all', widget: 'all', scene: 'alerts' },
] as const;

const BACKDROP = `
  html { background:
    radial-gradient(ellipse at 30% 20%, #2c3e70 0%, transparent 60%),
    radial-gradient(ellipse at 80% 90%, #4a1f5c 0%, transparent 55%),
    linear-gradient(160deg, #141a2e, #0b0d16) !important; }`;

async function playScene(h: OverlayHarness, page: Page, scene: string): Promise<void> {
  const wait = (ms: number): Promise<void> => page.waitForTimeout(ms);
  if (scene === 'celebration') {
    h.send({ type: 'gift', gift: counted('k-lion', viewer('u9', 'Captain Nova'), GIFTS.lion, 1) });
    await wait(1_900);
    return;
  }
  if (scene === 'alerts') {
    h.send({
      type: 'gift',
      gift: counted('k-jet', viewer('u8', 'LunaSkies'), GIFTS.privateJet, 1),
    });
    await wait(150);
    h.send({ type: 'gift', gift: counted('k-gun', viewer('u7', 'Dario'), GIFTS.moneyGun, 1) });
    await wait(150);
    const fan = viewer('u6', 'ana.sofia');
    for (let i = 1; i <= 37; i++) {
      h.send({ type: 'gift', gift: counted('k-rose', fan, GIFTS.rose, i, { ended: false }) });
    }
    h.send({
      type: 'leaderboard',
      period: 'session',
      entries: [
        { userId: 'u8', handle: 'lunaskies', name: 'LunaSkies', coins: 47_238, reachedAt: 9 },
        ...BOARD.slice(0, 4),
      ],
    });
  }
  await wait(1_400);
}

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  await buildOverlay();
  console.log('overlay bundle', overlayBundleSize());
  const browser = await launchChromium();
  try {
    for (const size of SIZES) {
      for (const shot of SHOTS) {
        const h = await startHarness();
        h.setState(sceneState());
        const page = await browser.newPage({
          viewport: { width: size.width, height: size.height },
        });
        await page.goto(`${h.baseUrl}/overlay/${shot.widget}?key=k`);
        await waitForSnapshots(page);
        await page.addStyleTag({ content: BACKDROP });
        await playScene(h, page, shot.scene);
        const file = join(OUT, `overlay-${shot.name}-${size.name}.png`);
        await page.screenshot({ path: file });
        console.log('wrote', file);
        await page.close();
        await h.stop();
      }
    }
  } finally {
    await browser.close();
  }
}

await main();
