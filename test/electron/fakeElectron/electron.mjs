/*
 * A fake of the Electron main-process API, just wide enough for electron/app/main.ts, so the shell
 * runs under plain Node with the real services (test/electron/shell.test.ts). It records what the
 * shell does and answers the test's commands over the child-process IPC channel.
 */
import { EventEmitter } from 'node:events';
import { resolve } from 'node:path';

const record = {
  paths: {},
  sandboxEnabled: false,
  lockRequested: false,
  tray: { title: null, tooltip: '', menu: [], destroyed: false },
  windows: [],
  notifications: [],
  clipboard: '',
  ipcHandlers: {},
  ipcListeners: {},
  headersHandler: null,
  permissionRequest: null,
  loginItem: { openAtLogin: false },
};

class FakeApp extends EventEmitter {
  isPackaged = false;
  setPath(name, path) {
    record.paths[name] = path;
  }
  getPath(name) {
    const path = record.paths[name];
    if (!path) throw new Error(`fake electron: no path ${name}`);
    return path;
  }
  getAppPath() {
    return resolve(import.meta.dirname, '../../..');
  }
  enableSandbox() {
    record.sandboxEnabled = true;
  }
  requestSingleInstanceLock() {
    record.lockRequested = true;
    return true;
  }
  whenReady() {
    return new Promise((r) => setTimeout(r, 0));
  }
  getLoginItemSettings() {
    return { ...record.loginItem };
  }
  setLoginItemSettings(settings) {
    record.loginItem = { ...settings };
  }
  quit() {
    let prevented = false;
    this.emit('before-quit', { preventDefault: () => (prevented = true) });
    if (!prevented) {
      this.emit('will-quit');
      setTimeout(() => process.exit(0), 0);
    }
  }
  exit(code) {
    process.exit(code);
  }
}

export const app = new FakeApp();

class FakeWebContents extends EventEmitter {
  destroyed = false;
  sent = [];
  openHandler = null;
  setWindowOpenHandler(handler) {
    this.openHandler = handler;
  }
  send(channel, message) {
    this.sent.push({ channel, message });
  }
  isDestroyed() {
    return this.destroyed;
  }
}

export class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    this.webContents = new FakeWebContents();
    this.shown = false;
    this.destroyed = false;
    this.load = null;
    record.windows.push(this);
    app.emit('web-contents-created', {}, this.webContents);
  }
  async loadURL(url) {
    const response = await fetch(url);
    const headers = {};
    response.headers.forEach((value, key) => (headers[key] = [value]));
    let finalHeaders = headers;
    if (record.headersHandler) {
      record.headersHandler({ url: response.url, responseHeaders: headers }, (answer) => {
        finalHeaders = answer.responseHeaders;
      });
    }
    this.load = { url, status: response.status, headers: finalHeaders };
  }
  show() {
    this.shown = true;
  }
  focus() {}
  isMinimized() {
    return false;
  }
  restore() {}
  maximize() {}
  isMaximized() {
    return false;
  }
  getNormalBounds() {
    return this.bounds ?? { x: 10, y: 20, width: this.options.width, height: this.options.height };
  }
  isDestroyed() {
    return this.destroyed;
  }
}

export const screen = {
  getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }],
};

export const nativeImage = {
  createFromPath: (path) => ({ path, setTemplateImage() {}, isEmpty: () => false }),
};

export class Tray extends EventEmitter {
  constructor(image) {
    super();
    record.tray.icon = image.path;
  }
  setTitle(title) {
    record.tray.title = title;
  }
  setToolTip(tooltip) {
    record.tray.tooltip = tooltip;
  }
  setContextMenu(menu) {
    record.tray.menu = menu;
  }
  isDestroyed() {
    return record.tray.destroyed;
  }
  destroy() {
    record.tray.destroyed = true;
  }
}

export const Menu = { buildFromTemplate: (template) => template };

export const dialog = {
  showErrorBox: (title, content) => console.error(`[fake dialog] ${title}: ${content}`),
};

export const session = {
  defaultSession: {
    webRequest: {
      onHeadersReceived: (handler) => (record.headersHandler = handler),
    },
    setPermissionRequestHandler: (handler) => (record.permissionRequest = handler),
    setPermissionCheckHandler: () => {},
  },
};

export const ipcMain = {
  handle: (channel, handler) => (record.ipcHandlers[channel] = handler),
  on: (channel, listener) => (record.ipcListeners[channel] = listener),
};

export class Notification {
  static isSupported() {
    return true;
  }
  constructor(options) {
    this.options = options;
  }
  show() {
    record.notifications.push(this.options);
  }
}

export const shell = { openExternal: async () => {} };
export const clipboard = { writeText: (text) => (record.clipboard = text) };

/** What the test reads. */
function report() {
  const hooks = globalThis.__gemlightTest;
  return {
    paths: record.paths,
    sandboxEnabled: record.sandboxEnabled,
    lockRequested: record.lockRequested,
    tray: {
      icon: record.tray.icon,
      tooltip: record.tray.tooltip,
      hookTitle: hooks ? hooks.trayTitle() : null,
      menu: record.tray.menu.map((item) => item.label ?? '—'),
      destroyed: record.tray.destroyed,
    },
    windows: record.windows.map((w) => ({
      webPreferences: w.options.webPreferences,
      shown: w.shown,
      load: w.load,
      openDecision: w.webContents.openHandler?.({ url: 'https://example.com/' }) ?? null,
    })),
    notifications: record.notifications,
    clipboard: record.clipboard,
    ipcChannels: [...Object.keys(record.ipcHandlers), ...Object.keys(record.ipcListeners)].sort(),
    urls: hooks?.urls ?? null,
    token: hooks?.token ?? null,
  };
}

process.on('message', async (command) => {
  try {
    switch (command.type) {
      case 'report':
        process.send({ id: command.id, value: report() });
        return;
      case 'invoke': {
        const contents = record.windows[0]?.webContents ?? new FakeWebContents();
        const value = await record.ipcHandlers['gemlight:invoke'](
          { senderFrame: { url: command.url }, sender: contents },
          command.raw,
        );
        process.send({ id: command.id, value });
        return;
      }
      case 'subscribe': {
        const contents = record.windows[0].webContents;
        record.ipcListeners['gemlight:live-subscribe'](
          { senderFrame: { url: command.url }, sender: contents },
          true,
        );
        process.send({ id: command.id, value: contents.sent.map((s) => s.message.type) });
        return;
      }
      case 'click': {
        const item = record.tray.menu.find((i) => i.label === command.label);
        if (!item?.click) throw new Error(`no menu item ${command.label}`);
        process.send({ id: command.id, value: true });
        item.click();
        return;
      }
      case 'move-window': {
        const w = record.windows[0];
        w.bounds = { ...w.getNormalBounds(), x: command.x, y: command.y };
        w.emit('move');
        process.send({ id: command.id, value: true });
        return;
      }
      case 'close-window': {
        const w = record.windows[0];
        w.emit('close');
        w.destroyed = true;
        w.emit('closed');
        app.emit('window-all-closed');
        process.send({ id: command.id, value: true });
        return;
      }
      default:
        throw new Error(`unknown command ${command.type}`);
    }
  } catch (error) {
    process.send({ id: command.id, error: String(error?.stack ?? error) });
  }
});
