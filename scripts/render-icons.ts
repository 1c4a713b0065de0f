/**
 * Renders the SVG icons in build/ to the PNGs electron-builder and the tray use, with headless
 * Chromium (no image tool needed). Run after editing an SVG: `npx tsx scripts/render-icons.ts`.
 */
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { launchChromium } from '../test/support/browser';

const build = resolve(import.meta.dirname, '..', 'build');

/** Every PNG made: source SVG, output file, size in pixels. */
const RENDERS: { svg: string; png: string; size: number }[] = [
  { svg: 'icon.svg', png: 'icon.png', size: 1024 },
  { svg: 'icon.svg', png: 'icons/512x512.png', size: 512 },
  { svg: 'icon.svg', png: 'icons/256x256.png', size: 256 },
  { svg: 'icon.svg', png: 'icons/128x128.png', size: 128 },
  { svg: 'icon.svg', png: 'icons/64x64.png', size: 64 },
  { svg: 'icon.svg', png: 'icons/32x32.png', size: 32 },
  { svg: 'icon.svg', png: 'icons/16x16.png', size: 16 },
  { svg: 'tray/tray.svg', png: 'tray/tray.png', size: 16 },
  { svg: 'tray/tray.svg', png: 'tray/tray@2x.png', size: 32 },
  { svg: 'tray/trayTemplate.svg', png: 'tray/trayTemplate.png', size: 16 },
  { svg: 'tray/trayTemplate.svg', png: 'tray/trayTemplate@2x.png', size: 32 },
];

const browser = await launchChromium();
try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  for (const { svg, png, size } of RENDERS) {
    const source = await readFile(join(build, svg), 'utf8');
    const dataUrl = `data:image/svg+xml;base64,${Buffer.from(source).toString('base64')}`;
    await page.setViewportSize({ width: size, height: size });
    await page.setContent(
      `<html><body style="margin:0;background:transparent"><img src="${dataUrl}" width="${size}" height="${size}" style="display:block"></body></html>`,
    );
    // A string, since this Node-side file has no DOM types.
    await page.waitForFunction('document.querySelector("img").complete');
    await page.screenshot({
      path: join(build, png),
      omitBackground: true,
      clip: { x: 0, y: 0, width: size, height: size },
    });
    console.log(`build/${png} (${size}×${size})`);
  }
} finally {
  await browser.close();
}
