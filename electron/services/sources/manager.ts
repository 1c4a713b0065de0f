import type { Settings } from '../../../shared/api';
import type { SourceHealth } from '../../../shared/liveState';
import type { BackoffOptions } from './backoff';
import { ReplaySource } from './replay';
import { SimulatorSource, type SimulatorRunOptions } from './simulator';
import { TikFinitySource, type WebSocketClass } from './tikfinity';
import { TikTokSource, type TikTokConnectionFactory } from './tiktok';
import type { EventSink, SimulatorOptions, Source, SourceManager } from './types';

/** Knobs of the source manager; the defaults are the production ones, tests shorten them. */
export interface SourceManagerOptions {
  now?: () => number;
  /** Makes TikTok LIVE connections (default: tiktok-live-connector, imported lazily). */
  tiktokFactory?: TikTokConnectionFactory;
  /** The WebSocket class the TikFinity client uses (default: the `ws` package's). */
  webSocketImpl?: WebSocketClass;
  /** The runtime's Node version (default process.versions.node). */
  nodeVersion?: string;
  backoff?: BackoffOptions;
  /** "Wait until live" poll interval (default 30 s). */
  livePollMs?: number;
  /** TikFinity ping interval (default 15 s; 0 turns it off). */
  heartbeatMs?: number;
  /** Simulator tick (default 100 ms). */
  simulatorTickMs?: number;
  /** How often event-rate updates reach health listeners (default 1 s). */
  rateNotifyMs?: number;
  /** Where state changes are logged, one line each (default: nowhere). */
  log?: (line: string) => void;
}

interface Running {
  source: Source;
  /** What the source was built from; a change means stop and start anew. */
  config: string;
  unsubscribe: () => void;
}

/**
 * Creates the source manager: runs TikTok LIVE and TikFinity as the settings say, the simulator
 * and replays on demand, and reports the health of all of them.
 */
export function createSourceManager(
  sink: EventSink,
  options: SourceManagerOptions = {},
): SourceManager {
  const running = new Map<string, Running>();
  const listeners = new Set<(health: SourceHealth) => void>();
  /** Changes (settings, simulator, replays) are applied one after another, never interleaved. */
  let queue: Promise<void> = Promise.resolve();
  function serial(change: () => Promise<void>): Promise<void> {
    const next = queue.then(change);
    // A failed change must not block the ones after it; its caller still sees the error.
    queue = next.catch(() => undefined);
    return next;
  }
  const rate = options.rateNotifyMs ? { rateNotifyMs: options.rateNotifyMs } : {};
  const now = options.now ? { now: options.now } : {};

  const lastState = new Map<string, string>();
  const publish = (health: SourceHealth): void => {
    const said = `${health.state}${health.lastError ? `: ${health.lastError}` : ''}`;
    if (options.log && lastState.get(health.id) !== said) {
      lastState.set(health.id, said);
      options.log(`source ${health.label}: ${said}`);
    }
    for (const listener of listeners) {
      try {
        listener(health);
      } catch {
        // One faulty listener must not starve the others.
      }
    }
  };

  async function remove(id: string): Promise<void> {
    const entry = running.get(id);
    if (!entry) return;
    running.delete(id);
    try {
      await entry.source.stop();
    } finally {
      publish(entry.source.health());
      entry.unsubscribe();
    }
  }

  async function add(source: Source, config: string): Promise<void> {
    await remove(source.id);
    const unsubscribe = source.onHealth(publish);
    running.set(source.id, { source, config, unsubscribe });
    await source.start();
    publish(source.health());
  }

  async function apply(settings: Settings): Promise<void> {
    const tiktok = settings.tiktok;
    if (tiktok.enabled) {
      const config = JSON.stringify([
        tiktok.username.trim(),
        tiktok.signApiKey,
        tiktok.waitUntilLive,
      ]);
      if (running.get('tiktok')?.config !== config) {
        await add(
          new TikTokSource(sink, {
            username: tiktok.username,
            ...(tiktok.signApiKey.trim() ? { signApiKey: tiktok.signApiKey.trim() } : {}),
            waitUntilLive: tiktok.waitUntilLive,
            ...now,
            ...rate,
            ...(options.tiktokFactory ? { factory: options.tiktokFactory } : {}),
            ...(options.nodeVersion ? { nodeVersion: options.nodeVersion } : {}),
            ...(options.backoff ? { backoff: options.backoff } : {}),
            ...(options.livePollMs ? { livePollMs: options.livePollMs } : {}),
          }),
          config,
        );
      }
    } else {
      await remove('tiktok');
    }

    const tikfinity = settings.tikfinity;
    if (tikfinity.enabled) {
      const config = JSON.stringify([tikfinity.url.trim()]);
      if (running.get('tikfinity')?.config !== config) {
        await add(
          new TikFinitySource(sink, {
            ...(tikfinity.url.trim() ? { url: tikfinity.url.trim() } : {}),
            ...now,
            ...rate,
            ...(options.webSocketImpl ? { webSocketImpl: options.webSocketImpl } : {}),
            ...(options.backoff ? { backoff: options.backoff } : {}),
            ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
          }),
          config,
        );
      }
    } else {
      await remove('tikfinity');
    }
  }

  async function play(source: ReplaySource, config: string): Promise<void> {
    await serial(() => add(source, config));
    try {
      await source.finished;
    } finally {
      // The finished replay stays listed (as stopped) until the next one, so its end is seen.
      publish(source.health());
    }
  }

  return {
    configure(settings: Settings): Promise<void> {
      return serial(() => apply(settings));
    },

    startSimulator(simulator: SimulatorOptions & SimulatorRunOptions): void {
      // Built first, so that bad settings throw (a SourceError) before the running one stops.
      const source = new SimulatorSource(sink, simulator, {
        ...now,
        ...rate,
        ...(options.simulatorTickMs ? { tickMs: options.simulatorTickMs } : {}),
      });
      // Fire and forget: it starts as soon as the previous run (if any) has stopped.
      void serial(() => add(source, JSON.stringify(simulator))).catch(() => undefined);
    },

    stopSimulator(): void {
      void serial(() => remove('simulator')).catch(() => undefined);
    },

    async replay(request: { file: string; speed: number }): Promise<void> {
      return play(new ReplaySource(sink, { ...request, ...now, ...rate }), JSON.stringify(request));
    },

    async replayFrames(request): Promise<void> {
      return play(
        new ReplaySource(sink, {
          frames: request.frames,
          speed: request.speed,
          ...(request.label !== undefined ? { label: request.label } : {}),
          ...now,
          ...rate,
        }),
        'frames',
      );
    },

    list(): SourceHealth[] {
      return [...running.values()].map((entry) => entry.source.health());
    },

    onHealth(listener: (health: SourceHealth) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async stopAll(): Promise<void> {
      await serial(async () => {
        await Promise.all([...running.keys()].map((id) => remove(id)));
      });
    },
  };
}
