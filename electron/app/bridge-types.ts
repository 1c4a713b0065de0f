import type { ApiError, CommandName, ParamsOf, ResultOf } from '../../shared/api';
import type { LiveMessage } from '../../shared/liveState';

/**
 * The contract between the preload and the dashboard. This file imports no Electron and no Node,
 * so the renderer can import it for `window.gemlight`'s type.
 */

/** The one object the preload exposes to the dashboard as `window.gemlight`. */
export interface GemlightBridge {
  /**
   * Runs an API command in the main process. Resolves with the command's result; rejects with a
   * plain `{code, message}` object (an `ApiError`), never with a stack trace.
   */
  invoke<K extends CommandName>(name: K, params: ParamsOf<K>): Promise<ResultOf<K>>;
  /** Live messages: a full snapshot first, then deltas. Returns the unsubscribe function. */
  onLive(listener: (message: LiveMessage) => void): () => void;
}

/** IPC channel names shared by the preload and the main process. */
export const IPC_CHANNELS = {
  /** renderer → main, `ipcRenderer.invoke`: `{ name, params }` → `IpcReply`. */
  invoke: 'gemlight:invoke',
  /** renderer → main, `ipcRenderer.send`: start (true) or stop (false) the live feed. */
  liveSubscribe: 'gemlight:live-subscribe',
  /** main → renderer: one `LiveMessage`. */
  live: 'gemlight:live',
} as const;

/** What the main process answers to an invoke: errors travel as data, never as thrown stacks. */
export type IpcReply<T = unknown> = { ok: true; value: T } | { ok: false; error: ApiError };

declare global {
  interface Window {
    /** Present when the dashboard runs inside the Gemlight app (absent in a plain browser). */
    readonly gemlight?: GemlightBridge;
  }
}
