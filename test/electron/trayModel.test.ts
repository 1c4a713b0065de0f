import { describe, expect, it } from 'vitest';
import type { Goal, GoalProgress } from '../../shared/goals';
import {
  emptyLiveState,
  openedLiveSession,
  type LiveSession,
  type LiveState,
} from '../../shared/liveState';
import {
  goalReachedNotice,
  trayMenuModel,
  trayTitle,
  trayTooltip,
  type TrayItem,
} from '../../electron/app/trayModel';

const USD = { code: 'USD', exponent: 2 };

function session(over: Partial<LiveSession> = {}): LiveSession {
  return {
    ...openedLiveSession('s1', 1_700_000_000_000, false, {
      diamondsPerCoin: '1/2',
      minorPerDiamond: '1/2',
    }),
    ...over,
  };
}

const withSession = (s: LiveSession | null): LiveState => ({ ...emptyLiveState(USD), session: s });

const labels = (items: TrayItem[]): string[] =>
  items.map((i) => (i.kind === 'separator' ? '—' : i.label));

describe('tray title and tooltip', () => {
  it('show the open session diamonds, rounded down from coins × rate', () => {
    // 24,691 coins at 1/2 diamond per coin = 12,345.5 → 12,345 whole diamonds.
    const state = withSession(session({ coins: 24_691 }));
    expect(trayTitle(state)).toBe('💎 12,345');
    expect(trayTooltip(state)).toBe('Gemlight: 12,345 diamonds this session');
  });

  it('mark a simulated session', () => {
    const state = withSession(session({ coins: 10, simulated: true }));
    expect(trayTitle(state)).toBe('💎 5 (sim)');
    expect(trayTooltip(state)).toContain('simulated session');
  });

  it('are empty without an open session', () => {
    expect(trayTitle(withSession(null))).toBe('');
    expect(trayTitle(withSession(session({ coins: 100, endedAt: 1_700_000_100_000 })))).toBe('');
    expect(trayTooltip(withSession(null))).toBe('Gemlight: no LIVE session');
  });
});

describe('tray menu', () => {
  it('offers ending the open session and shows its total', () => {
    const items = trayMenuModel(withSession(session({ coins: 2000 })), {
      openAtLogin: true,
      loginItemSupported: true,
    });
    expect(labels(items)).toEqual([
      'Session: 1,000 diamonds',
      '—',
      'Start session',
      'End session',
      '—',
      'Copy overlay URL',
      'Open dashboard',
      'Start at login',
      '—',
      'Quit Gemlight',
    ]);
    expect(items.find((i) => i.kind === 'action' && i.action === 'start-session')).toMatchObject({
      enabled: false,
    });
    expect(items.find((i) => i.kind === 'action' && i.action === 'end-session')).toMatchObject({
      enabled: true,
    });
    expect(items.find((i) => i.kind === 'checkbox')).toMatchObject({ checked: true });
  });

  it('offers starting a session when none is open and hides login where unsupported', () => {
    const items = trayMenuModel(withSession(null), {
      openAtLogin: false,
      loginItemSupported: false,
    });
    expect(labels(items)[0]).toBe('No LIVE session');
    expect(items.some((i) => i.kind === 'checkbox')).toBe(false);
    expect(items.find((i) => i.kind === 'action' && i.action === 'start-session')).toMatchObject({
      enabled: true,
    });
    expect(items.find((i) => i.kind === 'action' && i.action === 'end-session')).toMatchObject({
      enabled: false,
    });
  });
});

describe('goal notifications', () => {
  const goal = (over: Partial<Goal> = {}): Goal => ({
    id: 'g1',
    label: 'New microphone',
    kind: 'diamonds',
    target: 10_000,
    rollover: false,
    createdAt: 0,
    ...over,
  });
  const progress = (g: Goal, current: number, completions: number): GoalProgress => ({
    goal: g,
    current,
    target: g.target,
    fraction: Math.min(1, current / g.target),
    reached: completions > 0,
    completions,
  });

  it('notifies when the same goal becomes reached', () => {
    const g = goal();
    expect(goalReachedNotice(progress(g, 9_990, 0), progress(g, 10_000, 1), USD)).toEqual({
      title: 'Goal reached: New microphone',
      body: 'You reached 10,000 diamonds.',
    });
  });

  it('stays quiet for progress, the first state and a newly set goal', () => {
    const g = goal();
    expect(goalReachedNotice(progress(g, 10, 0), progress(g, 20, 0), USD)).toBeNull();
    expect(goalReachedNotice(null, progress(g, 10_000, 1), USD)).toBeNull();
    expect(
      goalReachedNotice(progress(goal({ id: 'g0' }), 0, 0), progress(g, 10_000, 1), USD),
    ).toBeNull();
    expect(goalReachedNotice(progress(g, 10_000, 1), progress(g, 10_000, 1), USD)).toBeNull();
    expect(goalReachedNotice(progress(g, 10_000, 1), null, USD)).toBeNull();
  });

  it('notifies each round of a rollover goal, and formats cash goals as money', () => {
    const g = goal({ kind: 'cash', target: 50_000, rollover: true, label: 'Rent' });
    const notice = goalReachedNotice(progress(g, 49_000, 1), progress(g, 100, 2), USD);
    expect(notice).toEqual({ title: 'Goal reached: Rent', body: 'You reached $500.00 (2×).' });
  });
});
