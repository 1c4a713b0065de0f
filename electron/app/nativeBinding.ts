import { join } from 'node:path';

/*
 * Where the app finds better-sqlite3 built for Electron's ABI. node_modules keeps the Node build
 * (for `npm test` and `npm run serve`); scripts/native-electron.mjs puts a second build, for the
 * installed Electron, in native/electron/, and the packaged app carries it in its resources.
 */

/** File name of the Electron-ABI build, relative to the app folder or the resources folder. */
export const ELECTRON_BINDING = join('native', 'electron', 'better_sqlite3.node');

/**
 * The Electron-ABI binding's path, or undefined when there is none (better-sqlite3 then loads its
 * default build, which only works if that one happens to match Electron's ABI).
 */
export function electronBindingPath(input: {
  isPackaged: boolean;
  appPath: string;
  resourcesPath: string;
  exists: (path: string) => boolean;
}): string | undefined {
  const path = join(input.isPackaged ? input.resourcesPath : input.appPath, ELECTRON_BINDING);
  return input.exists(path) ? path : undefined;
}

/** The sentence to log when the Electron-ABI build is missing. */
export const MISSING_BINDING_HINT =
  'No Electron build of better-sqlite3 in native/electron/; run `node scripts/native-electron.mjs` ' +
  '(needs the Electron binary and network access to its headers), see docs/electron.md.';
