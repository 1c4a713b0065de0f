import type { SourceHealth } from '../../../shared/liveState';

/** How far back "events per minute" looks. */
const RATE_WINDOW_MS = 60_000;
/** Gaps kept in a source's health; older ones live on in the ledger. */
const MAX_GAPS = 50;
/** Listeners hear about event-rate changes at most this often; state changes go out at once. */
const DEFAULT_RATE_NOTIFY_MS = 1000;

/** Options shared by every source's health tracker. */
export interface HealthOptions {
  now: () => number;
  /** How often event-rate updates reach listeners (default 1000 ms). */
  rateNotifyMs?: number;
}

/**
 * Keeps one source's health: state, last error, event rate and reconnect gaps. Sources call it;
 * the dashboard reads snapshots and hears about changes.
 */
export class SourceHealthTracker {
  private state: SourceHealth['state'] = 'idle';
  private lastError: string | null = null;
  private lastEventAt: number | null = null;
  private readonly gaps: { from: number; to: number | null }[] = [];
  /** Arrival times of recent events (oldest first), pruned to the rate window. */
  private readonly recent: number[] = [];
  private readonly listeners = new Set<(health: SourceHealth) => void>();
  private rateTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly now: () => number;
  private readonly rateNotifyMs: number;

  constructor(
    private readonly identity: { id: string; kind: SourceHealth['kind']; label: string },
    options: HealthOptions,
  ) {
    this.now = options.now;
    this.rateNotifyMs = options.rateNotifyMs ?? DEFAULT_RATE_NOTIFY_MS;
  }

  /** The current state. */
  get current(): SourceHealth['state'] {
    return this.state;
  }

  /** Moves to a state; `error` replaces the last error when given (null clears it). */
  setState(state: SourceHealth['state'], error?: string | null): void {
    const errorChanged = error !== undefined && error !== this.lastError;
    if (state === this.state && !errorChanged) return;
    this.state = state;
    if (error !== undefined) this.lastError = error;
    this.notify();
  }

  /** Records a problem without changing state. */
  setError(message: string): void {
    if (message === this.lastError) return;
    this.lastError = message;
    this.notify();
  }

  /** Counts events that were handed to the pipeline. */
  recordEvents(count: number): void {
    if (count <= 0) return;
    const at = this.now();
    this.lastEventAt = at;
    for (let i = 0; i < count; i++) this.recent.push(at);
    this.prune(at);
    this.scheduleRateNotify();
  }

  /** Opens a gap: from now on nothing is observed until `closeGap`. */
  openGap(time: number): void {
    const last = this.gaps[this.gaps.length - 1];
    if (last && last.to === null) return;
    this.gaps.push({ from: time, to: null });
    if (this.gaps.length > MAX_GAPS) this.gaps.shift();
    this.notify();
  }

  /** Closes the open gap, if any. */
  closeGap(time: number): void {
    const last = this.gaps[this.gaps.length - 1];
    if (!last || last.to !== null) return;
    last.to = Math.max(time, last.from);
    this.notify();
  }

  /** Whether a gap is open right now. */
  get gapOpen(): boolean {
    const last = this.gaps[this.gaps.length - 1];
    return last !== undefined && last.to === null;
  }

  /** A copy of the health as it is now. */
  snapshot(): SourceHealth {
    this.prune(this.now());
    return {
      id: this.identity.id,
      kind: this.identity.kind,
      label: this.identity.label,
      state: this.state,
      eventsPerMinute: this.recent.length,
      lastEventAt: this.lastEventAt,
      lastError: this.lastError,
      gaps: this.gaps.map((g) => ({ ...g })),
    };
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  onChange(listener: (health: SourceHealth) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops the pending rate notification (the source is going away). */
  dispose(): void {
    if (this.rateTimer) clearTimeout(this.rateTimer);
    this.rateTimer = null;
  }

  private prune(at: number): void {
    const cutoff = at - RATE_WINDOW_MS;
    let drop = 0;
    while (drop < this.recent.length && (this.recent[drop] ?? 0) <= cutoff) drop++;
    if (drop > 0) this.recent.splice(0, drop);
  }

  private scheduleRateNotify(): void {
    if (this.rateTimer) return;
    this.rateTimer = setTimeout(() => {
      this.rateTimer = null;
      this.notify();
    }, this.rateNotifyMs);
    // A pending dashboard refresh must not keep a headless process alive.
    this.rateTimer.unref();
  }

  private notify(): void {
    const health = this.snapshot();
    for (const listener of this.listeners) {
      try {
        listener(health);
      } catch {
        // A faulty listener must not break the source that reports to it.
      }
    }
  }
}
