/**
 * The time source of the overlay's views. The page uses the real one; the load-time rehearsal
 * (rehearsal.ts) uses a manual one, so it can play a minute of alerts in tens of milliseconds.
 */
export interface Clock {
  now(): number;
  /** Runs `fn` after `delayMs`; returns a function that cancels it. */
  schedule(fn: () => void, delayMs: number): () => void;
}

/** The page's clock: `performance.now()` and `setTimeout`. */
export const realClock: Clock = {
  now: () => performance.now(),
  schedule(fn, delayMs) {
    const timer = setTimeout(fn, Math.max(0, delayMs));
    return () => clearTimeout(timer);
  },
};

/** A clock that moves only when told to; due callbacks run in time order inside `advanceTo`. */
export class ManualClock implements Clock {
  private time: number;
  private readonly due: { at: number; seq: number; fn: () => void }[] = [];
  private seq = 0;

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  schedule(fn: () => void, delayMs: number): () => void {
    const entry = { at: this.time + Math.max(0, delayMs), seq: this.seq++, fn };
    this.due.push(entry);
    return () => {
      const i = this.due.indexOf(entry);
      if (i >= 0) this.due.splice(i, 1);
    };
  }

  /** Callbacks scheduled and neither run nor cancelled yet. */
  get waiting(): number {
    return this.due.length;
  }

  /** When the next callback is due; null when none is waiting. */
  nextDueAt(): number | null {
    let next: number | null = null;
    for (const d of this.due) next = next === null ? d.at : Math.min(next, d.at);
    return next;
  }

  /** Moves time to `t`, running every callback due by then (including ones they schedule). */
  advanceTo(t: number): void {
    for (;;) {
      let first: (typeof this.due)[number] | undefined;
      for (const d of this.due) {
        if (d.at <= t && (!first || d.at < first.at || (d.at === first.at && d.seq < first.seq))) {
          first = d;
        }
      }
      if (!first) break;
      this.due.splice(this.due.indexOf(first), 1);
      this.time = Math.max(this.time, first.at);
      first.fn();
    }
    this.time = Math.max(this.time, t);
  }
}
