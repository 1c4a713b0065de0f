import type { Page } from 'playwright-core';

/**
 * Waits until a JavaScript expression is true in the page, polling from Node. The overlay's CSP
 * forbids the string evaluation that Playwright's `waitForFunction` uses inside the page.
 */
export async function waitInPage(
  page: Page,
  expression: string,
  timeoutMs = 30_000,
): Promise<void> {
  const began = performance.now();
  while ((await page.evaluate<unknown>(expression)) !== true) {
    if (performance.now() - began > timeoutMs) {
      throw new Error(`timed out waiting for ${expression} in the page`);
    }
    await page.waitForTimeout(100);
  }
}
