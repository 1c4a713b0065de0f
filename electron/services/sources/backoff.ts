/** Settings of the reconnect delay: exponential growth from `baseMs`, capped at `capMs`. */
export interface BackoffOptions {
  /** First retry ceiling (default 500 ms). */
  baseMs?: number;
  /** Largest ceiling (default 30 s). */
  capMs?: number;
  /** Uniform random in [0, 1); injectable for reproducible tests. */
  random?: () => number;
}

/**
 * Exponential backoff with full jitter: each delay is uniform in [0, min(cap, base·2^attempt)],
 * so that many clients that lost the same server do not come back in lockstep.
 */
export class Backoff {
  private attempt = 0;
  private readonly baseMs: number;
  private readonly capMs: number;
  private readonly random: () => number;

  constructor(options: BackoffOptions = {}) {
    this.baseMs = Math.max(1, options.baseMs ?? 500);
    this.capMs = Math.max(this.baseMs, options.capMs ?? 30_000);
    this.random = options.random ?? Math.random;
  }

  /** The delay before the next try; each call grows the ceiling. */
  next(): number {
    // 2^attempt stops growing long before it could overflow: the cap is reached by then.
    const ceiling = Math.min(this.capMs, this.baseMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.floor(this.random() * (ceiling + 1));
  }

  /** Tries made since the last success. */
  get attempts(): number {
    return this.attempt;
  }

  /** A connection worked: start again from the base delay. */
  reset(): void {
    this.attempt = 0;
  }
}
