import type { GemlightBridge, GemlightClient } from './client';
import { createElectronClient } from './electronClient';
import { createHttpClient } from './httpClient';
import { takeToken } from './token';

export * from './client';

declare global {
  interface Window {
    /** Present only inside the Electron window (exposed by the preload). */
    gemlight?: GemlightBridge;
  }
}

/** Picks the transport: the preload bridge inside Electron, otherwise HTTP to the serving app. */
export function createClient(): GemlightClient {
  if (window.gemlight) return createElectronClient(window.gemlight);
  return createHttpClient(window.location.origin, takeToken());
}
