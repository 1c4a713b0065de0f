import type { Currency } from './earnings';
import type { Goal, GoalProgress } from './goals';
import type { GifterTotal, LeaderboardPeriod } from './leaderboard';
import type { LiveState, SourceHealth } from './liveState';
import type { DomainError } from './result';

/**
 * The local API's one typed command map. The HTTP server, the Electron preload/IPC layer and the
 * dashboard's client are all checked against it. Money travels as `{currency, minor}` with
 * `minor` an integer number of minor units; rates travel as exact decimal or "n/d" strings.
 */

/** Cash in minor units of a currency. */
export interface Cash {
  currency: string;
  minor: number;
}

/** A gifter reference in a summary. */
export interface GifterRef {
  userId: string;
  handle: string;
  name: string;
  coins: number;
}

/** One LIVE session, as listed in the history. */
export interface SessionSummary {
  id: string;
  startedAt: number;
  endedAt: number | null;
  /** Simulated or replayed sessions are shown but never counted as earnings. */
  simulated: boolean;
  coins: number;
  diamonds: number;
  giftCount: number;
  gifterCount: number;
  cash: Cash;
  topGifter: GifterRef | null;
  /** Milliseconds no source observed (reconnects): totals are "observed, with a gap". */
  gapMs: number;
}

/** The current session, with its top gifters. */
export interface CurrentSession extends SessionSummary {
  topGifters: GifterRef[];
}

/** One gift kind within a session. */
export interface GiftBreakdown {
  giftId: number;
  name: string;
  image?: string;
  coinsEach: number;
  count: number;
  coins: number;
}

/** One minute of a session's timeline. */
export interface TimelinePoint {
  minute: number;
  coins: number;
  diamonds: number;
  gifts: number;
}

/** A session with everything the detail view shows. */
export interface SessionDetail extends CurrentSession {
  gifts: GiftBreakdown[];
  timeline: TimelinePoint[];
  gaps: { from: number; to: number | null }[];
  gifters: GifterRef[];
  likes: number;
  follows: number;
  shares: number;
  peakViewers: number;
}

/** Totals over a time range (sessions that started in [from, to)). */
export interface RangeSummary {
  from: number | null;
  to: number | null;
  sessions: number;
  coins: number;
  diamonds: number;
  giftCount: number;
  gifterCount: number;
  cash: Cash;
}

/** A page of results. */
export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` to get the next page; null at the end. */
  nextCursor: string | null;
  total: number;
}

/** A gifter's history, for thanking regulars. */
export interface GifterProfile extends GifterRef {
  avatar?: string;
  firstSeen: number;
  lastSeen: number;
  sessions: number;
  biggestGift: { giftId: number; name: string; coins: number; time: number } | null;
}

/** Rates as the API shows and takes them: exact decimal strings. */
export interface RatesDto {
  effectiveFrom: number;
  diamondsPerCoin: string;
  usdPerDiamond: string;
  creatorSharePercent: string;
  agencyCutPercent: string;
  payoutFeePercent: string;
  payoutFeeFixedMinor: number;
  usdToLocal: string;
}

/** A withdrawal as the API shows and takes it. */
export interface WithdrawalDto {
  id: string;
  time: number;
  diamonds: number;
  receivedMinor: number;
  feeMinor: number;
}

/** Payout tracking: balance, goal, projection and the rate withdrawals imply. */
export interface PayoutStatus {
  currency: Currency;
  earnedDiamonds: number;
  withdrawnDiamonds: number;
  balanceDiamonds: number;
  balanceCash: Cash;
  goal: GoalProgress | null;
  /** Projected date the goal is reached at the recent earning rate; null if not projectable. */
  projectedAt: number | null;
  perStreamedHour: Cash;
  perDay: Cash;
  /** Minor units per diamond, configured now vs implied by withdrawals (decimal strings). */
  configuredRate: string;
  effectiveRate: string | null;
}

/** The app's settings. */
export interface Settings {
  currency: Currency;
  locale: string;
  theme: 'dark' | 'light';
  lanAccess: boolean;
  allowedOrigins: string[];
  sessionIdleTimeoutMs: number;
  streakTimeoutMs: number;
  tiktok: { username: string; signApiKey: string; waitUntilLive: boolean; enabled: boolean };
  tikfinity: { url: string; enabled: boolean };
  obs: { url: string; password: string; enabled: boolean };
}

/** Where the overlay pages are and how to reach them. */
export interface OverlayInfo {
  key: string;
  baseUrl: string;
  widgets: string[];
}

/** Where the app runs and how other tools reach it (the Settings view shows and copies these). */
export interface AppInfo {
  version: string;
  /** Folder holding the ledger, settings and backups. */
  dataDir: string;
  /** ws://…/ingest, for push clients. */
  ingestUrl: string;
  /** http://…/dashboard (without the token). */
  dashboardUrl: string;
  /** The token push clients and the dashboard authenticate with. */
  token: string;
  /** Dashboard URLs reachable from other machines when LAN access is on; empty otherwise. */
  lanUrls: string[];
}

/** A widget the OBS integration can add as a browser source. */
export type ObsWidgetName = 'alerts' | 'leaderboard' | 'goal' | 'all';

/** The OBS integration as the dashboard shows it. */
export interface ObsStatusDto {
  enabled: boolean;
  url: string;
  /** `off` when disabled; `error` carries what went wrong and what to do. */
  state: 'off' | 'connecting' | 'connected' | 'error';
  obsWebSocketVersion: string | null;
  error: DomainError | null;
  /** Gemlight widgets that have a browser source in OBS (known while connected). */
  sources: ObsWidgetName[];
  /** Sources the watchdog or a click refreshed, newest last (the last 20). */
  refreshed: { inputName: string; time: number }[];
}

/** What adding a widget to OBS did. */
export interface ObsAddedSource {
  widget: ObsWidgetName;
  inputName: string;
  sceneName: string;
  width: number;
  height: number;
  action: 'created' | 'updated';
}

/** Sound formats the overlay can play (recognised by content, not by name). */
export type SoundType = 'audio/mpeg' | 'audio/ogg' | 'audio/wav';

/** An alert sound stored by the app. */
export interface SoundFile {
  /** Generated by the app: a slug of the uploaded name, a random part, the extension. */
  name: string;
  type: SoundType;
  bytes: number;
  uploadedAt: number;
  /** Where overlay pages load it: `/media/sounds/<name>` (needs `?key=` or the token). */
  path: string;
}

/** A long operation on the ledger, as `operations.status` reports it. */
export interface OperationStatus {
  id: string;
  kind: 'rebuild' | 'import';
  state: 'running' | 'done' | 'failed';
  /** What it is doing now, in words for people ("Rebuilding sessions and totals"). */
  phase: string;
  /** How far, 0..1 (by records for a rebuild, by phase for an import). */
  progress: number;
  startedAt: number;
  finishedAt: number | null;
  /** Raw records replayed (rebuild) or rows imported (import), once known. */
  records: number;
  /** Events that arrived while it ran: held, then stored when it finished. */
  deferredEvents: number;
  /** The backup taken before an import replaced the ledger. */
  backupFile: string | null;
  error: DomainError | null;
}

type Cmd<P, R> = { params: P; result: R };
type Empty = Record<string, never>;

/** Every command of the local API: name → params and result. */
export interface ApiCommands {
  'health.get': Cmd<Empty, { ok: true; version: string }>;
  'live.snapshot': Cmd<Empty, LiveState>;
  'sessions.list': Cmd<
    {
      cursor?: string;
      limit?: number;
      from?: number;
      to?: number;
      sort?: 'startedAt' | 'coins' | 'diamonds' | 'giftCount' | 'gifterCount' | 'duration';
      order?: 'asc' | 'desc';
      includeSimulated?: boolean;
    },
    Page<SessionSummary>
  >;
  'sessions.current': Cmd<Empty, CurrentSession>;
  'sessions.get': Cmd<{ id: string }, SessionDetail>;
  'sessions.start': Cmd<Empty, CurrentSession>;
  'sessions.end': Cmd<Empty, SessionSummary>;
  'summary.get': Cmd<{ from?: number; to?: number }, RangeSummary>;
  'gifters.top': Cmd<{ period: LeaderboardPeriod; limit?: number; at?: number }, GifterTotal[]>;
  'gifters.get': Cmd<{ userId: string }, GifterProfile>;
  'settings.get': Cmd<Empty, Settings>;
  'settings.update': Cmd<Partial<Settings>, Settings>;
  'rates.list': Cmd<Empty, RatesDto[]>;
  'rates.add': Cmd<RatesDto, RatesDto[]>;
  'goal.get': Cmd<Empty, Goal | null>;
  'goal.set': Cmd<Omit<Goal, 'id' | 'createdAt'>, Goal>;
  'withdrawals.list': Cmd<Empty, WithdrawalDto[]>;
  'withdrawals.add': Cmd<Omit<WithdrawalDto, 'id'>, WithdrawalDto>;
  'withdrawals.delete': Cmd<{ id: string }, { deleted: true }>;
  'payout.status': Cmd<Empty, PayoutStatus>;
  'sources.list': Cmd<Empty, SourceHealth[]>;
  'simulator.start': Cmd<{ rate?: number; storm?: boolean; seed?: number }, { running: true }>;
  'simulator.stop': Cmd<Empty, { running: false }>;
  'overlay.info': Cmd<Empty, OverlayInfo>;
  'overlay.testAlert': Cmd<{ giftId?: number; count?: number; name?: string }, { sent: true }>;
  'backup.now': Cmd<Empty, { file: string; bytes: number }>;
  'backup.list': Cmd<Empty, { file: string; time: number; bytes: number }[]>;
  'backup.restore': Cmd<{ file: string }, { restored: true }>;
  'app.info': Cmd<Empty, AppInfo>;
  /** Replays a stored session's events through the pipeline (marked replay, never earnings). */
  'sessions.replay': Cmd<{ id: string; speed?: number }, { started: true; events: number }>;
  /** The OBS integration's state (connection, sources in OBS, recent refreshes). */
  'obs.status': Cmd<Empty, ObsStatusDto>;
  /** Tries a connection (given or saved address/password) without saving; answers OBS's version. */
  'obs.test': Cmd<
    { url?: string; password?: string },
    { obsWebSocketVersion: string; sources: ObsWidgetName[] }
  >;
  /** Adds widgets (with the builder's theme query) to OBS's current scene, sized to the canvas. */
  'obs.addWidgets': Cmd<{ widgets: ObsWidgetName[]; query?: string }, ObsAddedSource[]>;
  /** Refreshes the given widgets' sources, or else every source whose page stopped beating. */
  'obs.refresh': Cmd<{ widgets?: ObsWidgetName[] }, { refreshed: string[] }>;
  /** The stored alert sounds, newest first. */
  'sounds.list': Cmd<Empty, SoundFile[]>;
  /** Stores an MP3, Ogg or WAV file (≤ 2 MiB, base64) under a generated name. */
  'sounds.upload': Cmd<{ fileName: string; dataBase64: string }, SoundFile>;
  'sounds.delete': Cmd<{ name: string }, { deleted: true }>;
  /** The running long operation, else the last one (null when none ran since start). */
  'operations.status': Cmd<Empty, OperationStatus | null>;
  /** Starts regenerating the derived tables from the raw log; poll `operations.status`. */
  'operations.rebuild': Cmd<Empty, OperationStatus>;
  /** Starts replacing the ledger with a JSON export (a file on this computer; backed up first). */
  'operations.import': Cmd<{ file: string }, OperationStatus>;
}

export type CommandName = keyof ApiCommands;
export type ParamsOf<K extends CommandName> = ApiCommands[K]['params'];
export type ResultOf<K extends CommandName> = ApiCommands[K]['result'];

/** How each command maps onto HTTP. GET params travel in the query string, others as JSON body. */
export const HTTP_ROUTES: {
  [K in CommandName]: { method: 'GET' | 'POST' | 'PUT' | 'DELETE'; path: string };
} = {
  'health.get': { method: 'GET', path: '/health' },
  'live.snapshot': { method: 'GET', path: '/api/live' },
  'sessions.list': { method: 'GET', path: '/api/sessions' },
  'sessions.current': { method: 'GET', path: '/api/sessions/current' },
  'sessions.get': { method: 'GET', path: '/api/sessions/:id' },
  'sessions.start': { method: 'POST', path: '/api/sessions/start' },
  'sessions.end': { method: 'POST', path: '/api/sessions/end' },
  'summary.get': { method: 'GET', path: '/api/summary' },
  'gifters.top': { method: 'GET', path: '/api/gifters' },
  'gifters.get': { method: 'GET', path: '/api/gifters/:userId' },
  'settings.get': { method: 'GET', path: '/api/settings' },
  'settings.update': { method: 'PUT', path: '/api/settings' },
  'rates.list': { method: 'GET', path: '/api/rates' },
  'rates.add': { method: 'POST', path: '/api/rates' },
  'goal.get': { method: 'GET', path: '/api/goal' },
  'goal.set': { method: 'PUT', path: '/api/goal' },
  'withdrawals.list': { method: 'GET', path: '/api/withdrawals' },
  'withdrawals.add': { method: 'POST', path: '/api/withdrawals' },
  'withdrawals.delete': { method: 'DELETE', path: '/api/withdrawals/:id' },
  'payout.status': { method: 'GET', path: '/api/payout' },
  'sources.list': { method: 'GET', path: '/api/sources' },
  'simulator.start': { method: 'POST', path: '/api/simulator/start' },
  'simulator.stop': { method: 'POST', path: '/api/simulator/stop' },
  'overlay.info': { method: 'GET', path: '/api/overlay' },
  'overlay.testAlert': { method: 'POST', path: '/api/overlay/test-alert' },
  'backup.now': { method: 'POST', path: '/api/backups' },
  'backup.list': { method: 'GET', path: '/api/backups' },
  'backup.restore': { method: 'POST', path: '/api/backups/restore' },
  'app.info': { method: 'GET', path: '/api/app' },
  'sessions.replay': { method: 'POST', path: '/api/sessions/:id/replay' },
  'obs.status': { method: 'GET', path: '/api/obs' },
  'obs.test': { method: 'POST', path: '/api/obs/test' },
  'obs.addWidgets': { method: 'POST', path: '/api/obs/widgets' },
  'obs.refresh': { method: 'POST', path: '/api/obs/refresh' },
  'sounds.list': { method: 'GET', path: '/api/sounds' },
  'sounds.upload': { method: 'POST', path: '/api/sounds' },
  'sounds.delete': { method: 'DELETE', path: '/api/sounds/:name' },
  'operations.status': { method: 'GET', path: '/api/operations' },
  'operations.rebuild': { method: 'POST', path: '/api/operations/rebuild' },
  'operations.import': { method: 'POST', path: '/api/operations/import' },
};

/** The error body every failing API call answers with. */
export type ApiError = DomainError;

/** Replies on the /ingest WebSocket, one per event, in order. */
export type IngestReply =
  | { type: 'ack'; id: string; duplicate: boolean; ignored?: boolean }
  | { type: 'error'; id: string | null; code: DomainError['code']; message: string };
