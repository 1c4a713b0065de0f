import type { ObsAddedSource, ObsStatusDto, ObsWidgetName, Settings } from '../../../shared/api';
import type { OverlayPresence } from '../../../shared/liveState';
import type { DomainError, Result } from '../../../shared/result';
import {
  createObsBridge,
  startObsWatchdog,
  STALE_AFTER_MS,
  widgetSpecs,
  type ObsBridge,
} from './obsBridge';

/** A refusal the API layer turns into `{code, message}`. */
export class ObsFailure extends Error {
  constructor(readonly error: DomainError) {
    super(error.message);
    this.name = 'ObsFailure';
  }
}

/** What the OBS service needs from the rest of the app. */
export interface ObsServiceDeps {
  /** The overlay pages connected now (heartbeats), from the live hub. */
  overlays: () => readonly OverlayPresence[];
  /** Where overlay pages are reached and their key. */
  overlayInfo: () => { baseUrl: string; key: string };
  now: () => number;
  log: (line: string) => void;
  /** How often the watchdog checks heartbeats (and retries a lost connection); default 30 s. */
  watchdogMs?: number;
  /** A heartbeat older than this means the page is stuck; default 45 s. */
  staleAfterMs?: number;
  /** Makes a bridge (tests may pass their own client); default the real obs-websocket-js. */
  createBridge?: (onClosed: () => void) => Promise<ObsBridge>;
}

const REFRESH_LOG_SIZE = 20;

const unwrap = <T>(r: Result<T>): T => {
  if (!r.ok) throw new ObsFailure(r.error);
  return r.value;
};

/**
 * The app's side of the OBS integration: one connection while the setting is on, a watchdog that
 * refreshes sources whose overlay heartbeat stopped, and the one-click "add to OBS".
 */
export class ObsService {
  private bridge: ObsBridge | null = null;
  private stopWatchdog: (() => void) | null = null;
  private retryTimer: NodeJS.Timeout | null = null;
  private config: Settings['obs'] = { url: '', password: '', enabled: false };
  private state: ObsStatusDto['state'] = 'off';
  private version: string | null = null;
  private lastError: DomainError | null = null;
  private sources: ObsWidgetName[] = [];
  private readonly refreshed: ObsStatusDto['refreshed'] = [];
  /** Bumped on every (re)configuration so a slow connect from old settings is discarded. */
  private generation = 0;

  constructor(private readonly deps: ObsServiceDeps) {}

  /** Applies the settings: connects and watches when enabled, disconnects when not. */
  async configure(obs: Settings['obs']): Promise<void> {
    const same =
      obs.url === this.config.url &&
      obs.password === this.config.password &&
      obs.enabled === this.config.enabled;
    this.config = { ...obs };
    if (same && (this.state === 'connected' || this.state === 'connecting')) return;
    const generation = ++this.generation;
    this.state = obs.enabled ? 'connecting' : 'off';
    this.lastError = null;
    await this.teardown();
    if (obs.enabled) await this.connect(generation);
  }

  /** The integration's state for the dashboard. */
  status(): ObsStatusDto {
    return {
      enabled: this.config.enabled,
      url: this.config.url,
      state: this.state,
      obsWebSocketVersion: this.version,
      error: this.lastError,
      sources: [...this.sources],
      refreshed: [...this.refreshed],
    };
  }

  /** Tries a connection without keeping it; saved settings fill in what is not given. */
  async test(
    url = this.config.url,
    password = this.config.password,
  ): Promise<{ obsWebSocketVersion: string; sources: ObsWidgetName[] }> {
    const bridge = await this.makeBridge(() => undefined);
    try {
      const connected = unwrap(await bridge.connect({ url, password }));
      const sources = unwrap(await bridge.widgetsInObs());
      return { obsWebSocketVersion: connected.obsWebSocketVersion, sources };
    } finally {
      await bridge.disconnect();
    }
  }

  /** Adds widgets to the current scene as canvas-sized browser sources (updates existing ones). */
  async addWidgets(widgets: readonly ObsWidgetName[], query = ''): Promise<ObsAddedSource[]> {
    const bridge = this.requireBridge();
    const added = unwrap(
      await bridge.addWidgets(widgetSpecs(this.deps.overlayInfo(), widgets, query)),
    );
    await this.readSources(bridge);
    return added;
  }

  /** Refreshes the named widgets, or else every source whose page has no fresh heartbeat. */
  async refresh(widgets?: readonly ObsWidgetName[]): Promise<string[]> {
    const bridge = this.requireBridge();
    let names: string[];
    if (widgets) {
      names = [];
      for (const w of widgets) names.push(unwrap(await bridge.refresh(w)));
    } else {
      names = unwrap(
        await bridge.refreshStale(this.deps.overlays(), this.deps.now(), this.staleAfterMs()),
      );
    }
    this.noteRefreshed(names);
    return names;
  }

  /** Stops the watchdog and disconnects. */
  async close(): Promise<void> {
    this.generation++;
    await this.teardown();
    this.state = 'off';
  }

  private staleAfterMs(): number {
    return this.deps.staleAfterMs ?? STALE_AFTER_MS;
  }

  private requireBridge(): ObsBridge {
    if (!this.config.enabled) {
      throw new ObsFailure({
        code: 'conflict',
        message: 'Turn on the OBS integration (Settings → Overlay builder → OBS) first.',
      });
    }
    if (!this.bridge?.isConnected) {
      throw new ObsFailure({
        code: 'conflict',
        message: `Gemlight is not connected to OBS${this.lastError ? `: ${this.lastError.message}` : '.'} Check that OBS is running, then click Test connection.`,
      });
    }
    return this.bridge;
  }

  private makeBridge(onClosed: () => void): Promise<ObsBridge> {
    return (this.deps.createBridge ?? createObsBridge)(onClosed);
  }

  private async connect(generation: number): Promise<void> {
    this.state = 'connecting';
    const bridge = await this.makeBridge(() => {
      if (generation !== this.generation) return;
      this.deps.log('obs: the connection to OBS closed; retrying');
      this.state = 'error';
      this.lastError = { code: 'not_found', message: 'OBS closed the connection.' };
      this.scheduleRetry(generation);
    });
    const result = await bridge.connect({ url: this.config.url, password: this.config.password });
    if (generation !== this.generation) {
      await bridge.disconnect();
      return;
    }
    if (!result.ok) {
      this.state = 'error';
      this.lastError = result.error;
      this.version = null;
      this.deps.log(`obs: ${result.error.message}`);
      // A wrong password will not fix itself; an OBS that is not running yet may start later.
      if (result.error.code === 'not_found') this.scheduleRetry(generation);
      return;
    }
    this.bridge = bridge;
    this.state = 'connected';
    this.lastError = null;
    this.version = result.value.obsWebSocketVersion;
    await this.readSources(bridge);
    this.stopWatchdog = startObsWatchdog(bridge, this.deps.overlays, {
      now: this.deps.now,
      staleAfterMs: this.staleAfterMs(),
      ...(this.deps.watchdogMs !== undefined ? { intervalMs: this.deps.watchdogMs } : {}),
      onResult: (r) => {
        if (r.ok) this.noteRefreshed(r.value);
        else this.deps.log(`obs: watchdog: ${r.error.message}`);
      },
    });
  }

  private scheduleRetry(generation: number): void {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (generation !== this.generation || !this.config.enabled) return;
      this.stopWatchdog?.();
      this.stopWatchdog = null;
      void this.connect(generation).catch((e: unknown) => this.deps.log(`obs: ${String(e)}`));
    }, this.deps.watchdogMs ?? 30_000);
    this.retryTimer.unref();
  }

  private async readSources(bridge: ObsBridge): Promise<void> {
    const r = await bridge.widgetsInObs();
    if (r.ok) this.sources = r.value;
  }

  private noteRefreshed(names: readonly string[]): void {
    const time = this.deps.now();
    for (const inputName of names) {
      this.refreshed.push({ inputName, time });
      this.deps.log(`obs: refreshed ${inputName}`);
    }
    this.refreshed.splice(0, Math.max(0, this.refreshed.length - REFRESH_LOG_SIZE));
  }

  private async teardown(): Promise<void> {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.stopWatchdog?.();
    this.stopWatchdog = null;
    const bridge = this.bridge;
    this.bridge = null;
    this.version = null;
    this.sources = [];
    if (bridge) await bridge.disconnect();
  }
}
