import { ensureWeb } from '../../scripts/ensure-web';

/**
 * Makes sure out/renderer holds the overlay as the app ships it (`electron-vite build`, as
 * `npm run serve` does), rebuilt when older than its sources: benchmarks measure that bundle,
 * not the overlay-only build of the overlay tests (test/overlay/buildOverlay.ts).
 */
export function ensureOverlayBuilt(log: (line: string) => void): void {
  ensureWeb(log);
}
