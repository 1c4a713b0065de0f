import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  app,
  clipboard,
  dialog,
  ipcMain,
  Notification,
  session,
  shell,
  type WebContents,
} from 'electron';
import {
  emptyLiveState,
  reduceLive,
  type LiveMessage,
  type LiveState,
} from '../../shared/liveState';
import { assertNever } from '../../shared/result';
import { startGemlight } from '../services/app';
import type { GemlightServer } from '../services/contracts';
import { IPC_CHANNELS } from './bridge-types';
import { createAppLog } from './appLog';
import { dashboardWindow, type DashboardWindow } from './dashboardWindow';
import { createInvokeHandler, isTrustedSender } from './ipcHandlers';
import { electronBindingPath, MISSING_BINDING_HINT } from './nativeBinding';
import { guardContents } from './navigation';
import { secureSession } from './sessionSecurity';
import { installTestHooks, testHooksEnabled } from './testHooks';
import { createTray, type TrayController } from './trayController';
import { goalReachedNotice, type TrayAction } from './trayModel';

/*
 * The Electron shell: one instance, the services in-process, a tray that follows the live session,
 * and a dashboard window on demand. Everything with logic lives in small modules beside this one
 * and is unit-tested without Electron; this file only wires them to Electron.
 *
 * Environment (for tests and portable runs): GEMLIGHT_USER_DATA (data folder), GEMLIGHT_PORT
 * (0 = a free port), GEMLIGHT_TEST_HOOKS=1 (exposes the tray title to Playwright).
 */

const userData = process.env.GEMLIGHT_USER_DATA;
if (userData) app.setPath('userData', userData);
const log = createAppLog(join(app.getPath('userData'), 'logs', 'gemlight.log'));
// Every renderer is sandboxed, whatever a window's options say.
app.enableSandbox();
// Windows shows notifications only for an app with an AppUserModelID (the installer's appId).
if (process.platform === 'win32') app.setAppUserModelId('app.gemlight.desktop');

/** Started at login with --hidden: the tray only, no window. */
const startHidden = process.argv.includes('--hidden');
/** Start at login exists on macOS and Windows only. */
const loginItemSupported = process.platform === 'darwin' || process.platform === 'win32';

let starting: Promise<GemlightServer> | null = null;
let server: GemlightServer | null = null;
let live: LiveState = emptyLiveState();
let tray: TrayController | null = null;
let dashboard: DashboardWindow | null = null;
let stopLive: (() => void) | null = null;
let shutdownStarted: Promise<void> | null = null;
let stopped = false;
const liveSubscribers = new Set<WebContents>();

/** Stops everything once: saves the window, lets the services finish the commit in flight. */
function shutdown(): Promise<void> {
  shutdownStarted ??= (async () => {
    log('Shutting down…');
    stopLive?.();
    try {
      await dashboard?.saveState();
    } catch (error) {
      log(`Could not save the window state: ${String(error)}`);
    }
    try {
      const running = server ?? (await starting?.catch(() => null));
      await running?.stop();
    } catch (error) {
      log(`Stopping the services failed: ${String(error)}`);
    }
    tray?.destroy();
    stopped = true;
    app.quit();
  })();
  return shutdownStarted;
}

function notify(title: string, body: string): void {
  if (Notification.isSupported()) new Notification({ title, body }).show();
}

function onLiveMessage(message: LiveMessage): void {
  const previousGoal = live.goal;
  live = reduceLive(live, message);
  if (message.type === 'goal') {
    const notice = goalReachedNotice(previousGoal, live.goal, live.currency);
    if (notice) notify(notice.title, notice.body);
  }
  tray?.update(live);
  for (const contents of liveSubscribers) {
    if (!contents.isDestroyed()) contents.send(IPC_CHANNELS.live, message);
  }
}

function runTrayAction(action: TrayAction, running: GemlightServer): void {
  const failed = (what: string) => (error: unknown) => {
    const message =
      error instanceof Error
        ? error.message
        : String((error as { message?: unknown })?.message ?? error);
    log(`${what} failed: ${message}`);
    notify(`Gemlight: ${what} failed`, message);
  };
  switch (action) {
    case 'open-dashboard':
      dashboard?.show().catch(failed('Opening the dashboard'));
      return;
    case 'start-session':
      running.call('sessions.start', {}).catch(failed('Starting a session'));
      return;
    case 'end-session':
      running.call('sessions.end', {}).catch(failed('Ending the session'));
      return;
    case 'copy-overlay-url':
      clipboard.writeText(running.urls.overlay);
      return;
    case 'toggle-open-at-login': {
      const openAtLogin = !app.getLoginItemSettings().openAtLogin;
      app.setLoginItemSettings({ openAtLogin, args: ['--hidden'] });
      tray?.update(live);
      return;
    }
    case 'quit':
      void shutdown();
      return;
    default:
      assertNever(action, 'tray action');
  }
}

async function start(): Promise<void> {
  const appPath = app.getAppPath();
  const nativeBinding = electronBindingPath({
    isPackaged: app.isPackaged,
    appPath,
    resourcesPath: process.resourcesPath,
    exists: existsSync,
  });
  if (!nativeBinding) log(MISSING_BINDING_HINT);
  const port = process.env.GEMLIGHT_PORT;
  starting = startGemlight({
    dataDir: app.getPath('userData'),
    webRoot: join(appPath, 'out', 'renderer'),
    log,
    ...(nativeBinding ? { nativeBinding } : {}),
    ...(port !== undefined && /^\d+$/.test(port) ? { port: Number(port) } : {}),
  });
  const running = await starting;
  server = running;
  if (shutdownStarted) return;
  const appOrigin = new URL(running.urls.dashboard).origin;

  secureSession(session.defaultSession, appOrigin);
  // Only called with URLs that navigation.ts's isExternalLink accepted: https, no credentials.
  const openExternal = (url: string): void => {
    const opening = shell.openExternal(url); // eng-disable OPEN_EXTERNAL_JS_CHECK
    opening.catch((error: unknown) => log(`Could not open ${url}: ${String(error)}`));
  };
  app.on('web-contents-created', (_event, contents) =>
    guardContents(contents, appOrigin, openExternal),
  );

  const invoke = createInvokeHandler(running, appOrigin, log);
  ipcMain.handle(IPC_CHANNELS.invoke, (event, raw: unknown) => invoke(event.senderFrame?.url, raw));
  ipcMain.on(IPC_CHANNELS.liveSubscribe, (event, on: unknown) => {
    const contents = event.sender;
    if (!isTrustedSender(event.senderFrame?.url, appOrigin)) return;
    if (on !== true) {
      liveSubscribers.delete(contents);
      return;
    }
    if (!liveSubscribers.has(contents)) {
      liveSubscribers.add(contents);
      contents.once('destroyed', () => liveSubscribers.delete(contents));
    }
    contents.send(IPC_CHANNELS.live, { type: 'snapshot', state: live } satisfies LiveMessage);
  });

  stopLive = running.onLive(onLiveMessage);
  live = await running.call('live.snapshot', {});

  const buildDir = join(appPath, 'build');
  tray = createTray({
    iconPath: join(
      buildDir,
      'tray',
      process.platform === 'darwin' ? 'trayTemplate.png' : 'tray.png',
    ),
    initial: live,
    loginItem: { supported: loginItemSupported, get: () => app.getLoginItemSettings().openAtLogin },
    onAction: (action) => runTrayAction(action, running),
  });
  dashboard = dashboardWindow({
    url: running.urls.dashboard,
    preload: join(import.meta.dirname, '../preload/preload.cjs'),
    stateFile: join(app.getPath('userData'), 'window-state.json'),
    icon: join(buildDir, 'icon.png'),
    log,
  });

  if (testHooksEnabled(process.env)) {
    installTestHooks({
      trayTitle: () => tray?.title() ?? '',
      trayTooltip: () => tray?.tooltip() ?? '',
      urls: running.urls,
      token: running.token,
    });
  }

  log(`Ready: ${appOrigin}, data in ${app.getPath('userData')}`);
  // Started at login: the tray only, the window opens from it. A page that fails to load leaves
  // the app running in the tray (the services do not depend on it).
  if (!startHidden) {
    await dashboard
      .show()
      .catch((error: unknown) => log(`Could not open the dashboard: ${String(error)}`));
  }
}

/** A sentence for a start-up failure; a busy port is the common one. */
function startFailure(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'EADDRINUSE') {
    return (
      "Gemlight's port is already in use. Is `npm run serve` or another copy of Gemlight running " +
      'with another data folder? Stop it and start Gemlight again.'
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  if (message.includes('NODE_MODULE_VERSION') || message.includes('better_sqlite3.node')) {
    return `${message}\n\n${MISSING_BINDING_HINT}`;
  }
  return message;
}

if (!app.requestSingleInstanceLock()) {
  // Another Gemlight runs with this data folder: it shows its dashboard (second-instance) instead.
  app.quit();
} else {
  app.on('second-instance', () => {
    dashboard
      ?.show()
      .catch((error: unknown) => log(`Could not show the dashboard: ${String(error)}`));
  });
  app.on('activate', () => {
    dashboard
      ?.show()
      .catch((error: unknown) => log(`Could not show the dashboard: ${String(error)}`));
  });
  // The app lives in the tray: closing the last window does not quit (without a tray it does).
  app.on('window-all-closed', () => {
    if (!tray) void shutdown();
  });
  app.on('before-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    void shutdown();
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void shutdown());

  app
    .whenReady()
    .then(start)
    .catch((error: unknown) => {
      const message = startFailure(error);
      log(`Could not start: ${message}`);
      dialog.showErrorBox('Gemlight could not start', message);
      stopped = true;
      app.exit(1);
    });
}
