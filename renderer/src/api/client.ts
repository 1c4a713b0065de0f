import type { CommandName, ParamsOf, ResultOf } from '../../../shared/api';
import type { LiveMessage } from '../../../shared/liveState';

/** Whether the live feed is flowing; shown in the header so a stale number never looks current. */
export type LiveStatus = 'connecting' | 'open' | 'reconnecting' | 'unauthorized';

/**
 * The dashboard's one typed client. Two transports implement it: HTTP + WebSocket when the page is
 * served by the app to a browser, and the preload bridge inside the Electron window.
 */
export interface GemlightClient {
  /** Where the client talks to, for display ("this PC", "http://192.168.1.5:21280"). */
  readonly transport: 'http' | 'electron';
  /** Runs one API command; rejects with an `ApiCallError` that says what happened. */
  invoke<K extends CommandName>(name: K, params: ParamsOf<K>): Promise<ResultOf<K>>;
  /** Subscribes to live messages (a snapshot first, then deltas); returns the unsubscribe. */
  subscribe(
    onMessage: (message: LiveMessage) => void,
    onStatus: (status: LiveStatus) => void,
  ): () => void;
}

/** What `window.gemlight` offers inside the Electron window: the preload's own contract. */
export type { GemlightBridge } from '../../../electron/app/bridge-types';

/** A failed API call: the server's `{code, message}`, or a transport failure said in plain words. */
export class ApiCallError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly command: CommandName,
  ) {
    super(message);
    this.name = 'ApiCallError';
  }
}

/** Turns anything thrown by a call into a sentence for people: what happened and what to do. */
export function describeError(error: unknown): string {
  if (error instanceof ApiCallError) return error.message;
  if (error instanceof Error) return error.message;
  return 'Something went wrong. Try again; if it keeps happening, restart Gemlight.';
}
