import type { IngestReply } from '../../../shared/api';
import type { EventOrigin } from '../../../shared/events';
import type { CatalogGift } from '../../../shared/catalog';
import type { SourceHealth } from '../../../shared/liveState';

/** Where a source delivers what it receives: the same pipeline as /ingest. */
export interface EventSink {
  /**
   * Normalizes, commits and publishes raw events (any accepted shape); resolves with one reply
   * per event, after the commit.
   */
  submit(
    raw: readonly unknown[],
    meta: { source: string; origin: EventOrigin },
  ): Promise<IngestReply[]>;
  /** A live connection reported its gift catalog. */
  catalog(gifts: readonly CatalogGift[], meta: { source: string }): void;
  /** The source connected to a live room (opens a session) or lost it (records a gap). */
  connection(event: { source: string; state: 'connected' | 'disconnected'; time: number }): void;
}

/** A source of events that Gemlight connects to itself. */
export interface Source {
  readonly id: string;
  readonly kind: SourceHealth['kind'];
  start(): Promise<void>;
  stop(): Promise<void>;
  health(): SourceHealth;
  /** Called whenever health changes. */
  onHealth(listener: (health: SourceHealth) => void): () => void;
}
