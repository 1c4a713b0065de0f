/**
 * Waits that a stopping source can cut short: `wake()` ends the wait in progress at once, so that
 * stopping never sits out a retry delay, a "wait until live" poll or a replay's pacing.
 */
export class WakeableSleep {
  private wakeCurrent: (() => void) | null = null;

  /** Waits `ms`, or less when woken meanwhile. */
  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeCurrent = done;
    });
  }

  /** Ends the wait in progress, if any. */
  wake(): void {
    this.wakeCurrent?.();
  }
}
