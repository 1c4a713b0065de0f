import type { GemlightServer } from '../services/contracts';

/*
 * What the app exposes to its end-to-end test when started with GEMLIGHT_TEST_HOOKS=1: Playwright's
 * `electronApp.evaluate` runs in the main process and reads it from globalThis. Nothing is exposed
 * to pages, and nothing at all without the variable.
 */

/** The hooks object, at `globalThis.__gemlightTest`. */
export interface GemlightTestHooks {
  /** The tray title as last set (macOS shows it; kept on every platform). */
  trayTitle(): string;
  trayTooltip(): string;
  urls: GemlightServer['urls'];
  token: string;
}

/** Whether this process was started for the end-to-end test. */
export const testHooksEnabled = (env: NodeJS.ProcessEnv): boolean =>
  env.GEMLIGHT_TEST_HOOKS === '1';

/** Puts the hooks on globalThis. */
export function installTestHooks(hooks: GemlightTestHooks): void {
  (globalThis as { __gemlightTest?: GemlightTestHooks }).__gemlightTest = hooks;
}
