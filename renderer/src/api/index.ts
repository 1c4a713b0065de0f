// The preload's contract also declares `window.gemlight` for this program.
import type {} from '../../../electron/app/bridge-types';
import type { GemlightClient } from './client';
import { createElectronClient } from './electronClient';
import { createHttpClient } from './httpClient';
import { takeToken } from './token';

export * from './client';

/** Picks the transport: the preload bridge inside Electron, otherwise HTTP to the serving app. */
export function createClient(): GemlightClient {
  if (window.gemlight) return createElectronClient(window.gemlight);
  return createHttpClient(window.location.origin, takeToken());
}
