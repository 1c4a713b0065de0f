import type { CommandName, ParamsOf, ResultOf } from '../../../shared/api';
import { ApiCallError, type GemlightBridge, type GemlightClient } from './client';

function isErrorBody(value: unknown): value is { code: string; message: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/** The client inside the Electron window: commands and live messages over the preload bridge. */
export function createElectronClient(bridge: GemlightBridge): GemlightClient {
  async function invoke<K extends CommandName>(name: K, params: ParamsOf<K>): Promise<ResultOf<K>> {
    try {
      return await bridge.invoke(name, params);
    } catch (error) {
      // IPC wraps thrown errors; the main process sends `{code, message}` as the error's message.
      if (isErrorBody(error)) throw new ApiCallError(error.code, error.message, name);
      const text = error instanceof Error ? error.message : String(error);
      const json = /\{.*\}$/.exec(text);
      if (json) {
        try {
          const parsed = JSON.parse(json[0]) as unknown;
          if (isErrorBody(parsed)) throw new ApiCallError(parsed.code, parsed.message, name);
        } catch (inner) {
          if (inner instanceof ApiCallError) throw inner;
        }
      }
      throw new ApiCallError(
        'internal',
        `"${name}" failed: ${text}. Try again; if it repeats, restart Gemlight.`,
        name,
      );
    }
  }

  return {
    transport: 'electron',
    invoke,
    subscribe(onMessage, onStatus) {
      // The bridge sends a full snapshot to every new listener, then deltas.
      onStatus('open');
      return bridge.onLive(onMessage);
    },
  };
}
