import type { EventOrigin } from '../../../shared/events';
import type { EventSink } from './types';
import type { SourceHealthTracker } from './health';

/** Most events handed to the sink in one call (the ingest limit per frame). */
const MAX_BATCH = 500;

/**
 * Hands raw events to the sink strictly in arrival order, one call at a time. Events that arrive
 * while a call is in flight wait and go out together in the next call, so a slow commit turns
 * into bigger batches instead of reordering or unbounded concurrency.
 */
export class OrderedSubmitter {
  private readonly queue: unknown[] = [];
  private draining: Promise<void> | null = null;

  constructor(
    private readonly sink: EventSink,
    private readonly meta: { source: string; origin: EventOrigin },
    private readonly health: SourceHealthTracker,
  ) {}

  /** Queues events for the sink; they are counted as received now. */
  push(events: readonly unknown[]): void {
    if (events.length === 0) return;
    this.queue.push(...events);
    this.health.recordEvents(events.length);
    // Deliberately not awaited: `idle()` is how callers wait for delivery.
    this.draining ??= this.drain();
  }

  /** Events waiting for the sink (not counting the call in flight). */
  get queued(): number {
    return this.queue.length;
  }

  /** Resolves once everything queued so far has been answered by the sink. */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        try {
          const replies = await this.sink.submit(batch, this.meta);
          const refused = replies.find((r) => r.type === 'error');
          if (refused && refused.type === 'error') {
            this.health.setError(`Gemlight refused an event (${refused.code}): ${refused.message}`);
          }
        } catch (error) {
          this.health.setError(`Could not store events: ${describeError(error)}`);
        }
      }
    } finally {
      this.draining = null;
    }
  }
}

/** A short, human sentence for any thrown value (never a stack trace). */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    const message = error.message.trim();
    if (typeof code === 'string' && !message.includes(code))
      return message ? `${message} (${code})` : code;
    return message || error.name;
  }
  if (typeof error === 'string') return error;
  return 'unknown error';
}
