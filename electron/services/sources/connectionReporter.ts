import type { Backoff } from './backoff';
import type { SourceHealthTracker } from './health';
import type { EventSink } from './types';

/**
 * What a live source (TikTok LIVE, TikFinity) reports about its connection to the room: the sink
 * hears "connected" (a session opens) and "disconnected" (the ledger records a gap), the health
 * shows connecting, reconnecting or connected, and a connection that works resets the backoff.
 */
export class ConnectionReporter {
  private up = false;

  constructor(
    private readonly sink: EventSink,
    private readonly source: string,
    private readonly health: SourceHealthTracker,
    private readonly backoff: Backoff,
    private readonly now: () => number,
  ) {}

  /** Whether the sink was last told "connected". */
  get connected(): boolean {
    return this.up;
  }

  /** An attempt is under way: "reconnecting" while a gap is open, else "connecting". */
  attempting(error?: string): void {
    this.health.setState(this.health.gapOpen ? 'reconnecting' : 'connecting', error);
  }

  /** The connection works: retries start again from the base delay and the open gap closes. */
  opened(): void {
    this.up = true;
    this.backoff.reset();
    const time = this.now();
    this.health.closeGap(time);
    this.health.setState('connected', null);
    this.sink.connection({ source: this.source, state: 'connected', time });
  }

  /** Tells the sink the connection ended at `time`. */
  closed(time: number): void {
    this.up = false;
    this.sink.connection({ source: this.source, state: 'disconnected', time });
  }

  /** On stop: tells the sink the connection ended now, if it was open. */
  release(): void {
    if (this.up) this.closed(this.now());
  }
}
