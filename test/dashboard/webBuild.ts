import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { build } from 'vite';

const REPO_ROOT = resolve(import.meta.dirname, '../..');

/**
 * Builds the dashboard (and the overlay, when its page exists) from the current sources into a
 * fresh folder laid out like out/renderer, so the browser tests never see a stale bundle and
 * never race another suite writing out/renderer.
 */
export async function buildWebRoot(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'gemlight-web-'));
  const input: Record<string, string> = { dashboard: join(REPO_ROOT, 'renderer/index.html') };
  const overlay = join(REPO_ROOT, 'overlay/index.html');
  if (existsSync(overlay)) input.overlay = overlay;
  await build({
    root: REPO_ROOT,
    base: './',
    configFile: false,
    logLevel: 'error',
    plugins: [react()],
    build: { outDir, emptyOutDir: true, reportCompressedSize: false, rollupOptions: { input } },
  });
  return outDir;
}
