import './style.css';
import { AlertView } from './alertView';
import { GoalView, LeaderboardView, ShoutoutView } from './boardViews';
import { parseConfig, type OverlayConfig } from './config';
import { connectEvents, type ConnectionState } from './connection';
import { LiveFeed } from './liveFeed';
import { rehearseAlerts, type RehearsalReport } from './rehearsal';
import { el } from './elements';
import type { SchedulerStats } from './alertScheduler';

/**
 * The OBS browser-source page. One bundle serves every widget; the path (/overlay/<widget>)
 * picks what is drawn. State comes only from the /events socket and is kept by the shared
 * reducer, so a reconnect's snapshot puts everything right without a reload.
 */

/** What the page exposes for the preview and for tests. Read-only numbers, no controls. */
export interface OverlayDebug {
  widget: string;
  connection: ConnectionState;
  snapshots: number;
  invalidFrames: number;
  alerts: SchedulerStats | null;
  /** The load-time rehearsal of the alert path (rehearsal.ts); null on pages without alerts. */
  rehearsal: RehearsalReport | null;
  cardsOnScreen: () => number;
}

declare global {
  interface Window {
    gemlightOverlay?: OverlayDebug;
  }
}

const LANDSCAPE = { w: 1920, h: 1080 };
const PORTRAIT = { w: 1080, h: 1920 };

function applyTheme(root: HTMLElement, c: OverlayConfig): void {
  const s = root.style;
  s.setProperty('--accent', c.theme.accent);
  s.setProperty('--accent2', c.theme.accent2);
  s.setProperty('--text', c.theme.text);
  s.setProperty('--panel', c.theme.panel);
  if (c.theme.mid) s.setProperty('--goal-mid', c.theme.mid);
  s.setProperty('--size', `${c.theme.size}px`);
  if (c.theme.font) s.setProperty('--font', `"${c.theme.font}"`);
  for (const [tier, ms] of Object.entries(c.durations)) s.setProperty(`--${tier}-ms`, `${ms}ms`);
}

/** Scales the stage so a 1920×1080 (or 1080×1920) layout fills any source size. */
function fitStage(stage: HTMLElement, c: OverlayConfig): void {
  const w = window.innerWidth;
  const h = window.innerHeight;
  const ref = w >= h ? LANDSCAPE : PORTRAIT;
  const auto = c.fit === 'canvas' ? Math.min(w / ref.w, h / ref.h) : 1;
  const scale = Math.max(0.05, auto * c.scale);
  stage.style.width = `${w / scale}px`;
  stage.style.height = `${h / scale}px`;
  stage.style.transform = `scale(${scale})`;
  stage.classList.toggle('portrait', h > w);
}

function start(): void {
  const config = parseConfig(window.location);
  const body = document.body;
  applyTheme(document.documentElement, config);
  const stage = el('div', `stage widget-${config.widget}`);
  body.appendChild(stage);
  fitStage(stage, config);
  window.addEventListener('resize', () => fitStage(stage, config));

  const wants = (w: 'alerts' | 'leaderboard' | 'goal'): boolean =>
    config.widget === w || config.widget === 'all';
  const area = (name: string): HTMLElement => {
    const a = el('div', `area area-${name}`);
    stage.appendChild(a);
    return a;
  };

  // The combined layout places goal and board itself; `position` then moves the alerts only.
  const all = config.widget === 'all';
  const feed = new LiveFeed(config, (format) => ({
    goal: wants('goal')
      ? new GoalView(config, area('goal'), all ? 'top-left' : config.position)
      : null,
    board: wants('leaderboard')
      ? new LeaderboardView(config, area('leaderboard'), all ? 'top-right' : config.position)
      : null,
    alerts: wants('alerts') ? new AlertView(config, area('alerts'), format) : null,
    shoutout: wants('alerts') && config.shoutout ? new ShoutoutView(area('shoutout')) : null,
  }));
  const { alerts } = feed.widgets;
  const dot = config.preview ? el('div', 'status-dot') : null;
  if (dot) body.appendChild(dot);

  const debug: OverlayDebug = {
    widget: config.widget,
    connection: 'connecting',
    get snapshots() {
      return feed.snapshots;
    },
    get invalidFrames() {
      return feed.invalidFrames;
    },
    alerts: alerts?.scheduler.stats ?? null,
    rehearsal: null,
    cardsOnScreen: () => alerts?.nodeCount ?? 0,
  };
  window.gemlightOverlay = debug;

  // Before the socket opens: the first real gift then finds the alert path compiled. Only an
  // optimization: whatever goes wrong in it, the page still connects and shows alerts.
  if (alerts) {
    try {
      debug.rehearsal = rehearseAlerts(config);
    } catch (error) {
      console.warn('alert rehearsal failed', error);
    }
  }

  const params = new URLSearchParams({ key: config.key, widget: config.widget });
  if (config.preview) params.set('preview', '1');
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  connectEvents({
    url: `${scheme}://${window.location.host}/events?${params.toString()}`,
    // The heartbeat's wake-up also ages out the alert scheduler's remembered streak keys, so a
    // storm's keys are gone within a heartbeat of their window (KEY_MEMORY_MS), with no timer of
    // their own.
    onHeartbeat: () => alerts?.forgetOld(),
    onState: (s) => {
      debug.connection = s;
      if (dot) dot.dataset.state = s;
    },
    onFrame: (data) => feed.frame(data),
  });
}

start();
