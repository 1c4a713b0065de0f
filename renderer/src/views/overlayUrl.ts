/**
 * The overlay builder's model and the URL it writes. Parameter names follow the overlay page's
 * URL contract (overlay/config.ts); only values that differ from the overlay's defaults are
 * written, so the URL stays short enough to read in OBS.
 */

import {
  POSITIONS,
  TIERS,
  WIDGETS,
  type Position,
  type Tier,
  type Widget,
} from '../../../overlay/config';

// The widget, position and tier names are the overlay page's own: one list, so the builder can
// never offer a value the page would reject.
/** The widgets the app serves at /overlay/<widget>. */
export const OVERLAY_WIDGETS = WIDGETS;
/** A widget the app serves at /overlay/<widget>. */
export type OverlayWidget = Widget;
/** Where a widget's block sits inside the source. */
export const OVERLAY_POSITIONS = POSITIONS;
/** Alert tiers, smallest first (the overlay's names). */
export const SOUND_TIERS = TIERS;
/** An alert tier that can play the sound. */
export type SoundTier = Tier;

/** Where the app serves uploaded sounds; such a sound is loaded with the overlay key. */
export const APP_SOUND_PREFIX = '/media/sounds/';

/** Everything the builder lets the creator choose. */
export interface OverlayDesign {
  widget: OverlayWidget;
  unit: 'coins' | 'diamonds';
  position: '' | Position;
  accent: string;
  accent2: string;
  text: string;
  font: string;
  size: number;
  scale: number;
  standard: number;
  big: number;
  celebration: number;
  minCoins: number;
  /** An uploaded sound (`/media/sounds/<name>`), or empty for no sound (the default). */
  sound: string;
  volume: number;
  /** The tiers that play the sound. */
  soundTiers: SoundTier[];
  shoutout: boolean;
  period: 'session' | 'day' | 'all';
  top: number;
  title: string;
  label: string;
}

export const DEFAULT_DESIGN: OverlayDesign = {
  widget: 'alerts',
  unit: 'coins',
  position: '',
  accent: '#ff3b6b',
  accent2: '#25f4ee',
  text: '#ffffff',
  font: '',
  size: 28,
  scale: 1,
  standard: 100,
  big: 1000,
  celebration: 10000,
  minCoins: 0,
  sound: '',
  volume: 60,
  soundTiers: [...SOUND_TIERS],
  shoutout: true,
  period: 'session',
  top: 5,
  title: '',
  label: '',
};

const usesAlerts = (w: OverlayWidget) => w === 'alerts' || w === 'all';
const usesBoard = (w: OverlayWidget) => w === 'leaderboard' || w === 'all';
const usesGoal = (w: OverlayWidget) => w === 'goal' || w === 'all';

/** Which groups of settings apply to a widget. */
export const widgetUses = (w: OverlayWidget) => ({
  alerts: usesAlerts(w),
  board: usesBoard(w),
  goal: usesGoal(w),
});

/** The overlay root ("http://host:port/overlay") from the API's baseUrl, with or without the path. */
export function overlayRoot(baseUrl: string): string {
  const root = baseUrl.replace(/\/+$/, '');
  return /\/overlay$/.test(root) ? root : `${root}/overlay`;
}

/** The browser-source URL for a design. */
export function overlayUrl(
  baseUrl: string,
  key: string,
  d: OverlayDesign,
  preview = false,
): string {
  const url = new URL(`${overlayRoot(baseUrl)}/${d.widget}`);
  const q = url.searchParams;
  q.set('key', key);
  const put = (name: string, value: string | number, fallback: string | number) => {
    if (String(value) !== String(fallback)) q.set(name, String(value));
  };
  const D = DEFAULT_DESIGN;
  const use = widgetUses(d.widget);
  if (d.position) q.set('position', d.position);
  put('accent', d.accent.replace('#', ''), D.accent.replace('#', ''));
  put('accent2', d.accent2.replace('#', ''), D.accent2.replace('#', ''));
  put('text', d.text.replace('#', ''), D.text.replace('#', ''));
  if (d.font.trim()) q.set('font', d.font.trim());
  put('size', d.size, D.size);
  put('scale', d.scale, D.scale);
  if (use.alerts || use.goal) put('unit', d.unit, D.unit);
  if (use.alerts) {
    if (d.standard !== D.standard || d.big !== D.big || d.celebration !== D.celebration) {
      q.set('tiers', `${d.standard},${d.big},${d.celebration}`);
    }
    put('min', d.minCoins, D.minCoins);
    const tiers = SOUND_TIERS.filter((t) => (d.soundTiers ?? SOUND_TIERS).includes(t));
    if (d.sound.trim() && tiers.length > 0) {
      const sound = d.sound.trim();
      // The app serves sounds to overlay-key holders: a path on the page's own origin + the key.
      q.set(
        'sound',
        sound.startsWith(APP_SOUND_PREFIX) ? `${sound}?key=${encodeURIComponent(key)}` : sound,
      );
      q.set('volume', String(d.volume));
      if (tiers.length < SOUND_TIERS.length) q.set('soundTiers', tiers.join(','));
    }
    if (!d.shoutout) q.set('shoutout', '0');
  }
  if (use.board) {
    put('period', d.period, D.period);
    put('top', d.top, D.top);
    if (d.title.trim()) q.set('title', d.title.trim());
  }
  if (use.goal && d.label.trim()) q.set('label', d.label.trim());
  if (preview) q.set('preview', '1');
  return url.href;
}
