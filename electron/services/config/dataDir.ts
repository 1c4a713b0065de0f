import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The platform's app-data folder for Gemlight: the same folder Electron's `userData` is for
 * productName "Gemlight", so the desktop app and `npm run serve` share one ledger.
 */
export function defaultDataDir(
  platform: NodeJS.Platform = process.platform,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir(),
): string {
  if (platform === 'win32') {
    return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Gemlight');
  }
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Gemlight');
  return join(env.XDG_CONFIG_HOME || join(home, '.config'), 'Gemlight');
}
