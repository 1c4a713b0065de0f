import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  AppInfo,
  CommandName,
  CurrentSession,
  IngestReply,
  OperationStatus,
  OverlayInfo,
  ParamsOf,
  ResultOf,
  Settings,
} from '../../shared/api';
import {
  bundledCatalog,
  mergeCatalogs,
  type CatalogGift,
  type GiftCatalog,
} from '../../shared/catalog';
import { ratesAt, type RateSchedule } from '../../shared/earnings';
import type { EventOrigin } from '../../shared/events';
import type { Goal, GoalProgress } from '../../shared/goals';
import type { SourceHealth } from '../../shared/liveState';
import type { DomainError, ErrorCode } from '../../shared/result';
import { COMMAND_SCHEMAS, describeZodError } from './api/schemas';
import { importLedger, ImportError, parseLedgerExport } from './backup/jsonExport';
import { loadSettings, mergeSettings, saveSettings } from './config/settings';
import { IngestPipeline } from './ingest/pipeline';
import { backupNow, isBackupName, listBackups, restoreInto, RestoreError } from './ledger/backup';
import { CashBook } from './ledger/cashBook';
import {
  addRates,
  addWithdrawal,
  deleteWithdrawal,
  listWithdrawals,
  loadGoal,
  loadSchedule,
  saveGoal,
} from './ledger/config';
import { openLedger, type LedgerDb } from './ledger/db';
import {
  currentSessionOf,
  getSessionRow,
  gifterProfile,
  listSessions,
  periodGifters,
  rangeSummary,
  sessionDetail,
  sessionGifters,
  sessionSummary,
  storedSessionFrames,
  type ReadContext,
} from './ledger/queries';
import { ratesFromDto, ratesToDto } from './ledger/ratesCodec';
import { RangeGifterCounts } from './ledger/rangeGifters';
import { rebuildDerived } from './ledger/rebuild';
import { LedgerWriter, type WriterConfig } from './ledger/writer';
import { LiveHub, type LiveListener } from './live/hub';
import { currentGoalProgress, payoutStatus } from './live/payout';
import { SoundStore } from './media/soundStore';
import { ObsFailure, ObsService } from './obs/obsService';
import { rebuildDerivedInSteps } from './operations/rebuildInSteps';
import { SourceError } from './sources/sourceError';
import type { EventSink, SourceManager } from './sources/types';

/** A refusal with a stable code; the HTTP layer maps it to a status, IPC passes it on. */
export class ApiFailure extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ApiFailure';
  }
  toJSON(): DomainError {
    return { code: this.code, message: this.message };
  }
}

/** Options of the core (the parts of GemlightOptions it needs). */
export interface CoreOptions {
  dataDir: string;
  version: string;
  nativeBinding?: string;
  now?: () => number;
  log: (line: string) => void;
  /** Where overlay pages are reached (set once the server listens). */
  overlayInfo: () => OverlayInfo;
  /** Where the app runs and how other tools reach it (set once the server listens). */
  appInfo: () => AppInfo;
  /** Commit cadence: the least time between the end of one commit and the next (ms). */
  groupWindowMs?: number;
  /** OBS watchdog interval and heartbeat staleness (tests shorten them). */
  obsWatchdogMs?: number;
  obsStaleAfterMs?: number;
  /** Raw records per step of a rebuild run from the API (default 5,000). */
  operationPageSize?: number;
  /** Awaited between the steps of a long operation (tests hold an operation half-way). */
  operationStep?: (status: OperationStatus) => Promise<void>;
}

/** Commands that still answer while a long operation holds the ledger (they read no table). */
const ALLOWED_DURING_OPERATION: ReadonlySet<CommandName> = new Set<CommandName>([
  'health.get',
  'live.snapshot',
  'operations.status',
  'app.info',
  'settings.get',
  'overlay.info',
  'obs.status',
  'sources.list',
]);

/** Most events held while a long operation runs; beyond it senders are told to resend. */
const MAX_DEFERRED_EVENTS = 100_000;

const eventIdOf = (raw: unknown): string | null =>
  typeof raw === 'object' && raw !== null && typeof (raw as { id?: unknown }).id === 'string'
    ? (raw as { id: string }).id
    : null;

/** Interval of session-idle and streak-timeout housekeeping. */
const HOUSEKEEPING_MS = 5_000;

type Handlers = { [K in CommandName]: (params: ParamsOf<K>) => ResultOf<K> | Promise<ResultOf<K>> };

/**
 * Gemlight's services without the network: the ledger, the ingest pipeline, the live hub, the
 * sources and every API command. The HTTP/WS server and Electron's IPC both call into it.
 */
export class GemlightCore {
  readonly db: LedgerDb;
  readonly writer: LedgerWriter;
  readonly cash: CashBook;
  readonly pipeline: IngestPipeline;
  readonly hub: LiveHub;
  /** The optional OBS integration (connects once `startObs` runs and the setting is on). */
  readonly obs: ObsService;
  /** The creator's alert sounds (dataDir/sounds). */
  readonly sounds: SoundStore;
  private readonly rangeGifters: RangeGifterCounts;
  readonly now: () => number;
  private settingsValue: Settings;
  private schedule: RateSchedule;
  private goalValue: Goal | null;
  private catalogValue: GiftCatalog = bundledCatalog;
  private sources: SourceManager | null = null;
  private sourceHealthOff: (() => void) | null = null;
  private readonly timer: NodeJS.Timeout;
  private readonly backupDir: string;
  private readonly handlers: Handlers;
  private operation: OperationStatus | null = null;
  /** Writes that arrived during a long operation, run in order once it settles. */
  private deferred: (() => void)[] = [];
  private deferredEvents = 0;

  constructor(private readonly options: CoreOptions) {
    this.now = options.now ?? Date.now;
    this.backupDir = join(options.dataDir, 'backups');
    this.db = openLedger(join(options.dataDir, 'gemlight.db'), {
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
      backupDir: this.backupDir,
    });
    this.settingsValue = loadSettings(this.db);
    this.schedule = loadSchedule(this.db);
    this.goalValue = loadGoal(this.db);
    this.writer = new LedgerWriter(this.db, this.writerConfig());
    this.cash = new CashBook(this.db, this.settingsValue.currency);
    this.rangeGifters = new RangeGifterCounts(this.db);
    this.hub = new LiveHub({
      db: this.db,
      writer: this.writer,
      cash: this.cash,
      settings: () => this.settingsValue,
      goal: () => this.goalProgress(),
      now: this.now,
    });
    this.pipeline = new IngestPipeline({
      db: this.db,
      writer: this.writer,
      catalog: () => this.catalogValue,
      now: this.now,
      onCommitted: (batch) => {
        this.rangeGifters.committed(batch.effects);
        this.hub.committed(batch);
      },
      // Early alerts before COMMIT's fsync (display only; see LiveHub.applied).
      onApplied: (batch) => this.hub.applied(batch),
      onRolledBack: () => {
        this.writer.reloadOpenSessions();
        this.cash.reload();
        this.rangeGifters.clear();
      },
      ...(options.groupWindowMs !== undefined ? { groupWindowMs: options.groupWindowMs } : {}),
      log: options.log,
    });
    this.sounds = new SoundStore(options.dataDir);
    this.obs = new ObsService({
      overlays: () => this.hub.snapshot().overlays,
      overlayInfo: () => options.overlayInfo(),
      now: this.now,
      log: options.log,
      ...(options.obsWatchdogMs !== undefined ? { watchdogMs: options.obsWatchdogMs } : {}),
      ...(options.obsStaleAfterMs !== undefined ? { staleAfterMs: options.obsStaleAfterMs } : {}),
    });
    this.handlers = this.makeHandlers();
    this.timer = setInterval(() => {
      if (this.operationRunning()) return;
      void this.pipeline.housekeeping(() => {
        const now = this.now();
        return [...this.writer.closeIdle(now), ...this.writer.expireStreaks(now)];
      });
    }, HOUSEKEEPING_MS);
    this.timer.unref();
  }

  /** Settings the writer reads live. */
  writerConfig(): WriterConfig {
    return {
      ratesAt: (time) => ratesAt(this.schedule, time),
      sessionIdleTimeoutMs: () => this.settingsValue.sessionIdleTimeoutMs,
      streakTimeoutMs: () => this.settingsValue.streakTimeoutMs,
    };
  }

  get settings(): Settings {
    return this.settingsValue;
  }

  /** The sink sources deliver into: the same pipeline as /ingest. */
  readonly sink: EventSink = {
    submit: (raw, meta) => this.ingest(raw, meta),
    catalog: (gifts: readonly CatalogGift[]) => {
      this.catalogValue = mergeCatalogs(bundledCatalog, gifts);
    },
    connection: (event) => {
      if (this.operationRunning()) {
        this.deferred.push(() => void this.pipeline.connection(event));
        return;
      }
      void this.pipeline.connection(event);
    },
  };

  /** Attaches the source manager once it is loaded. */
  attachSources(manager: SourceManager): void {
    this.sources = manager;
    this.sourceHealthOff = manager.onHealth((h: SourceHealth) => this.hub.source(h));
    for (const h of manager.list()) this.hub.source(h);
  }

  /** Runs one command with validated input; throws ApiFailure on refusal. */
  async call<K extends CommandName>(name: K, params: unknown): Promise<ResultOf<K>> {
    const schema = COMMAND_SCHEMAS[name];
    if (!schema) throw new ApiFailure('not_found', `Unknown command ${String(name)}.`);
    const parsed = schema.safeParse(params ?? {});
    if (!parsed.success) throw new ApiFailure('invalid_request', describeZodError(parsed.error));
    const op = this.operation;
    if (op?.state === 'running' && !ALLOWED_DURING_OPERATION.has(name)) {
      throw new ApiFailure(
        'conflict',
        `Gemlight is busy: ${op.phase.toLowerCase()} (${Math.floor(op.progress * 100)}%). Try again when it has finished.`,
      );
    }
    const handler = this.handlers[name] as (p: unknown) => ResultOf<K> | Promise<ResultOf<K>>;
    try {
      return await handler(parsed.data);
    } catch (error) {
      // The sources refuse with their own coded error; pass the code on, nothing more.
      if (error instanceof SourceError) throw new ApiFailure(error.code, error.message);
      if (error instanceof ObsFailure) throw new ApiFailure(error.error.code, error.error.message);
      throw error;
    }
  }

  /**
   * Submits raw events as a push client would; `rawTexts` is each event's JSON as received, when
   * the caller has it (kept in the raw log instead of serializing the event again).
   */
  submit(
    raw: readonly unknown[],
    meta: { source: string; origin: EventOrigin },
    rawTexts?: readonly string[],
  ): Promise<IngestReply[]> {
    return this.ingest(raw, meta, rawTexts);
  }

  /**
   * The pipeline, unless a long operation holds the ledger: then events are held (bounded) and
   * stored, in order, when it settles; their acks come after that commit, as always.
   */
  private ingest(
    raw: readonly unknown[],
    meta: { source: string; origin: EventOrigin },
    rawTexts?: readonly string[],
  ): Promise<IngestReply[]> {
    const op = this.operation;
    if (op?.state !== 'running') return this.pipeline.submit(raw, meta, rawTexts);
    if (this.deferredEvents + raw.length > MAX_DEFERRED_EVENTS) {
      return Promise.resolve(
        raw.map((r) => ({
          type: 'error' as const,
          id: eventIdOf(r),
          code: 'rate_limited' as const,
          message: `Gemlight is busy (${op.kind}) and holds no more events; nothing of this was stored. Send it again in a minute.`,
        })),
      );
    }
    this.deferredEvents += raw.length;
    op.deferredEvents = this.deferredEvents;
    return new Promise((resolve, reject) => {
      this.deferred.push(
        () => void this.pipeline.submit(raw, meta, rawTexts).then(resolve, reject),
      );
    });
  }

  private operationRunning(): boolean {
    return this.operation?.state === 'running';
  }

  /**
   * Runs a long operation in the background: one at a time, every other ledger write held until
   * it settles, progress readable through `operations.status`.
   */
  private startOperation(
    kind: OperationStatus['kind'],
    work: (op: OperationStatus, step: () => Promise<void>) => Promise<void>,
  ): OperationStatus {
    const running = this.operation;
    if (running?.state === 'running') {
      throw new ApiFailure(
        'conflict',
        `A ${running.kind} is already running (${Math.floor(running.progress * 100)}%). Wait for it to finish.`,
      );
    }
    this.pipeline.flush();
    const op: OperationStatus = {
      id: randomUUID(),
      kind,
      state: 'running',
      phase: 'Starting',
      progress: 0,
      startedAt: this.now(),
      finishedAt: null,
      records: 0,
      deferredEvents: 0,
      backupFile: null,
      error: null,
    };
    this.operation = op;
    const step = async (): Promise<void> => {
      await new Promise((r) => setImmediate(r));
      await this.options.operationStep?.({ ...op });
    };
    void (async () => {
      try {
        await step();
        await work(op, step);
        op.state = 'done';
        op.phase = 'Done';
        op.progress = 1;
      } catch (error) {
        op.state = 'failed';
        op.error =
          error instanceof ApiFailure
            ? error.toJSON()
            : {
                code: 'internal',
                message: `The ${kind} failed and was undone: the ledger is as it was before. Try again; if it fails again, restore a backup.`,
              };
        this.options.log(`${kind}: failed: ${String(error)}`);
      } finally {
        op.finishedAt = this.now();
        // The app may have been closed while it ran (the transaction was rolled back then).
        if (this.db.open) {
          try {
            this.reloadAfterLedgerChange();
          } catch (error) {
            this.options.log(`${kind}: reloading failed: ${String(error)}`);
          }
        }
        const held = this.deferred.splice(0);
        this.deferredEvents = 0;
        for (const run of held) run();
      }
    })();
    return { ...op };
  }

  /** The native SQLite binding to open other ledger files with (Electron's own, in the app). */
  private nativeBindingOption(): { nativeBinding?: string } {
    return this.options.nativeBinding ? { nativeBinding: this.options.nativeBinding } : {};
  }

  /** Re-reads everything kept in memory after the ledger's tables were replaced or rebuilt. */
  private reloadAfterLedgerChange(): void {
    this.settingsValue = loadSettings(this.db);
    this.schedule = loadSchedule(this.db);
    this.goalValue = loadGoal(this.db);
    this.writer.reloadOpenSessions();
    this.cash.reload(this.settingsValue.currency);
    this.rangeGifters.clear();
    this.hub.resync();
  }

  private startRebuild(): OperationStatus {
    return this.startOperation('rebuild', async (op, step) => {
      op.phase = 'Rebuilding sessions, leaderboards and totals from the raw log';
      const result = await rebuildDerivedInSteps(this.db, this.writerConfig(), this.now(), {
        pageSize: this.options.operationPageSize ?? 5_000,
        onProgress: (records, fraction) => {
          op.records = records;
          op.progress = Math.min(0.99, fraction);
        },
        between: step,
      });
      op.records = result.records;
    });
  }

  private startImport(file: string): OperationStatus {
    let isFile = false;
    try {
      isFile = existsSync(file) && statSync(file).isFile();
    } catch {
      isFile = false;
    }
    if (!isFile) throw new ApiFailure('not_found', `There is no file ${file} on this computer.`);
    // The JSON export module has no progress callback: progress is reported by phase.
    return this.startOperation('import', async (op, step) => {
      op.phase = 'Reading the export';
      op.progress = 0.05;
      const text = await readFile(file, 'utf8');
      op.phase = 'Checking the export';
      op.progress = 0.25;
      await step();
      const data = asImportFailure(() => parseLedgerExport(text));
      op.phase = 'Backing up the current ledger';
      op.progress = 0.4;
      await step();
      op.backupFile = (await backupNow(this.db, this.backupDir, this.now(), 'pre-import')).file;
      op.phase = 'Replacing the ledger with the export';
      op.progress = 0.6;
      await step();
      op.records = asImportFailure(() =>
        importLedger(this.db, data, this.nativeBindingOption()),
      ).rows;
      op.phase = 'Reloading';
      op.progress = 0.95;
      await step();
    });
  }

  /** Every broadcast live message. */
  onLive(listener: LiveListener): () => void {
    return this.hub.subscribe(listener);
  }

  /** Regenerates the derived tables from the raw log. */
  rebuild(): { records: number } {
    this.pipeline.flush();
    const result = rebuildDerived(this.db, this.writerConfig(), this.now());
    this.rangeGifters.clear();
    this.writer.reloadOpenSessions();
    this.cash.reload();
    this.hub.resync();
    return result;
  }

  /** Connects to OBS when the integration is on (once the server listens: URLs are known). */
  async startObs(): Promise<void> {
    try {
      await this.obs.configure(this.settingsValue.obs);
    } catch (error) {
      this.options.log(`obs: starting failed: ${String(error)}`);
    }
  }

  /** Commits what is in flight, stops sources and closes the database. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.obs.close();
    this.sourceHealthOff?.();
    if (this.sources) {
      try {
        await this.sources.stopAll();
      } catch (error) {
        this.options.log(`sources: stopping failed: ${String(error)}`);
      }
    }
    this.pipeline.close();
    // A long operation still running is undone: its transaction never commits.
    if (this.db.open && this.db.inTransaction) this.db.exec('ROLLBACK');
    if (this.db.open) {
      try {
        // Folds the WAL into the file, so the folder holds one file at rest.
        this.db.pragma('wal_checkpoint(TRUNCATE)');
      } catch (error) {
        // On a full disk the file cannot grow to take the WAL in. Nothing is lost: every commit
        // is in the WAL, and SQLite folds it in when the ledger next opens.
        this.options.log(`ledger: could not fold the WAL in at shutdown: ${String(error)}`);
      }
      this.db.close();
    }
  }

  private readContext(): ReadContext {
    return { db: this.db, cash: this.cash, currency: this.settingsValue.currency, now: this.now() };
  }

  private goalProgress(): GoalProgress | null {
    return currentGoalProgress({
      db: this.db,
      cash: this.cash,
      currency: this.settingsValue.currency,
      currentRates: ratesAt(this.schedule, this.now()),
      goal: this.goalValue,
      withdrawals: this.goalValue ? listWithdrawals(this.db) : [],
      now: this.now(),
    });
  }

  private currentSession(): CurrentSession {
    const id = this.writer.openSessionId(false) ?? this.writer.openSessionId(true);
    const row = id === null ? undefined : getSessionRow(this.db, id);
    if (!row) throw new ApiFailure('no_session', 'No LIVE session is open.');
    return currentSessionOf(this.readContext(), row);
  }

  private requireSources(): SourceManager {
    if (!this.sources) {
      throw new ApiFailure(
        'conflict',
        'The sources (simulator, TikTok, TikFinity) are not available in this build.',
      );
    }
    return this.sources;
  }

  private makeHandlers(): Handlers {
    return {
      'health.get': () => ({ ok: true, version: this.options.version }),
      'live.snapshot': () => this.hub.snapshot(),
      'sessions.list': (p) => listSessions(this.readContext(), p),
      'sessions.current': () => this.currentSession(),
      'sessions.get': (p) => {
        const row = getSessionRow(this.db, Number(p.id));
        if (!row) throw new ApiFailure('not_found', `There is no session ${p.id}.`);
        return sessionDetail(this.readContext(), row);
      },
      'sessions.start': async () => {
        await this.pipeline.submit([{ type: 'session', action: 'start' }], {
          source: 'api',
          origin: 'live',
        });
        return this.currentSession();
      },
      'sessions.end': async () => {
        const id = this.writer.openSessionId(false);
        if (id === null) throw new ApiFailure('no_session', 'No LIVE session is open.');
        await this.pipeline.submit([{ type: 'session', action: 'end' }], {
          source: 'api',
          origin: 'live',
        });
        const row = getSessionRow(this.db, id);
        if (!row) throw new ApiFailure('not_found', `There is no session ${id}.`);
        return sessionSummary(this.readContext(), row);
      },
      'summary.get': (p) =>
        rangeSummary(this.readContext(), p.from, p.to, (from, to) =>
          this.rangeGifters.count(from, to),
        ),
      'gifters.top': (p) => {
        const limit = p.limit ?? 10;
        if (p.period === 'session') {
          const id = this.hub.shownSessionId();
          return id === null ? [] : sessionGifters(this.db, id, limit);
        }
        return periodGifters(this.db, p.period, p.at ?? this.now(), limit);
      },
      'gifters.get': (p) => {
        const profile = gifterProfile(this.db, p.userId);
        if (!profile) throw new ApiFailure('not_found', 'No gifts from this viewer are recorded.');
        return profile;
      },
      'settings.get': () => this.settingsValue,
      'settings.update': async (p) => {
        const next = mergeSettings(this.settingsValue, p);
        const currencyChanged =
          JSON.stringify(next.currency) !== JSON.stringify(this.settingsValue.currency);
        saveSettings(this.db, next);
        this.settingsValue = next;
        if (currencyChanged) {
          this.cash.reload(next.currency);
          this.hub.resync();
        }
        if (this.sources) await this.sources.configure(next);
        // In the background: an OBS that does not answer must not hold the settings form.
        if (p.obs) void this.startObs();
        return next;
      },
      'rates.list': () => this.schedule.map(ratesToDto),
      'rates.add': (p) => {
        const parsed = ratesFromDto(p);
        if (!parsed.ok) throw new ApiFailure(parsed.error.code, parsed.error.message);
        this.pipeline.flush();
        this.db.transaction(() => addRates(this.db, parsed.value, this.schedule))();
        this.schedule = loadSchedule(this.db);
        this.cash.reload();
        this.hub.resync();
        return this.schedule.map(ratesToDto);
      },
      'goal.get': () => this.goalValue,
      'goal.set': (p) => {
        const goal: Goal = { ...p, id: randomUUID(), createdAt: this.now() };
        saveGoal(this.db, goal);
        this.goalValue = goal;
        this.hub.refreshGoal();
        return goal;
      },
      'withdrawals.list': () => listWithdrawals(this.db),
      'withdrawals.add': (p) => {
        const w = { ...p, id: randomUUID() };
        addWithdrawal(this.db, w);
        this.hub.refreshGoal();
        return w;
      },
      'withdrawals.delete': (p) => {
        if (!deleteWithdrawal(this.db, p.id)) {
          throw new ApiFailure('not_found', 'There is no withdrawal with this id.');
        }
        this.hub.refreshGoal();
        return { deleted: true };
      },
      'payout.status': () =>
        payoutStatus({
          db: this.db,
          cash: this.cash,
          currency: this.settingsValue.currency,
          currentRates: ratesAt(this.schedule, this.now()),
          goal: this.goalValue,
          withdrawals: listWithdrawals(this.db),
          now: this.now(),
        }),
      'sources.list': () => this.sources?.list() ?? [],
      'simulator.start': (p) => {
        this.requireSources().startSimulator({
          ...(p.rate !== undefined ? { rate: p.rate } : {}),
          ...(p.storm !== undefined ? { storm: p.storm } : {}),
          ...(p.seed !== undefined ? { seed: p.seed } : {}),
        });
        return { running: true };
      },
      'simulator.stop': () => {
        this.requireSources().stopSimulator();
        return { running: false };
      },
      'overlay.info': () => this.options.overlayInfo(),
      'overlay.testAlert': async (p) => {
        const giftId = p.giftId ?? 5655;
        const known = this.catalogValue.get(giftId);
        const replies = await this.pipeline.submit(
          [
            {
              type: 'gift',
              id: `test-${randomUUID()}`,
              origin: 'test',
              user: { id: '0', handle: 'gemlight', name: p.name ?? 'Test alert' },
              gift: {
                id: giftId,
                coins: known?.coins ?? 1,
                ...(known ? {} : { name: 'Test gift' }),
              },
              count: p.count ?? 1,
            },
          ],
          { source: 'api', origin: 'test' },
        );
        const reply = replies[0];
        if (reply?.type === 'error') throw new ApiFailure(reply.code, reply.message);
        return { sent: true };
      },
      'backup.now': () => backupNow(this.db, this.backupDir, this.now()),
      'backup.list': () => listBackups(this.backupDir),
      'backup.restore': async (p) => {
        if (!isBackupName(p.file)) {
          throw new ApiFailure('invalid_request', 'Name a backup file from backup.list.');
        }
        if (!listBackups(this.backupDir).some((b) => b.file === p.file)) {
          throw new ApiFailure('not_found', 'There is no backup with this name.');
        }
        this.pipeline.flush();
        // Keep what is being replaced, in case the restore was a mistake.
        await backupNow(this.db, this.backupDir, this.now(), 'pre-restore');
        try {
          restoreInto(this.db, join(this.backupDir, p.file), this.nativeBindingOption());
        } catch (error) {
          if (error instanceof RestoreError) throw new ApiFailure('conflict', error.message);
          throw error;
        }
        this.reloadAfterLedgerChange();
        return { restored: true };
      },
      'app.info': () => this.options.appInfo(),
      'sessions.replay': (p) => {
        const sources = this.requireSources();
        if (!sources.replayFrames) {
          throw new ApiFailure('conflict', 'This build cannot replay stored sessions.');
        }
        const row = getSessionRow(this.db, Number(p.id));
        if (!row) throw new ApiFailure('not_found', `There is no session ${p.id}.`);
        const frames = storedSessionFrames(this.db, row);
        if (frames.length === 0) {
          throw new ApiFailure('conflict', 'This session has no stored events to replay.');
        }
        // Runs in the background; its progress shows as the replay source's health.
        sources
          .replayFrames({ frames, speed: p.speed ?? 1, label: `session ${row.id}` })
          .catch((error: unknown) => this.options.log(`replay: ${String(error)}`));
        return { started: true, events: frames.length };
      },
      'obs.status': () => this.obs.status(),
      'obs.test': (p) => this.obs.test(p.url, p.password),
      'obs.addWidgets': (p) => this.obs.addWidgets(p.widgets, p.query),
      'obs.refresh': async (p) => ({ refreshed: await this.obs.refresh(p.widgets) }),
      'operations.status': () => (this.operation ? { ...this.operation } : null),
      'operations.rebuild': () => this.startRebuild(),
      'operations.import': (p) => this.startImport(p.file),
      'sounds.list': () => this.sounds.list(),
      'sounds.upload': (p) => {
        const added = this.sounds.add(p.fileName, Buffer.from(p.dataBase64, 'base64'));
        if (!added.ok) throw new ApiFailure(added.error.code, added.error.message);
        return added.value;
      },
      'sounds.delete': (p) => {
        if (!this.sounds.delete(p.name)) {
          throw new ApiFailure('not_found', 'There is no sound with this name.');
        }
        return { deleted: true };
      },
    };
  }
}

/** Runs an import step; a file that is not a usable export becomes a refusal that says so. */
function asImportFailure<T>(work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof ImportError) {
      throw new ApiFailure(
        'invalid_request',
        `${error.message} Choose a file written by Gemlight's JSON export (npm run serve -- --export FILE).`,
      );
    }
    throw error;
  }
}
