import { Menu, Tray, nativeImage, type MenuItemConstructorOptions } from 'electron';
import type { LiveState } from '../../shared/liveState';
import { assertNever } from '../../shared/result';
import { trayMenuModel, trayTitle, trayTooltip, type TrayAction, type TrayItem } from './trayModel';

/** The tray icon and its menu, following the live state. */
export interface TrayController {
  /** Shows a new live state (coalesced: the menu is rebuilt at most a few times a second). */
  update(state: LiveState): void;
  /** The title last set (what macOS shows beside the icon; kept on every platform for tests). */
  title(): string;
  tooltip(): string;
  destroy(): void;
}

/** How often the tray may be redrawn during a gift storm. */
const REDRAW_INTERVAL_MS = 250;

/** Creates the tray; `onAction` runs what a menu item asks for. */
export function createTray(input: {
  iconPath: string;
  initial: LiveState;
  loginItem: { supported: boolean; get(): boolean };
  onAction: (action: TrayAction) => void;
}): TrayController {
  const image = nativeImage.createFromPath(input.iconPath);
  if (process.platform === 'darwin') image.setTemplateImage(true);
  const tray = new Tray(image);
  let state = input.initial;
  let title = '';
  let tooltip = '';
  let timer: NodeJS.Timeout | null = null;

  const toMenuItem = (item: TrayItem): MenuItemConstructorOptions => {
    switch (item.kind) {
      case 'info':
        return { label: item.label, enabled: false };
      case 'separator':
        return { type: 'separator' };
      case 'action':
        return {
          label: item.label,
          enabled: item.enabled,
          click: () => input.onAction(item.action),
        };
      case 'checkbox':
        return {
          label: item.label,
          type: 'checkbox',
          checked: item.checked,
          click: () => input.onAction(item.action),
        };
      default:
        return assertNever(item, 'tray item');
    }
  };

  const redraw = (): void => {
    timer = null;
    if (tray.isDestroyed()) return;
    title = trayTitle(state);
    tooltip = trayTooltip(state);
    if (process.platform === 'darwin') tray.setTitle(title);
    tray.setToolTip(tooltip);
    const model = trayMenuModel(state, {
      openAtLogin: input.loginItem.supported && input.loginItem.get(),
      loginItemSupported: input.loginItem.supported,
    });
    tray.setContextMenu(Menu.buildFromTemplate(model.map(toMenuItem)));
  };

  // Windows and Linux open the menu on right click; a left click opens the dashboard.
  tray.on('click', () => input.onAction('open-dashboard'));
  redraw();

  return {
    update(next) {
      state = next;
      timer ??= setTimeout(redraw, REDRAW_INTERVAL_MS);
    },
    title: () => title,
    tooltip: () => tooltip,
    destroy() {
      if (timer) clearTimeout(timer);
      if (!tray.isDestroyed()) tray.destroy();
    },
  };
}
