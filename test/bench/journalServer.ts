/**
 * The server of the journal experiment (journal.ts), in a process of its own: a minimal /ingest
 * that acks each event once it is committed to the raw log alone (`raw_events`, with its unique
 * `msg_id`, so a duplicate is still told apart before the ack), leaving the derived rows (sessions,
 * streaks, gifters, rollups) for later. `process.argv[2]`:
 *  - 'journal': nothing builds the derived rows: the most such an ack path can do here;
 *  - 'raw': the same, storing each event's text as received and not its normalized JSON (which a
 *    projector would then have to normalize again): the least an ack can wait for;
 *  - 'projected': a projector worker (journalProjector.ts) builds them at the same time, reading
 *    the raw log back and writing its own file, as a design that acked this way would have to.
 * `process.argv[3]` names a JSON file for the run's figures (`JournalStats`). It speaks the ingest
 * server protocol of ingestServer.ts ('go', 'stop', `TargetReady`).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { WebSocket } from 'ws';
import Database from 'better-sqlite3';
import { openLedger, type LedgerDb } from '../../electron/services/ledger/db';
import { rebuildDerived } from '../../electron/services/ledger/rebuild';
import { storedWriterConfig } from '../../electron/services/ledger/storedWriter';
import { listenForClient, sendAcks, tsxWorker } from './minimalServer';
import { prepareFrame, type Prepared } from './writerThreadCommit';
import type { ProjectorReport } from './journalProjector';

/** What one run of the journal server reports besides the client's own figures. */
export interface JournalStats {
  /** Events in the raw log when the client stopped. */
  journaled: number;
  /** Of those, events the projector had applied to its derived rows by then. */
  projectedAtStop: number;
  /** How long the projector took after the client stopped to apply the rest (ms). */
  catchUpMs: number;
  /** Events the projector had applied once caught up: every logged event, once. */
  appliedAtEnd: number;
  /**
   * Whether the projector's derived rows add up to those of the stock rebuild of the same raw
   * log (sessions, coins, gifts, gifters, streaks); null when nothing projected.
   */
  projectionMatchesReplay: boolean | null;
}

type Mode = 'journal' | 'raw' | 'projected';

interface Job {
  ws: WebSocket;
  items: Prepared[];
}

const mode = process.argv[2] as Mode;
const statsFile = process.argv[3] ?? '';
const dataDir = mkdtempSync(join(tmpdir(), `gemlight-bench-journal-${mode}-`));
const file = join(dataDir, 'journal.db');
const projectionFile = join(dataDir, 'projection.db');
const db = openLedger(file);
const insert = db.prepare<[string, string, string, number, string, string]>(
  `INSERT INTO raw_events (msg_id, kind, source, origin, received_at, raw, event)
   VALUES (?, ?, 'push', ?, ?, ?, ?) ON CONFLICT (msg_id) DO NOTHING`,
);

const projector =
  mode === 'projected'
    ? tsxWorker('journalProjector.ts', { file, projectionFile: join(dataDir, 'projection.db') })
    : null;
let projected = 0;
let projectedSeq = 0;
let lastSeq = 0;
const caughtUp: (() => void)[] = [];
projector?.on('message', (report: ProjectorReport) => {
  projected = report.applied;
  projectedSeq = report.seq;
  if (projectedSeq >= lastSeq) for (const done of caughtUp.splice(0)) done();
});

/** Totals of the derived rows that a skipped or repeated event would change. */
const DIGEST = `SELECT (SELECT count(*) FROM sessions) AS sessions,
  (SELECT total(coins) FROM sessions) AS coins, (SELECT total(gift_count) FROM sessions) AS gifts,
  (SELECT count(*) FROM session_gifters) AS sessionGifters, (SELECT count(*) FROM streaks) AS streaks,
  (SELECT total(coins) FROM all_gifters) AS allCoins`;
const digest = (ledger: LedgerDb): string => JSON.stringify(ledger.prepare(DIGEST).get());

/** Rebuilds the raw log's derived rows in place with the app's own rebuild, for reference. */
function replayDigest(): string {
  const last = db.prepare('SELECT max(received_at) AS at FROM raw_events').get() as { at: number };
  rebuildDerived(db, storedWriterConfig(db).config, last.at);
  return digest(db);
}

let queue: Job[] = [];
let scheduled = false;

function flush(): void {
  scheduled = false;
  const jobs = queue;
  queue = [];
  const duplicate: boolean[] = [];
  db.transaction(() => {
    for (const job of jobs) {
      for (const p of job.items) {
        const e = p.event;
        const event = mode === 'raw' ? '' : JSON.stringify(e);
        const info = insert.run(e.id, e.type, e.origin, Date.now(), p.raw, event);
        duplicate.push(info.changes === 0);
        if (info.changes > 0) lastSeq = Number(info.lastInsertRowid);
      }
    }
  })();
  let at = 0;
  for (const job of jobs) {
    const from = at;
    sendAcks(
      job.ws,
      job.items.length,
      (i) => job.items[i]?.event.id,
      (i) => duplicate[from + i],
    );
    at += job.items.length;
  }
  // The projector reads what is committed up to here, at its own pace.
  projector?.postMessage(lastSeq);
}

listenForClient(
  (ws, text) => {
    queue.push({ ws, items: prepareFrame(text, Date.now()) });
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  },
  async () => {
    const projectedAtStop = projector ? projected : 0;
    const stoppedAt = performance.now();
    if (projector && projectedSeq < lastSeq) await new Promise<void>((r) => caughtUp.push(r));
    const stats: Omit<JournalStats, 'projectionMatchesReplay'> = {
      journaled: lastSeq,
      projectedAtStop,
      catchUpMs: projector ? performance.now() - stoppedAt : 0,
      appliedAtEnd: projected,
    };
    await projector?.terminate();
    let projectionMatchesReplay: boolean | null = null;
    if (projector) {
      const projection = new Database(projectionFile, { readonly: true });
      projectionMatchesReplay = digest(projection) === replayDigest();
      projection.close();
    }
    db.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (statsFile) writeFileSync(statsFile, JSON.stringify({ ...stats, projectionMatchesReplay }));
  },
);
