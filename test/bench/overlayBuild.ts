import { buildOverlay, overlayBuildIsFresh } from '../overlay/buildOverlay';

/** Builds the overlay bundle (out/renderer) when it is missing or older than its sources. */
export async function ensureOverlayBuilt(log: (line: string) => void): Promise<void> {
  if (overlayBuildIsFresh()) return;
  log('  building the overlay bundle…');
  await buildOverlay();
}
