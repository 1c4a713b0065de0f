import { z } from 'zod';
import type { Settings } from '../../../shared/api';
import { DEFAULT_STREAK_TIMEOUT_MS } from '../../../shared/streaks';
import type { LedgerDb } from '../ledger/db';

/** The settings a fresh install starts with. */
export const DEFAULT_SETTINGS: Settings = {
  currency: { code: 'USD', exponent: 2 },
  locale: 'en-US',
  theme: 'dark',
  lanAccess: false,
  allowedOrigins: [],
  sessionIdleTimeoutMs: 30 * 60_000,
  streakTimeoutMs: DEFAULT_STREAK_TIMEOUT_MS,
  tiktok: { username: '', signApiKey: '', waitUntilLive: true, enabled: false },
  tikfinity: { url: 'ws://localhost:21213/', enabled: false },
  obs: { url: 'ws://127.0.0.1:4455', password: '', enabled: false },
};

const origin = z
  .string()
  .max(200)
  .regex(/^https?:\/\/[^/\s]+$/, 'an origin such as https://example.com (no path)');

/** The full settings object, as stored and as `settings.update` merges into. */
export const settingsSchema = z.strictObject({
  currency: z.strictObject({
    code: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD'),
    exponent: z.number().int().min(0).max(4),
  }),
  locale: z.string().min(2).max(35),
  theme: z.enum(['dark', 'light']),
  lanAccess: z.boolean(),
  allowedOrigins: z.array(origin).max(50),
  sessionIdleTimeoutMs: z
    .number()
    .int()
    .min(60_000)
    .max(24 * 3_600_000),
  streakTimeoutMs: z.number().int().min(1_000).max(600_000),
  tiktok: z.strictObject({
    username: z
      .string()
      .max(64)
      .regex(/^@?[A-Za-z0-9._]*$/, 'a TikTok @username'),
    signApiKey: z.string().max(200),
    waitUntilLive: z.boolean(),
    enabled: z.boolean(),
  }),
  tikfinity: z.strictObject({
    url: z
      .string()
      .max(300)
      .regex(/^wss?:\/\/\S+$/, 'a ws:// or wss:// URL'),
    enabled: z.boolean(),
  }),
  obs: z.strictObject({
    url: z
      .string()
      .max(300)
      .regex(/^wss?:\/\/\S+$/, 'a ws:// or wss:// URL'),
    password: z.string().max(200),
    enabled: z.boolean(),
  }),
});

/** A partial update: top-level keys optional, nested objects may be partial too. */
export const settingsPatchSchema = z.strictObject({
  currency: settingsSchema.shape.currency.optional(),
  locale: settingsSchema.shape.locale.optional(),
  theme: settingsSchema.shape.theme.optional(),
  lanAccess: settingsSchema.shape.lanAccess.optional(),
  allowedOrigins: settingsSchema.shape.allowedOrigins.optional(),
  sessionIdleTimeoutMs: settingsSchema.shape.sessionIdleTimeoutMs.optional(),
  streakTimeoutMs: settingsSchema.shape.streakTimeoutMs.optional(),
  tiktok: settingsSchema.shape.tiktok.partial().optional(),
  tikfinity: settingsSchema.shape.tikfinity.partial().optional(),
  obs: settingsSchema.shape.obs.partial().optional(),
});

/** A validated partial settings update. */
export type SettingsPatch = z.infer<typeof settingsPatchSchema>;

/** Merges a validated patch into settings (nested objects merge key by key). */
export function mergeSettings(base: Settings, patch: SettingsPatch): Settings {
  return {
    ...base,
    ...(patch.currency ? { currency: patch.currency } : {}),
    ...(patch.locale !== undefined ? { locale: patch.locale } : {}),
    ...(patch.theme !== undefined ? { theme: patch.theme } : {}),
    ...(patch.lanAccess !== undefined ? { lanAccess: patch.lanAccess } : {}),
    ...(patch.allowedOrigins ? { allowedOrigins: patch.allowedOrigins } : {}),
    ...(patch.sessionIdleTimeoutMs !== undefined
      ? { sessionIdleTimeoutMs: patch.sessionIdleTimeoutMs }
      : {}),
    ...(patch.streakTimeoutMs !== undefined ? { streakTimeoutMs: patch.streakTimeoutMs } : {}),
    tiktok: { ...base.tiktok, ...patch.tiktok },
    tikfinity: { ...base.tikfinity, ...patch.tikfinity },
    obs: { ...base.obs, ...patch.obs },
  };
}

/** Reads the settings from the ledger; anything unreadable falls back to the defaults. */
export function loadSettings(db: LedgerDb): Settings {
  const row = db
    .prepare<[], { value: string }>("SELECT value FROM settings WHERE key = 'settings'")
    .get();
  if (!row) return DEFAULT_SETTINGS;
  try {
    const stored = settingsPatchSchema.safeParse(JSON.parse(row.value));
    return stored.success ? mergeSettings(DEFAULT_SETTINGS, stored.data) : DEFAULT_SETTINGS;
  } catch {
    return DEFAULT_SETTINGS;
  }
}

/** Writes the whole settings object. */
export function saveSettings(db: LedgerDb, settings: Settings): void {
  db.prepare(
    "INSERT INTO settings (key, value) VALUES ('settings', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  ).run(JSON.stringify(settings));
}
