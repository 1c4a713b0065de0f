import type { BrowserWindowConstructorOptions } from 'electron';
import type { WindowState } from './windowState';

/*
 * The dashboard window's options as a plain function (a type-only Electron import), so a test can
 * pin down every security-relevant preference.
 */

/** The smallest dashboard that still lays out. */
export const MIN_WINDOW_SIZE = { width: 720, height: 480 } as const;

/** Options of the dashboard window: sandboxed, context-isolated, no Node, web security on. */
export function dashboardWindowOptions(input: {
  preload: string;
  state: WindowState;
  icon?: string;
  backgroundColor?: string;
}): BrowserWindowConstructorOptions {
  const { state } = input;
  return {
    title: 'Gemlight',
    width: state.width,
    height: state.height,
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    minWidth: MIN_WINDOW_SIZE.width,
    minHeight: MIN_WINDOW_SIZE.height,
    // Shown once the first paint is ready, so it never flashes white.
    show: false,
    backgroundColor: input.backgroundColor ?? '#0f1115',
    autoHideMenuBar: true,
    ...(input.icon ? { icon: input.icon } : {}),
    webPreferences: {
      preload: input.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      // Middle-click would open links in new windows, bypassing the window-open handler.
      disableBlinkFeatures: 'Auxclick',
    },
  };
}
