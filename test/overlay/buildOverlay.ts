import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

/**
 * Builds the overlay page as the app's build does (out/renderer/overlay/index.html with its assets
 * in out/renderer/assets; relative URLs, not minified), without the dashboard, so overlay tests
 * need no React build. The app's own build (`electron-vite build`) also moves the modules the
 * overlay shares with the dashboard into chunks of their own; benchmarks measure that one
 * (`startMeasuredServe` in overlayStorm.ts).
 */

const root = resolve(import.meta.dirname, '../..');
/** Where the app's server looks for its web files by default. */
export const WEB_ROOT = join(root, 'out/renderer');

/** Builds the overlay into `outDir` (default: out/renderer, next to a dashboard build). */
export async function buildOverlay(outDir = WEB_ROOT): Promise<void> {
  await build({
    root,
    configFile: false,
    logLevel: 'warn',
    base: './',
    build: {
      outDir,
      emptyOutDir: false,
      minify: false,
      rollupOptions: { input: { overlay: join(root, 'overlay/index.html') } },
    },
  });
}

/** Raw and gzipped bytes of the built overlay: its HTML and every asset it references. */
export function overlayBundleSize(outDir = WEB_ROOT): {
  raw: number;
  gzip: number;
  files: string[];
} {
  const html = readFileSync(join(outDir, 'overlay/index.html'), 'utf8');
  const files = ['overlay/index.html'];
  for (const m of html.matchAll(/(?:src|href)="[./]*\/?(assets\/[^"]+)"/g)) {
    if (m[1]) files.push(m[1]);
  }
  let raw = 0;
  let gzip = 0;
  for (const f of files) {
    const bytes = readFileSync(join(outDir, f));
    raw += bytes.length;
    gzip += gzipSync(bytes).length;
  }
  return { raw, gzip, files };
}

/** Whether a built overlay exists that is newer than every overlay source file. */
export function overlayBuildIsFresh(outDir = WEB_ROOT): boolean {
  const built = join(outDir, 'overlay/index.html');
  if (!existsSync(built)) return false;
  const builtAt = statSync(built).mtimeMs;
  const sources = [
    ...readdirSync(join(root, 'overlay')).map((f) => join(root, 'overlay', f)),
    ...readdirSync(join(root, 'shared')).map((f) => join(root, 'shared', f)),
  ];
  return sources.every((f) => statSync(f).mtimeMs < builtAt);
}
