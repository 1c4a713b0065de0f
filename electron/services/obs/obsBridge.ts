import { z } from 'zod';
import type { OverlayPresence } from '../../../shared/liveState';
import { err, ok, type DomainError, type Result } from '../../../shared/result';

/**
 * Optional OBS integration over obs-websocket v5 (built into OBS 28+). It does two things a
 * creator would otherwise do by hand: add Gemlight's widgets to the current scene as browser
 * sources with the right URL and size in one click, and refresh a source whose page stopped
 * sending heartbeats. Everything OBS answers is validated before use; failures come back as
 * `{code, message}` results, never as thrown errors.
 */

/** The overlay widgets a browser source can show. */
export const OBS_WIDGETS = ['alerts', 'leaderboard', 'goal', 'all'] as const;
export type ObsWidget = (typeof OBS_WIDGETS)[number];

/** The small part of obs-websocket-js the bridge uses (a fake stands in for it in tests). */
export interface ObsClient {
  connect(url: string, password?: string): Promise<unknown>;
  disconnect(): Promise<void>;
  call(requestType: string, requestData?: Record<string, unknown>): Promise<unknown>;
}

/** How to reach OBS (Tools → WebSocket Server Settings in OBS). */
export interface ObsConnectionSettings {
  /** e.g. ws://127.0.0.1:4455 */
  url: string;
  password?: string;
}

/** A widget to add: its page URL (with the overlay key and theme) and, optionally, its size. */
export interface WidgetSourceSpec {
  widget: ObsWidget;
  url: string;
  /** Default: the OBS canvas size (the overlay lays itself out for the whole canvas). */
  width?: number;
  height?: number;
}

/** What adding a widget did in OBS. */
export interface AddedSource {
  widget: ObsWidget;
  inputName: string;
  sceneName: string;
  width: number;
  height: number;
  /** `created` a new input, or `updated` an existing Gemlight input (and put it in the scene). */
  action: 'created' | 'updated';
}

/** OBS's answer to connecting. */
export interface ObsStatus {
  obsWebSocketVersion: string;
  rpcVersion: number;
}

/** obs-websocket request status codes the bridge reacts to. */
const OBS_RESOURCE_NOT_FOUND = 600;
const OBS_RESOURCE_ALREADY_EXISTS = 601;
/** obs-websocket close codes on connect. */
const OBS_AUTH_FAILED = 4009;

/** A heartbeat older than this means the page is stuck (the overlay beats every 15 s). */
export const STALE_AFTER_MS = 45_000;

/** The OBS input name of a widget's browser source. */
export const sourceNameOf = (widget: ObsWidget): string =>
  `Gemlight ${widget.charAt(0).toUpperCase()}${widget.slice(1)}`;

const connectReply = z.object({
  obsWebSocketVersion: z.string(),
  negotiatedRpcVersion: z.number(),
});
const programScene = z.object({ currentProgramSceneName: z.string().min(1) });
const videoSettings = z.object({
  baseWidth: z.number().int().positive(),
  baseHeight: z.number().int().positive(),
});
const inputList = z.object({
  inputs: z.array(z.object({ inputName: z.string(), inputKind: z.string().optional() })),
});

const codeOf = (e: unknown): number | null =>
  typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'number'
    ? (e as { code: number }).code
    : null;

function describe(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  // One line, bounded: OBS error texts are shown in the dashboard as they are.
  return text.split('\n')[0]?.slice(0, 200) ?? 'unknown error';
}

/** Which widgets in OBS need a refresh: no live page for them, or a heartbeat gone quiet. */
export function staleWidgets(
  inObs: readonly ObsWidget[],
  overlays: readonly OverlayPresence[],
  now: number,
  staleAfterMs = STALE_AFTER_MS,
): ObsWidget[] {
  return inObs.filter((widget) => {
    const pages = overlays.filter((o) => o.widget === widget && !o.preview);
    return !pages.some((o) => now - o.lastSeenAt <= staleAfterMs);
  });
}

/** Talks to one OBS instance. */
export class ObsBridge {
  private connected = false;

  constructor(private readonly client: ObsClient) {}

  /** Whether the last `connect` succeeded and no `disconnect` followed. */
  get isConnected(): boolean {
    return this.connected;
  }

  /** Connects (and authenticates) to OBS's WebSocket server. */
  async connect(settings: ObsConnectionSettings): Promise<Result<ObsStatus>> {
    let url: URL;
    try {
      url = new URL(settings.url);
    } catch {
      return this.failure('invalid_request', 'The OBS WebSocket address is not a URL.');
    }
    if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
      return this.failure('invalid_request', 'The OBS WebSocket address must start with ws://.');
    }
    try {
      const reply = connectReply.safeParse(
        await this.client.connect(url.toString(), settings.password || undefined),
      );
      if (!reply.success) return this.failure('internal', 'OBS answered in an unexpected way.');
      this.connected = true;
      return ok({
        obsWebSocketVersion: reply.data.obsWebSocketVersion,
        rpcVersion: reply.data.negotiatedRpcVersion,
      });
    } catch (e) {
      this.connected = false;
      if (codeOf(e) === OBS_AUTH_FAILED) {
        return this.failure(
          'unauthorized',
          'OBS refused the password (Tools → WebSocket Server Settings).',
        );
      }
      return this.failure(
        'not_found',
        `Could not reach OBS at ${url.host}: is OBS running with its WebSocket server enabled? (${describe(e)})`,
      );
    }
  }

  /** Notes that OBS closed the connection (OBS quit or the network dropped). */
  markClosed(): void {
    this.connected = false;
  }

  /** Disconnects; harmless when not connected. */
  async disconnect(): Promise<void> {
    this.connected = false;
    try {
      await this.client.disconnect();
    } catch {
      // Already gone.
    }
  }

  /**
   * Adds each widget to the current program scene as a browser source, sized to the canvas
   * unless a size is given. Running it again updates the existing Gemlight sources instead of
   * adding duplicates.
   */
  async addWidgets(specs: readonly WidgetSourceSpec[]): Promise<Result<AddedSource[]>> {
    if (!this.connected) return this.failure('conflict', 'Connect to OBS first.');
    try {
      const scene = programScene.parse(await this.client.call('GetCurrentProgramScene'));
      const canvas = videoSettings.parse(await this.client.call('GetVideoSettings'));
      const sceneName = scene.currentProgramSceneName;
      const added: AddedSource[] = [];
      for (const spec of specs) {
        const url = new URL(spec.url);
        if (url.protocol !== 'http:' && url.protocol !== 'https:') {
          return err({ code: 'invalid_request', message: `Not a page address: ${spec.widget}.` });
        }
        const width = spec.width ?? canvas.baseWidth;
        const height = spec.height ?? canvas.baseHeight;
        const inputName = sourceNameOf(spec.widget);
        const inputSettings = {
          url: url.toString(),
          width,
          height,
          // Keep the page running when the scene is hidden: alerts queue correctly, and the
          // heartbeat keeps the dashboard's list honest.
          shutdown: false,
          restart_when_active: false,
          reroute_audio: true,
          css: '',
        };
        let action: AddedSource['action'] = 'created';
        try {
          await this.client.call('CreateInput', {
            sceneName,
            inputName,
            inputKind: 'browser_source',
            inputSettings,
            sceneItemEnabled: true,
          });
        } catch (e) {
          if (codeOf(e) !== OBS_RESOURCE_ALREADY_EXISTS) throw e;
          action = 'updated';
          await this.client.call('SetInputSettings', { inputName, inputSettings, overlay: true });
          await this.ensureInScene(sceneName, inputName);
        }
        added.push({ widget: spec.widget, inputName, sceneName, width, height, action });
      }
      return ok(added);
    } catch (e) {
      return this.failure('internal', `OBS could not add the sources: ${describe(e)}`);
    }
  }

  /** The Gemlight widgets that have a browser source in OBS. */
  async widgetsInObs(): Promise<Result<ObsWidget[]>> {
    if (!this.connected) return this.failure('conflict', 'Connect to OBS first.');
    try {
      const list = inputList.parse(
        await this.client.call('GetInputList', { inputKind: 'browser_source' }),
      );
      const names = new Set(list.inputs.map((i) => i.inputName));
      return ok(OBS_WIDGETS.filter((w) => names.has(sourceNameOf(w))));
    } catch (e) {
      return this.failure('internal', `OBS could not list its sources: ${describe(e)}`);
    }
  }

  /** Reloads a widget's browser source without cache (OBS's "Refresh cache of current page"). */
  async refresh(widget: ObsWidget): Promise<Result<string>> {
    if (!this.connected) return this.failure('conflict', 'Connect to OBS first.');
    const inputName = sourceNameOf(widget);
    try {
      await this.client.call('PressInputPropertiesButton', {
        inputName,
        propertyName: 'refreshnocache',
      });
      return ok(inputName);
    } catch (e) {
      if (codeOf(e) === OBS_RESOURCE_NOT_FOUND) {
        return err({ code: 'not_found', message: `OBS has no source named ${inputName}.` });
      }
      return this.failure('internal', `OBS could not refresh ${inputName}: ${describe(e)}`);
    }
  }

  /** Refreshes every Gemlight source in OBS whose page has no fresh heartbeat. */
  async refreshStale(
    overlays: readonly OverlayPresence[],
    now: number,
    staleAfterMs = STALE_AFTER_MS,
  ): Promise<Result<string[]>> {
    const inObs = await this.widgetsInObs();
    if (!inObs.ok) return inObs;
    const refreshed: string[] = [];
    for (const widget of staleWidgets(inObs.value, overlays, now, staleAfterMs)) {
      const r = await this.refresh(widget);
      if (!r.ok) return r;
      refreshed.push(r.value);
    }
    return ok(refreshed);
  }

  private async ensureInScene(sceneName: string, sourceName: string): Promise<void> {
    try {
      await this.client.call('GetSceneItemId', { sceneName, sourceName });
    } catch (e) {
      if (codeOf(e) !== OBS_RESOURCE_NOT_FOUND) throw e;
      await this.client.call('CreateSceneItem', { sceneName, sourceName, sceneItemEnabled: true });
    }
  }

  private failure(code: DomainError['code'], message: string): Result<never> {
    return err({ code, message });
  }
}

/**
 * A bridge over the real obs-websocket-js client, loaded only when the setting is used. The JSON
 * flavour: OBS speaks both, and JSON needs no msgpack codec and is readable when debugging.
 */
export async function createObsBridge(onClosed?: () => void): Promise<ObsBridge> {
  const { default: OBSWebSocket } = await import('obs-websocket-js/json');
  const obs = new OBSWebSocket();
  const client: ObsClient = {
    connect: (url, password) => obs.connect(url, password, { rpcVersion: 1 }),
    disconnect: () => obs.disconnect(),
    // The bridge validates every reply itself; the library's per-request typing adds nothing.
    call: (type, data) =>
      (obs.call.bind(obs) as (t: string, d?: Record<string, unknown>) => Promise<unknown>)(
        type,
        data,
      ),
  };
  const bridge = new ObsBridge(client);
  obs.on('ConnectionClosed', () => {
    if (!bridge.isConnected) return;
    bridge.markClosed();
    onClosed?.();
  });
  return bridge;
}

/** Browser-source specs for widgets, from the app's overlay info (`overlay.info`). */
export function widgetSpecs(
  info: { baseUrl: string; key: string },
  widgets: readonly ObsWidget[],
  /** Theme parameters from the dashboard's builder, e.g. "accent=00e5ff&unit=diamonds". */
  query = '',
): WidgetSourceSpec[] {
  const root = info.baseUrl.replace(/\/+$/, '').replace(/\/overlay$/, '');
  return widgets.map((widget) => {
    const url = new URL(`${root}/overlay/${widget}`);
    for (const [k, v] of new URLSearchParams(query)) if (k !== 'key') url.searchParams.set(k, v);
    url.searchParams.set('key', info.key);
    return { widget, url: url.toString() };
  });
}

/**
 * Checks every `intervalMs` for Gemlight sources in OBS whose page stopped beating and refreshes
 * them. Returns a function that stops the checks. `onResult` sees every outcome (for logs).
 */
export function startObsWatchdog(
  bridge: ObsBridge,
  overlays: () => readonly OverlayPresence[],
  options: {
    now: () => number;
    intervalMs?: number;
    staleAfterMs?: number;
    onResult?: (r: Result<string[]>) => void;
  },
): () => void {
  let running = false;
  const check = async (): Promise<void> => {
    if (running || !bridge.isConnected) return;
    running = true;
    try {
      const r = await bridge.refreshStale(overlays(), options.now(), options.staleAfterMs);
      options.onResult?.(r);
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void check(), options.intervalMs ?? 30_000);
  timer.unref();
  return () => clearInterval(timer);
}
