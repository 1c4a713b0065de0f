/**
 * Runs once before the suite. Web bundles (dashboard and overlay) are built here when a test
 * needs them, so that browser tests always see the current sources.
 */
export default function setup(): void {
  // Filled in as suites that need built assets arrive.
}
