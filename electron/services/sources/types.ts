import type { IngestReply, Settings } from '../../../shared/api';
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

/** Options for the simulator: realistic traffic for trying Gemlight and for tests. */
export interface SimulatorOptions {
  /** Gift messages per second (default 2). */
  rate?: number;
  /** Battle-time storm: bursts of many small gifts. */
  storm?: boolean;
  /** Seed for reproducible traffic. */
  seed?: number;
}

/** Runs the sources the settings ask for, plus the simulator and replays on demand. */
export interface SourceManager {
  /** Starts, restarts or stops the TikTok and TikFinity sources to match the settings. */
  configure(settings: Settings): Promise<void>;
  startSimulator(options: SimulatorOptions): void;
  stopSimulator(): void;
  /** Replays an NDJSON recording (one raw event per line) at 1–20× speed through the pipeline. */
  replay(options: { file: string; speed: number }): Promise<void>;
  /**
   * Replays raw events handed over directly (for example a stored session read from the raw
   * log, each with an optional `_at` ms offset) at 1–20× speed, like `replay`.
   */
  replayFrames?(options: {
    frames: Iterable<unknown> | AsyncIterable<unknown>;
    speed: number;
    label?: string;
  }): Promise<void>;
  list(): SourceHealth[];
  onHealth(listener: (health: SourceHealth) => void): () => void;
  stopAll(): Promise<void>;
}
