import { randomUUID } from 'node:crypto';
import type { IngestReply } from '../../../shared/api';
import type { GiftCatalog } from '../../../shared/catalog';
import type { EventOrigin, LiveEvent } from '../../../shared/events';
import { normalizeEvent } from '../../../shared/normalize';
import type { LedgerDb } from '../ledger/db';
import type { ConnectionRecord, LedgerEffect, LedgerRecord, LedgerWriter } from '../ledger/writer';

/** Most events one frame may carry. */
export const MAX_EVENTS_PER_FRAME = 500;

/** Where a batch of events came from. */
export interface SubmitMeta {
  source: string;
  origin: EventOrigin;
}

interface PendingRecord {
  record: LedgerRecord;
  raw: string;
  source: string;
  receivedAt: number;
  /** Set once the batch is committed (or failed). */
  reply?: IngestReply;
}

interface Job {
  records: PendingRecord[];
  /** Replies known before the commit (refused events) keep their place by index. */
  replies: (IngestReply | null)[];
  slots: number[];
  resolve: (replies: IngestReply[]) => void;
}

/** What a committed batch changed, in commit order. */
export interface CommittedBatch {
  effects: LedgerEffect[];
  /** Test alerts: shown, never stored. */
  testEvents: LiveEvent[];
}

/** Options of the ingest pipeline. */
export interface PipelineOptions {
  db: LedgerDb;
  writer: LedgerWriter;
  catalog: () => GiftCatalog;
  now: () => number;
  /** Called after each COMMIT, before the acks go out. */
  onCommitted: (batch: CommittedBatch) => void;
  /**
   * Called inside the transaction once the batch is applied, before COMMIT (and its fsync): for
   * early alerts only. The batch may still roll back; nothing here may count money or ack.
   */
  onApplied?: (batch: CommittedBatch) => void;
  /** Called after a failed transaction so in-memory caches re-read the database. */
  onRolledBack: () => void;
  /**
   * Commit cadence (default 2 ms): a batch is committed no sooner than this long after the
   * previous commit ended, so under load events share a commit; after a quiet spell an event is
   * committed at once.
   */
  groupWindowMs?: number;
  /** A batch is flushed at once when it reaches this many records (default 5000). */
  maxBatch?: number;
  log?: (line: string) => void;
}

/** Id for an event its sender gave none. */
const newEventId = (): string => `gl-${randomUUID()}`;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The id a client gave an event, when one can be read, for error replies. */
export function clientIdOf(raw: unknown): string | null {
  if (!isObject(raw)) return null;
  const data = isObject(raw.data) ? raw.data : undefined;
  const common = isObject(raw.common) ? raw.common : undefined;
  for (const v of [raw.id, raw.msgId, common?.msgId, data?.msgId]) {
    if (typeof v === 'string' && v.length > 0 && v.length <= 128) return v;
    if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  }
  return null;
}

function storageCode(error: unknown): 'storage_full' | 'internal' {
  const code = isObject(error) ? error.code : undefined;
  return code === 'SQLITE_FULL' ? 'storage_full' : 'internal';
}

/**
 * The ingest pipeline: normalizes raw events, groups what arrives within a few milliseconds into
 * one transaction, and answers each event only after that transaction has committed.
 */
export class IngestPipeline {
  private queue: Job[] = [];
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  /** When the last flush ended (monotonic ms): commits are paced from it. */
  private lastFlushEndedAt = Number.NEGATIVE_INFINITY;
  private pendingCount = 0;
  private extraWork: (() => LedgerEffect[])[] = [];
  private closed = false;
  private committedBatches = 0;
  private committedRecords = 0;

  constructor(private readonly options: PipelineOptions) {}

  /** Transactions committed and records in them, since start (group-commit evidence, tests). */
  stats(): { commits: number; records: number } {
    return { commits: this.committedBatches, records: this.committedRecords };
  }

  /**
   * Normalizes and commits events; one reply per event, in order, after the commit. `rawTexts`,
   * when given, holds each event's JSON text as received (else it is serialized from `raw`).
   */
  submit(
    raw: readonly unknown[],
    meta: SubmitMeta,
    rawTexts?: readonly string[],
  ): Promise<IngestReply[]> {
    const now = this.options.now();
    const catalog = this.options.catalog();
    const job: Job = { records: [], replies: [], slots: [], resolve: () => undefined };
    // One context per frame, not per event: fewer allocations on the hot path.
    const context = { now, catalog, origin: meta.origin, makeId: newEventId };
    for (let index = 0; index < raw.length; index++) {
      const item = raw[index];
      if (this.closed) {
        job.replies.push({
          type: 'error',
          id: clientIdOf(item),
          code: 'internal',
          message: 'Gemlight is shutting down; send the event again after it restarts.',
        });
        continue;
      }
      const result = normalizeEvent(item, context);
      if (!result.ok) {
        job.replies.push({
          type: 'error',
          id: clientIdOf(item),
          code: result.error.code,
          message: result.error.message,
        });
        continue;
      }
      if (result.value.kind === 'ignored') {
        job.replies.push({
          type: 'ack',
          id: clientIdOf(item) ?? '',
          duplicate: false,
          ignored: true,
        });
        continue;
      }
      let rawText: string;
      try {
        rawText = rawTexts?.[index] ?? JSON.stringify(item);
      } catch {
        // JSON.parse accepts nesting that JSON.stringify overflows the stack on; refuse the
        // event instead of letting the RangeError escape the socket handler and end the process.
        job.replies.push({
          type: 'error',
          id: clientIdOf(item),
          code: 'invalid_event',
          message: 'The event is nested too deeply to be stored.',
        });
        continue;
      }
      job.slots.push(job.replies.length);
      job.replies.push(null);
      job.records.push({
        record: result.value.event,
        raw: rawText,
        source: meta.source,
        receivedAt: now,
      });
    }
    return this.enqueue(job);
  }

  /** Logs a source's connection change through the same ordered, durable path. */
  connection(event: {
    source: string;
    state: 'connected' | 'disconnected';
    time: number;
    origin?: EventOrigin;
  }): Promise<void> {
    // After shutdown there is no ledger to record it in; the next start sees the source anew.
    if (this.closed) return Promise.resolve();
    const record: ConnectionRecord = {
      type: 'connection',
      id: `gl-${randomUUID()}`,
      source: event.source,
      state: event.state,
      time: event.time,
      origin: event.origin ?? 'live',
    };
    const job: Job = { records: [], replies: [null], slots: [0], resolve: () => undefined };
    job.records.push({
      record,
      raw: JSON.stringify(event),
      source: event.source,
      receivedAt: this.options.now(),
    });
    return this.enqueue(job).then(() => undefined);
  }

  /** Runs housekeeping (idle sessions, stale streaks) inside the next transaction. */
  housekeeping(work: () => LedgerEffect[]): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.extraWork.push(work);
    return this.enqueue({ records: [], replies: [], slots: [], resolve: () => undefined }).then(
      () => undefined,
    );
  }

  private enqueue(job: Job): Promise<IngestReply[]> {
    const done = new Promise<IngestReply[]>((resolve) => {
      job.resolve = resolve;
    });
    if (job.records.length === 0 && this.extraWork.length === 0) {
      job.resolve(job.replies.filter((r): r is IngestReply => r !== null));
      return done;
    }
    this.queue.push(job);
    this.pendingCount += job.records.length;
    if (this.pendingCount >= (this.options.maxBatch ?? 5000)) {
      this.flush();
    } else if (!this.timer && !this.immediate) {
      // Commit cadence: at most one commit per window. After a quiet spell the first event goes
      // at once (as soon as the frames already received are read, so an alert never waits for
      // company); under load a batch gathers until one window after the previous commit ended,
      // so many events share one fsync.
      const wait = this.lastFlushEndedAt + (this.options.groupWindowMs ?? 2) - performance.now();
      if (wait > 0) this.timer = setTimeout(() => this.flush(), wait);
      else this.immediate = setImmediate(() => this.flush());
    }
    return done;
  }

  /** Commits everything queued now (synchronously) and sends the replies. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.immediate) {
      clearImmediate(this.immediate);
      this.immediate = null;
    }
    const jobs = this.queue;
    const work = this.extraWork;
    this.queue = [];
    this.extraWork = [];
    this.pendingCount = 0;
    if (jobs.length === 0 && work.length === 0) return;
    const { db } = this.options;
    let batch: CommittedBatch = { effects: [], testEvents: [] };
    const commit = (isolated: boolean): void => {
      batch = { effects: [], testEvents: [] };
      const applyAll = (): void => {
        for (const job of jobs) {
          for (const p of job.records) p.reply = this.applyOne(p, batch, isolated);
        }
      };
      db.transaction(() => {
        for (const w of work) batch.effects.push(...w());
        // Batched, each derived row is written once per commit instead of once per event; a
        // retry with a savepoint per record writes each record's rows inside its savepoint.
        if (isolated) applyAll();
        else this.options.writer.batch(applyAll);
        // Every row is written; only COMMIT (the fsync, most of the ack latency) is left. The
        // alert goes out now so the overlay can paint while the disk syncs. Trade-off, by design:
        // if COMMIT then fails, nothing more is published and the senders get errors, so an alert
        // may have shown for a gift that was never counted (money and acks only follow COMMIT).
        this.publishApplied(batch);
      })();
    };
    try {
      try {
        commit(false);
      } catch (error) {
        if (storageCode(error) === 'storage_full') throw error;
        // One record failed and took the batch with it: redo the batch with a savepoint per
        // record, so that only the failing record is refused. (Savepoints cost on every record,
        // so the common case goes without them.)
        this.options.onRolledBack();
        commit(true);
      }
      this.committedBatches++;
      this.committedRecords += jobs.reduce((n, job) => n + job.records.length, 0);
    } catch (error) {
      // The whole transaction rolled back: nothing of it is stored, say so to every sender.
      const code = storageCode(error);
      this.options.log?.(`ledger: commit failed (${code}): ${String(error)}`);
      for (const job of jobs) {
        for (const p of job.records) {
          p.reply = {
            type: 'error',
            id: p.record.id,
            code,
            message:
              code === 'storage_full'
                ? 'The disk is full; the event was not stored.'
                : 'The event could not be stored.',
          };
        }
      }
      this.options.onRolledBack();
      batch = { effects: [], testEvents: [] };
    }
    if (batch.effects.length > 0 || batch.testEvents.length > 0) {
      try {
        this.options.onCommitted(batch);
      } catch (error) {
        this.options.log?.(`live: broadcasting a commit failed: ${String(error)}`);
      }
    }
    for (const job of jobs) {
      job.records.forEach((p, i) => {
        const slot = job.slots[i];
        if (slot !== undefined) job.replies[slot] = p.reply ?? null;
      });
      job.resolve(job.replies.filter((r): r is IngestReply => r !== null));
    }
    this.lastFlushEndedAt = performance.now();
  }

  /** Hands the applied, uncommitted batch to `onApplied`; a failure there never aborts the batch. */
  private publishApplied(batch: CommittedBatch): void {
    const onApplied = this.options.onApplied;
    if (!onApplied || (batch.effects.length === 0 && batch.testEvents.length === 0)) return;
    try {
      onApplied(batch);
    } catch (error) {
      this.options.log?.(`live: broadcasting early alerts failed: ${String(error)}`);
    }
  }

  private applyOne(p: PendingRecord, batch: CommittedBatch, isolated: boolean): IngestReply {
    const { record } = p;
    if (record.origin === 'test') {
      if (record.type === 'gift') batch.testEvents.push(record);
      return { type: 'ack', id: record.id, duplicate: false, ignored: true };
    }
    const meta = { source: p.source, receivedAt: p.receivedAt, raw: p.raw };
    if (!isolated) {
      const effects = this.options.writer.append(record, meta);
      if (effects === null) return { type: 'ack', id: record.id, duplicate: true };
      batch.effects.push(...effects);
      return { type: 'ack', id: record.id, duplicate: false };
    }
    try {
      // A savepoint: if this record fails, it is refused alone and the batch goes on.
      const effects = this.options.db.transaction(() => this.options.writer.append(record, meta))();
      if (effects === null) return { type: 'ack', id: record.id, duplicate: true };
      batch.effects.push(...effects);
      return { type: 'ack', id: record.id, duplicate: false };
    } catch (error) {
      if (storageCode(error) === 'storage_full') throw error;
      this.options.log?.(`ledger: event ${record.id} refused: ${String(error)}`);
      this.options.writer.reloadOpenSessions();
      return {
        type: 'error',
        id: record.id,
        code: 'internal',
        message: 'The event could not be stored.',
      };
    }
  }

  /** Commits what is queued and refuses anything submitted afterwards. */
  close(): void {
    this.flush();
    this.closed = true;
  }
}
