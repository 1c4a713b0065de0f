import type { LiveEvent } from '../../shared/events';
import { bundledCatalog } from '../../shared/catalog';
import { normalizeEvent } from '../../shared/normalize';
import type { LedgerDb } from '../../electron/services/ledger/db';
import type { LedgerEffect, LedgerWriter } from '../../electron/services/ledger/writer';
import { frameElementTexts } from '../../electron/services/ingest/frameText';

/**
 * The work of the writer-thread experiment (writerThread.ts), shared by the thread that reads
 * sockets and the worker, so each split moves the same code and only the split differs.
 */

/** Which part of an event's path runs on the worker thread. */
export type Split =
  /** Everything on the socket thread (today's design). */
  | 'inline'
  /** Normalized events go to the worker as objects (structured clone), effects come back. */
  | 'objects'
  /** Normalized events go as JSON text (the raw log stores that text anyway). */
  | 'strings'
  /** The frames' text goes over as received; parsing and normalizing move too. */
  | 'frames';

export const SPLITS: readonly Split[] = ['inline', 'objects', 'strings', 'frames'];

/** One normalized event, ready for the writer. */
export interface Prepared {
  event: LiveEvent;
  raw: string;
}

/** What one commit of a batch answers: per event, whether it was a duplicate; and the effects. */
export interface Committed {
  duplicate: boolean[];
  ids: string[];
  effects: LedgerEffect[];
}

let serial = 0;

/** Parses and normalizes one frame of bench traffic (which is never refused). */
export function prepareFrame(text: string, now: number): Prepared[] {
  const parsed = JSON.parse(text) as unknown;
  const items = Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
  const texts = frameElementTexts(text, parsed);
  const context = {
    now,
    catalog: bundledCatalog,
    origin: 'live' as const,
    makeId: () => `wt-${++serial}`,
  };
  return items.map((item, i) => {
    const r = normalizeEvent(item, context);
    if (!r.ok || r.value.kind !== 'event') throw new Error('bench traffic was refused');
    return { event: r.value.event, raw: texts?.[i] ?? JSON.stringify(item) };
  });
}

/** Appends a batch in one transaction (group commit) with derived rows written once. */
export function commitBatch(
  db: LedgerDb,
  writer: LedgerWriter,
  batch: readonly Prepared[],
  receivedAt: number,
): Committed {
  const out: Committed = { duplicate: [], ids: [], effects: [] };
  db.transaction(() =>
    writer.batch(() => {
      for (const p of batch) {
        const effects = writer.append(p.event, { source: 'push', receivedAt, raw: p.raw });
        out.ids.push(p.event.id);
        out.duplicate.push(effects === null);
        if (effects) for (const e of effects) out.effects.push(e);
      }
    }),
  )();
  return out;
}
