/**
 * The overlay's settings, read from the page URL. Every parameter is untrusted input (anyone can
 * paste a URL into OBS): each one is checked against its own rule and falls back to its default
 * when it does not pass, so a typo never breaks the page or injects CSS.
 */

/** The widgets the app serves at /overlay/<widget>. */
export const WIDGETS = ['alerts', 'leaderboard', 'goal', 'all'] as const;
export type Widget = (typeof WIDGETS)[number];

/** Alert tiers, smallest first. */
export const TIERS = ['toast', 'standard', 'big', 'celebration'] as const;
export type Tier = (typeof TIERS)[number];

export const POSITIONS = [
  'top-left',
  'top',
  'top-right',
  'left',
  'center',
  'right',
  'bottom-left',
  'bottom',
  'bottom-right',
] as const;
/** Where a widget's block sits inside the source. */
export type Position = (typeof POSITIONS)[number];

/** Everything the URL can set. */
export interface OverlayConfig {
  widget: Widget;
  key: string;
  preview: boolean;
  /** Multiplies the automatic fit-to-canvas scale. */
  scale: number;
  /** `canvas`: scale so a 1920×1080 (or 1080×1920) layout fits the source; `none`: 1 CSS px = 1 px. */
  fit: 'canvas' | 'none';
  unit: 'coins' | 'diamonds';
  position: Position;
  /** False when `position` is the widget's default (the layout may then adapt to portrait). */
  positionSet: boolean;
  theme: {
    accent: string;
    accent2: string;
    /** Middle color of the goal bar; null keeps the stylesheet's. */
    mid: string | null;
    text: string;
    panel: string;
    font: string;
    /** Base font size in px at scale 1. */
    size: number;
  };
  /** Coin values where standard, big and celebration start. */
  thresholds: { standard: number; big: number; celebration: number };
  /** How long each tier stays on screen (ms). */
  durations: Record<Tier, number>;
  /** Gifts (whole streaks) worth less than this many coins get no alert. */
  minCoins: number;
  /** Alerts never start later than this after their gift arrived (ms). */
  maxLagMs: number;
  /** At most this many alerts on screen at once. */
  maxOnScreen: number;
  sound: { url: string | null; volume: number; tiers: readonly Tier[] };
  shoutout: boolean;
  leaderboard: { period: 'session' | 'day' | 'all'; top: number; title: string | null };
  goal: { label: string | null };
}

export const DEFAULT_DURATIONS: Record<Tier, number> = {
  toast: 3_000,
  standard: 5_000,
  big: 8_000,
  celebration: 12_000,
};

const HEX_COLOR = /^#?([0-9a-f]{3}|[0-9a-f]{4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;
const NAMED_COLOR = /^[a-z]{3,20}$/i;
const FONT_NAME = /^[\p{L}\p{N} _-]{1,60}$/u;

/** A CSS color from a URL value (hex with or without '#', or a named color); null if neither. */
export function parseColor(value: string | null): string | null {
  if (value === null) return null;
  const v = value.trim();
  if (HEX_COLOR.test(v)) return v.startsWith('#') ? v : `#${v}`;
  if (NAMED_COLOR.test(v)) return v.toLowerCase();
  return null;
}

function parseNumber(value: string | null, min: number, max: number): number | null {
  if (value === null || value.trim() === '') return null;
  const n = Number(value);
  return Number.isFinite(n) && n >= min && n <= max ? n : null;
}

function parseInteger(value: string | null, min: number, max: number): number | null {
  const n = parseNumber(value, min, max);
  return n !== null && Number.isInteger(n) ? n : null;
}

function parseEnum<T extends string>(value: string | null, allowed: readonly T[]): T | null {
  return value !== null && (allowed as readonly string[]).includes(value) ? (value as T) : null;
}

const parseFlag = (value: string | null): boolean | null =>
  value === null ? null : ['1', 'true', 'yes', 'on'].includes(value.toLowerCase());

/** A short label the creator typed into the URL: kept as plain text, cut to 60 code points. */
function parseLabel(value: string | null): string | null {
  if (value === null) return null;
  const text = [...value.trim()].slice(0, 60).join('');
  return text === '' ? null : text;
}

/** Sound files come from the app itself (same origin) or https; anything else is ignored. */
function parseSoundUrl(value: string | null, origin: string): string | null {
  if (value === null || value === '') return null;
  try {
    const url = new URL(value, origin);
    if (url.origin === origin || url.protocol === 'https:') return url.href;
  } catch {
    // Not a URL at all: no sound.
  }
  return null;
}

/** The widget named by the path (/overlay/<widget>) or, for the dev harness, `?widget=`. */
export function widgetFromLocation(pathname: string, params: URLSearchParams): Widget {
  const fromPath = /\/overlay\/([a-z]+)\/?$/.exec(pathname)?.[1] ?? null;
  return parseEnum(fromPath, WIDGETS) ?? parseEnum(params.get('widget'), WIDGETS) ?? 'all';
}

/** Reads the whole configuration from a page location. */
export function parseConfig(location: {
  pathname: string;
  search: string;
  origin: string;
}): OverlayConfig {
  const p = new URLSearchParams(location.search);
  const widget = widgetFromLocation(location.pathname, p);

  const thresholdList = (p.get('tiers') ?? '').split(',').map((v) => parseInteger(v, 1, 1e7));
  const standard = parseInteger(p.get('standard'), 1, 1e7) ?? thresholdList[0] ?? 100;
  const big = parseInteger(p.get('big'), 1, 1e7) ?? thresholdList[1] ?? 1_000;
  const celebration = parseInteger(p.get('celebration'), 1, 1e7) ?? thresholdList[2] ?? 10_000;
  // Thresholds must rise; a URL that mixes them up gets the defaults rather than a broken ladder.
  const thresholds =
    standard < big && big < celebration
      ? { standard, big, celebration }
      : { standard: 100, big: 1_000, celebration: 10_000 };

  const durationList = (p.get('durations') ?? '')
    .split(',')
    .map((v) => parseInteger(v, 500, 120_000));
  const durations = { ...DEFAULT_DURATIONS };
  TIERS.forEach((tier, i) => {
    durations[tier] =
      parseInteger(p.get(`${tier}Ms`), 500, 120_000) ?? durationList[i] ?? durations[tier];
  });

  const soundTiers = (p.get('soundTiers') ?? '')
    .split(',')
    .map((t) => parseEnum(t, TIERS))
    .filter((t): t is Tier => t !== null);

  const periodParam = p.get('period');
  const period =
    periodParam === 'today' ? 'day' : parseEnum(periodParam, ['session', 'day', 'all']);

  return {
    widget,
    key: p.get('key') ?? '',
    preview: parseFlag(p.get('preview')) ?? false,
    scale: parseNumber(p.get('scale'), 0.1, 10) ?? 1,
    fit: parseEnum(p.get('fit'), ['canvas', 'none']) ?? 'canvas',
    unit: parseEnum(p.get('unit'), ['coins', 'diamonds']) ?? 'coins',
    positionSet: parseEnum(p.get('position'), POSITIONS) !== null,
    position:
      parseEnum(p.get('position'), POSITIONS) ??
      (widget === 'leaderboard' ? 'top-right' : widget === 'goal' ? 'top' : 'bottom-left'),
    theme: {
      accent: parseColor(p.get('accent')) ?? '#ff3b6b',
      accent2: parseColor(p.get('accent2')) ?? '#25f4ee',
      mid: parseColor(p.get('mid')),
      text: parseColor(p.get('text')) ?? '#ffffff',
      panel: parseColor(p.get('panel')) ?? '#0f0f19d9',
      font: FONT_NAME.test(p.get('font') ?? '') ? (p.get('font') ?? '') : '',
      size: parseNumber(p.get('size'), 8, 96) ?? 28,
    },
    thresholds,
    durations,
    minCoins: parseInteger(p.get('min'), 0, 1e7) ?? 0,
    maxLagMs: parseInteger(p.get('lag'), 1_000, 60_000) ?? 5_000,
    maxOnScreen: parseInteger(p.get('max'), 1, 10) ?? 3,
    sound: {
      url: parseSoundUrl(p.get('sound'), location.origin),
      volume: (parseNumber(p.get('volume'), 0, 100) ?? 60) / 100,
      tiers: soundTiers.length > 0 ? soundTiers : TIERS,
    },
    shoutout: parseFlag(p.get('shoutout')) ?? true,
    leaderboard: {
      period: period ?? 'session',
      top: parseInteger(p.get('top'), 1, 20) ?? 5,
      title: parseLabel(p.get('title')),
    },
    goal: { label: parseLabel(p.get('label')) },
  };
}

/** The tier of an amount of coins under the configured thresholds. */
export function tierOf(coins: number, t: OverlayConfig['thresholds']): Tier {
  if (coins >= t.celebration) return 'celebration';
  if (coins >= t.big) return 'big';
  if (coins >= t.standard) return 'standard';
  return 'toast';
}
