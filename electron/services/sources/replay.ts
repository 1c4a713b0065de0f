import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { z } from 'zod';
import { MAX_ID_LENGTH } from '../../../shared/normalize';
import { ReportingSource } from './reportingSource';
import { SourceError } from './sourceError';
import { describeError } from './submitQueue';
import type { EventSink, Source } from './types';
import { WakeableSleep } from './wakeableSleep';

/** The replay request as the API takes it. */
export const replayRequestSchema = z.strictObject({
  file: z.string().min(1).max(4096),
  speed: z.number().min(1).max(20),
});

/** Longest line read from a recording; longer lines are skipped (the ingest limit). */
const MAX_LINE_CHARS = 1024 * 1024;
/** Events queued for the ledger before reading pauses. */
const BACKPRESSURE_EVENTS = 1000;

type Rec = Record<string, unknown>;
const isRec = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Milliseconds from a recorded time field (ms, seconds, digit strings or ISO-8601). */
function readTime(v: unknown): number | undefined {
  let n: number | undefined;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^\d{1,16}$/.test(v)) n = Number(v);
  else if (typeof v === 'string' && v.length > 0) {
    const parsed = Date.parse(v);
    n = Number.isNaN(parsed) ? undefined : parsed;
  }
  if (n === undefined || !Number.isFinite(n) || n <= 0) return undefined;
  return n < 10_000_000_000 ? n * 1000 : n;
}

/** When a recorded event happened, in whichever shape it was recorded. */
export function recordedTime(raw: unknown): number | undefined {
  if (!isRec(raw)) return undefined;
  if (typeof raw.type === 'string') return readTime(raw.time);
  if (typeof raw.event === 'string' && isRec(raw.data))
    return readTime(raw.data.createTime ?? raw.data.timestamp);
  const common = isRec(raw.common) ? raw.common : {};
  return readTime(common.createTime ?? raw.createTime ?? raw.timestamp);
}

/** Prefixes an id so that a replay never collides with what the ledger already holds. */
function prefixed(prefix: string, id: unknown): unknown {
  if (typeof id !== 'string' && typeof id !== 'number' && typeof id !== 'bigint') return id;
  const text = String(id);
  if (text === '' || text === '0') return id;
  const full = `${prefix}${text}`;
  return full.length <= MAX_ID_LENGTH
    ? full
    : `${prefix}${text.slice(-(MAX_ID_LENGTH - prefix.length))}`;
}

/**
 * Readies one recorded event for replay: a copy with fresh message and streak ids (a second
 * replay, or a replay of a LIVE already in the ledger, must count again and never merge with the
 * original streaks), stamped with the replay time and marked `replay`. Session boundaries are
 * dropped (undefined): a replay never opens or ends the creator's real session.
 */
export function prepareReplayEvent(raw: unknown, prefix: string, time: number): Rec | undefined {
  if (!isRec(raw)) return undefined;
  const copy = structuredClone(raw);
  delete copy._at;
  if (typeof copy.type === 'string') {
    if (copy.type === 'session') return undefined;
    if (copy.id !== undefined) copy.id = prefixed(prefix, copy.id);
    if (isRec(copy.streak)) copy.streak.id = prefixed(prefix, copy.streak.id);
    copy.time = time;
    copy.origin = 'replay';
    return copy;
  }
  if (typeof copy.event === 'string' && isRec(copy.data)) {
    if (copy.event === 'streamEnd') return undefined;
    const data = copy.data;
    if (data.msgId !== undefined) data.msgId = prefixed(prefix, data.msgId);
    if (data.groupId !== undefined) data.groupId = prefixed(prefix, data.groupId);
    delete data.timestamp;
    data.createTime = time;
    return copy;
  }
  // A bare TikTok-Live-Connector object (v1 flat, 2.0 giftDetails, 2.4+ v3).
  if (isRec(copy.common)) {
    if (copy.common.msgId !== undefined) copy.common.msgId = prefixed(prefix, copy.common.msgId);
    copy.common.createTime = time;
  }
  if (copy.msgId !== undefined) copy.msgId = prefixed(prefix, copy.msgId);
  if (copy.groupId !== undefined) copy.groupId = prefixed(prefix, copy.groupId);
  if (copy.createTime !== undefined) copy.createTime = time;
  delete copy.timestamp;
  return copy;
}

/**
 * Places recorded lines on the recording's own timeline (ms from its start, at 1×): a line's
 * `_at` when it has one, else its event time relative to the first timed event, else the same
 * moment as the line before. Time never runs backwards, so out-of-order lines play at once.
 */
export class ReplayPacer {
  private firstTime: number | undefined;
  private offset = 0;

  offsetOf(raw: unknown): number {
    let at: number | undefined;
    if (isRec(raw) && typeof raw._at === 'number' && Number.isFinite(raw._at) && raw._at >= 0) {
      at = raw._at;
    } else {
      const time = recordedTime(raw);
      if (time !== undefined) {
        this.firstTime ??= time - this.offset;
        at = time - this.firstTime;
      }
    }
    if (at !== undefined) this.offset = Math.max(this.offset, at);
    return this.offset;
  }
}

/** Options of one replay: a recording file, or frames handed over directly. */
export interface ReplayOptions {
  /** An NDJSON recording. */
  file?: string;
  /**
   * Raw events to replay instead of a file (for example a stored session read from the ledger's
   * raw log), each optionally with `_at`.
   */
  frames?: Iterable<unknown> | AsyncIterable<unknown>;
  /** Shown in the source list for `frames` (default "session"). */
  label?: string;
  /** 1–20× the recorded pace. */
  speed: number;
  id?: string;
  now?: () => number;
  rateNotifyMs?: number;
}

/**
 * Plays an NDJSON recording (one raw event per line, any accepted shape) back through the
 * pipeline at 1–20× speed. Pacing comes from each line's `_at` (ms from the start of the
 * recording) or else from the events' own times. Every event is marked `replay`.
 */
export class ReplaySource extends ReportingSource implements Source {
  readonly kind = 'replay' as const;
  readonly speed: number;
  private readonly input:
    | { kind: 'file'; file: string }
    | { kind: 'frames'; frames: Iterable<unknown> | AsyncIterable<unknown> };
  /** How the recording is named in messages. */
  private readonly name: string;
  /** Resolves when the whole recording has been played and committed. */
  readonly finished: Promise<void>;
  /** Lines played, and lines skipped because they could not be read. */
  played = 0;
  skipped = 0;
  private stopped = false;
  private readonly sleeper = new WakeableSleep();
  private begin: (() => void) | null = null;

  constructor(sink: EventSink, options: ReplayOptions) {
    const parsed = replayRequestSchema.safeParse({
      file: options.file ?? (options.frames ? 'frames' : undefined),
      speed: options.speed,
    });
    if (!parsed.success || (options.file !== undefined && options.frames !== undefined)) {
      throw new SourceError(
        'invalid_request',
        'A replay needs one recording (a file or frames) and a speed from 1 to 20.',
      );
    }
    const name = options.frames ? (options.label ?? 'session') : basename(parsed.data.file);
    super(sink, {
      id: options.id ?? 'replay',
      kind: 'replay',
      label: `Replay ${name} ×${parsed.data.speed}`,
      origin: 'replay',
      now: options.now ?? Date.now,
      rateNotifyMs: options.rateNotifyMs,
    });
    this.speed = parsed.data.speed;
    this.name = name;
    this.input = options.frames
      ? { kind: 'frames', frames: options.frames }
      : { kind: 'file', file: parsed.data.file };
    const started = new Promise<void>((resolve) => {
      this.begin = resolve;
    });
    this.finished = started.then(() => this.play());
    // Callers that only stop the replay must not see an unhandled rejection.
    this.finished.catch(() => undefined);
  }

  start(): Promise<void> {
    this.begin?.();
    this.begin = null;
    return Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.sleeper.wake();
    this.begin?.();
    this.begin = null;
    await this.finished.catch(() => undefined);
    this.health_.dispose();
  }

  private async play(): Promise<void> {
    if (this.stopped) {
      this.health_.setState('stopped');
      return;
    }
    if (this.input.kind === 'file') {
      const info = await stat(this.input.file).catch(() => null);
      if (!info?.isFile()) {
        const message = `No recording at ${this.input.file}.`;
        this.health_.setState('error', message);
        throw new SourceError('not_found', message);
      }
    }
    this.health_.setState('connected', null);
    // Unique per run, so that the same recording can be replayed again and still count.
    const prefix = `rp${this.now().toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36)}-`;
    const startedAt = this.now();
    const pacer = new ReplayPacer();
    try {
      for await (const record of this.records()) {
        if (this.stopped) break;
        if (record.kind === 'bad') {
          this.skipped++;
          this.health_.setError(record.reason);
          continue;
        }
        const due = startedAt + pacer.offsetOf(record.raw) / this.speed;
        if (due > this.now()) {
          await this.sleeper.sleep(due - this.now());
          if (this.stopped) break;
        }
        const event = prepareReplayEvent(record.raw, prefix, this.now());
        this.played++;
        if (event) this.submitter.push([event]);
        // Reading a file is faster than committing: let the ledger catch up now and then.
        if (this.submitter.queued >= BACKPRESSURE_EVENTS) await this.submitter.idle();
      }
    } catch (error) {
      const message = `Could not read ${this.name}: ${describeError(error)}`;
      this.health_.setState('error', message);
      throw new SourceError('invalid_request', message);
    } finally {
      await this.submitter.idle();
    }
    this.health_.setState('stopped');
  }

  /** The recording, one raw event (or one unreadable line) at a time. */
  private async *records(): AsyncGenerator<
    { kind: 'event'; raw: unknown } | { kind: 'bad'; reason: string }
  > {
    if (this.input.kind === 'frames') {
      for await (const raw of this.input.frames) yield { kind: 'event', raw };
      return;
    }
    const lines = createInterface({
      input: createReadStream(this.input.file, 'utf8'),
      crlfDelay: Infinity,
    });
    let lineNo = 0;
    try {
      for await (const line of lines) {
        lineNo++;
        if (line.trim() === '') continue;
        try {
          if (line.length > MAX_LINE_CHARS) throw new Error('too long');
          yield { kind: 'event', raw: JSON.parse(line) as unknown };
        } catch {
          yield {
            kind: 'bad',
            reason: `Line ${lineNo} of ${this.name} is not a JSON event; skipped.`,
          };
        }
      }
    } finally {
      lines.close();
    }
  }
}

/**
 * Writes raw frames to an NDJSON recording as they arrive, each with its `_at` offset in ms,
 * so that a creator can record a LIVE (or a test) and replay it later.
 */
export class NdjsonRecorder {
  private readonly out: WriteStream;
  private readonly startedAt: number;
  /** Frames that could not be written as JSON (for example with bigint fields). */
  skipped = 0;

  constructor(
    readonly file: string,
    private readonly now: () => number = Date.now,
  ) {
    this.out = createWriteStream(file, { flags: 'w', mode: 0o600 });
    this.startedAt = now();
  }

  /** Appends one raw frame (any accepted shape). */
  write(raw: unknown): void {
    if (!isRec(raw)) {
      this.skipped++;
      return;
    }
    let line: string;
    try {
      line = JSON.stringify({ ...raw, _at: this.now() - this.startedAt });
    } catch {
      this.skipped++;
      return;
    }
    this.out.write(`${line}\n`);
  }

  /** Finishes the file. */
  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.out.once('error', reject);
      this.out.end(() => resolve());
    });
  }
}

/** A sink that records every raw event a source submits, then passes it on unchanged. */
export function recordTo(sink: EventSink, recorder: NdjsonRecorder): EventSink {
  return {
    submit(raw, meta) {
      for (const frame of raw) recorder.write(frame);
      return sink.submit(raw, meta);
    },
    catalog: (gifts, meta) => sink.catalog(gifts, meta),
    connection: (event) => sink.connection(event),
  };
}
