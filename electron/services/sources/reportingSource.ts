import type { EventOrigin } from '../../../shared/events';
import type { SourceHealth } from '../../../shared/liveState';
import { SourceHealthTracker } from './health';
import { OrderedSubmitter } from './submitQueue';
import type { EventSink } from './types';

/** Who a source is, for its health report and for the sink. */
export interface SourceIdentity {
  id: string;
  kind: SourceHealth['kind'];
  /** How the source list names it. */
  label: string;
  /** What its events count as. */
  origin: EventOrigin;
  now: () => number;
  /** How often event-rate updates reach listeners (unset or 0: the tracker's default). */
  rateNotifyMs?: number | undefined;
}

/**
 * What every source shares: a health tracker that the dashboard reads and hears from, and an
 * ordered submitter that hands events to the pipeline and counts them in that health. Each
 * source adds its own `kind`, `start` and `stop` (ending with `settleStopped`) to be a `Source`.
 */
export abstract class ReportingSource {
  readonly id: string;
  protected readonly health_: SourceHealthTracker;
  protected readonly submitter: OrderedSubmitter;
  protected readonly now: () => number;

  protected constructor(sink: EventSink, identity: SourceIdentity) {
    this.id = identity.id;
    this.now = identity.now;
    this.health_ = new SourceHealthTracker(
      { id: identity.id, kind: identity.kind, label: identity.label },
      {
        now: identity.now,
        ...(identity.rateNotifyMs ? { rateNotifyMs: identity.rateNotifyMs } : {}),
      },
    );
    this.submitter = new OrderedSubmitter(
      sink,
      { source: identity.id, origin: identity.origin },
      this.health_,
    );
  }

  health(): SourceHealth {
    return this.health_.snapshot();
  }

  onHealth(listener: (health: SourceHealth) => void): () => void {
    return this.health_.onChange(listener);
  }

  /** Resolves once every event received so far has been answered by the sink. */
  flushed(): Promise<void> {
    return this.submitter.idle();
  }

  /** The end of a stop: "stopped", then waits for the sink's answers and ends the rate updates. */
  protected async settleStopped(): Promise<void> {
    this.health_.setState('stopped');
    await this.submitter.idle();
    this.health_.dispose();
  }
}
