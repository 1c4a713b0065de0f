import { ensureWeb } from '../../scripts/ensure-web';

/**
 * Runs once before the suite. Web bundles (dashboard and overlay) are built here when missing or
 * older than their sources, so that browser and server tests always see the current pages.
 */
export default function setup(): void {
  ensureWeb((line) => process.stderr.write(`[globalSetup] ${line}\n`));
}
