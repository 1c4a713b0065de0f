import { formatMinor, type Currency } from '../../shared/earnings';
import type { GoalProgress } from '../../shared/goals';
import { sessionDiamonds, type LiveState } from '../../shared/liveState';

/*
 * What the tray shows, computed from the live state: plain data (no Electron), so the tests check
 * the labels and main.ts only maps the model onto Tray and Menu.
 */

/** Something a tray menu item does. */
export type TrayAction =
  | 'open-dashboard'
  | 'start-session'
  | 'end-session'
  | 'copy-overlay-url'
  | 'toggle-open-at-login'
  | 'quit';

/** One tray menu entry. */
export type TrayItem =
  | { kind: 'info'; label: string }
  | { kind: 'separator' }
  | { kind: 'action'; action: TrayAction; label: string; enabled: boolean }
  | { kind: 'checkbox'; action: TrayAction; label: string; checked: boolean };

/** Whether the live state has a session that is still running. */
export const hasOpenSession = (state: LiveState): boolean =>
  state.session !== null && state.session.endedAt === null;

/** Whole diamonds, grouped for reading ("12,345"). */
export function formatDiamonds(diamonds: number, locale = 'en-US'): string {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: 0 }).format(diamonds);
}

/** The tray title (shown beside the icon on macOS): the open session's diamonds, else empty. */
export function trayTitle(state: LiveState, locale?: string): string {
  if (!state.session || !hasOpenSession(state)) return '';
  const text = `💎 ${formatDiamonds(sessionDiamonds(state.session), locale)}`;
  return state.session.simulated ? `${text} (sim)` : text;
}

/** The tray tooltip, which every platform shows: the same number in words. */
export function trayTooltip(state: LiveState, locale?: string): string {
  const session = state.session;
  if (!session || !hasOpenSession(state)) return 'Gemlight: no LIVE session';
  const diamonds = formatDiamonds(sessionDiamonds(session), locale);
  const kind = session.simulated ? 'simulated session' : 'this session';
  return `Gemlight: ${diamonds} diamonds ${kind}`;
}

/** The tray menu for the current state. */
export function trayMenuModel(
  state: LiveState,
  options: { openAtLogin: boolean; loginItemSupported: boolean; locale?: string },
): TrayItem[] {
  const open = hasOpenSession(state);
  const total =
    state.session && open
      ? `Session: ${formatDiamonds(sessionDiamonds(state.session), options.locale)} diamonds${
          state.session.simulated ? ' (simulated)' : ''
        }`
      : 'No LIVE session';
  const items: TrayItem[] = [
    { kind: 'info', label: total },
    { kind: 'separator' },
    { kind: 'action', action: 'start-session', label: 'Start session', enabled: !open },
    { kind: 'action', action: 'end-session', label: 'End session', enabled: open },
    { kind: 'separator' },
    { kind: 'action', action: 'copy-overlay-url', label: 'Copy overlay URL', enabled: true },
    { kind: 'action', action: 'open-dashboard', label: 'Open dashboard', enabled: true },
  ];
  if (options.loginItemSupported) {
    items.push({
      kind: 'checkbox',
      action: 'toggle-open-at-login',
      label: 'Start at login',
      checked: options.openAtLogin,
    });
  }
  items.push(
    { kind: 'separator' },
    { kind: 'action', action: 'quit', label: 'Quit Gemlight', enabled: true },
  );
  return items;
}

/** An OS notification to show. */
export interface Notice {
  title: string;
  body: string;
}

/**
 * The notification for a goal update, if it is news: the same goal reached (again, for rollover
 * goals) since the last update. The first state seen and a newly set goal only set the baseline,
 * so starting the app with a goal already reached does not notify.
 */
export function goalReachedNotice(
  previous: GoalProgress | null,
  next: GoalProgress | null,
  currency: Currency,
  locale?: string,
): Notice | null {
  if (!previous || !next || previous.goal.id !== next.goal.id) return null;
  const newlyReached = next.reached && !previous.reached;
  const anotherRound = next.completions > previous.completions;
  if (!newlyReached && !anotherRound) return null;
  const amount =
    next.goal.kind === 'diamonds'
      ? `${formatDiamonds(next.goal.target, locale)} diamonds`
      : formatMinor(BigInt(next.goal.target), currency, locale);
  const times = next.goal.rollover && next.completions > 1 ? ` (${next.completions}×)` : '';
  return { title: `Goal reached: ${next.goal.label}`, body: `You reached ${amount}${times}.` };
}
