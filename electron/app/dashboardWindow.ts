import { BrowserWindow, screen } from 'electron';
import { dashboardWindowOptions } from './windowOptions';
import { fitToDisplays, loadWindowState, saveWindowState, type WindowState } from './windowState';

/** The dashboard window: created on demand, remembers its bounds, recreated after it is closed. */
export interface DashboardWindow {
  /** Shows (creating if needed) and focuses the window. */
  show(): Promise<void>;
  /** Creates the window if needed without showing it (start at login, hidden). */
  ensure(): Promise<BrowserWindow>;
  /** Writes the current bounds to the state file. */
  saveState(): Promise<void>;
  /** The window, if it exists. */
  current(): BrowserWindow | null;
}

/** Builds the dashboard window controller; the window loads the served dashboard URL. */
export function dashboardWindow(input: {
  url: string;
  preload: string;
  stateFile: string;
  icon?: string;
  log: (line: string) => void;
}): DashboardWindow {
  let win: BrowserWindow | null = null;
  let creating: Promise<BrowserWindow> | null = null;

  const snapshot = (w: BrowserWindow): WindowState => {
    const bounds = w.getNormalBounds();
    return { ...bounds, maximized: w.isMaximized() };
  };

  const saveState = async (): Promise<void> => {
    if (!win || win.isDestroyed()) return;
    await saveWindowState(input.stateFile, snapshot(win));
  };

  const create = async (): Promise<BrowserWindow> => {
    const remembered = await loadWindowState(input.stateFile);
    const state = fitToDisplays(
      remembered,
      screen.getAllDisplays().map((d) => d.workArea),
    );
    const options = dashboardWindowOptions({
      preload: input.preload,
      state,
      ...(input.icon ? { icon: input.icon } : {}),
    });
    // The options come from windowOptions.ts, which test/electron/windowSecurity.test.ts pins down:
    // context isolation, sandbox and Auxclick off are set there, out of the scanner's sight.
    const w = new BrowserWindow(options); // eng-disable CONTEXT_ISOLATION_JS_CHECK SANDBOX_JS_CHECK AUXCLICK_JS_CHECK
    if (state.maximized) w.maximize();
    w.on('close', () => {
      // Saved before the window goes; the write finishes on its own (quit awaits saveState first).
      saveWindowState(input.stateFile, snapshot(w)).catch((error: unknown) =>
        input.log(`Could not save the window state: ${String(error)}`),
      );
    });
    // Also kept while the window lives (a crash or a forced kill loses at most a second).
    let pending: NodeJS.Timeout | null = null;
    const saveSoon = (): void => {
      if (pending) clearTimeout(pending);
      pending = setTimeout(() => {
        pending = null;
        if (w.isDestroyed()) return;
        saveWindowState(input.stateFile, snapshot(w)).catch((error: unknown) =>
          input.log(`Could not save the window state: ${String(error)}`),
        );
      }, 1000);
    };
    w.on('resize', saveSoon);
    w.on('move', saveSoon);
    w.on('maximize', saveSoon);
    w.on('unmaximize', saveSoon);
    w.on('closed', () => {
      if (pending) clearTimeout(pending);
      if (win === w) win = null;
    });
    win = w;
    await w.loadURL(input.url);
    return w;
  };

  const ensure = async (): Promise<BrowserWindow> => {
    if (win && !win.isDestroyed()) return win;
    creating ??= create().finally(() => {
      creating = null;
    });
    return creating;
  };

  return {
    ensure,
    saveState,
    current: () => (win && !win.isDestroyed() ? win : null),
    async show() {
      const w = await ensure();
      if (w.isMinimized()) w.restore();
      w.show();
      w.focus();
    },
  };
}
