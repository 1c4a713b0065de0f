import { useState } from 'react';
import type { SessionSummary } from '../../../shared/api';
import { describeError } from '../api';
import { ProgressBar } from '../components/ui';
import { useDashboard } from '../hooks';
import { download } from './download';
import { csvCell } from './sessionExport';

const PAGE = 100;

/** The whole session history as CSV: one row per session, amounts in minor units. */
export function historyCsv(sessions: SessionSummary[]): string {
  const header = [
    'session_id',
    'started_at_utc',
    'ended_at_utc',
    'simulated',
    'coins',
    'diamonds',
    'cash_minor',
    'currency',
    'gifts',
    'gifters',
    'top_gifter_handle',
    'gap_ms',
  ];
  const rows = sessions.map((s) => [
    s.id,
    new Date(s.startedAt).toISOString(),
    s.endedAt === null ? '' : new Date(s.endedAt).toISOString(),
    s.simulated ? 'yes' : 'no',
    s.coins,
    s.diamonds,
    s.cash.minor,
    s.cash.currency,
    s.giftCount,
    s.gifterCount,
    s.topGifter?.handle ?? '',
    s.gapMs,
  ]);
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/**
 * Exports every session, page by page through the cursor, with a progress bar: years of history
 * take a while, and the creator should see it moving.
 */
export function HistoryExport() {
  const { client, notify } = useDashboard();
  const [progress, setProgress] = useState<{ done: number; total: number } | null>(null);

  const run = async () => {
    setProgress({ done: 0, total: 0 });
    const all: SessionSummary[] = [];
    let cursor: string | undefined;
    try {
      for (;;) {
        const page = await client.invoke('sessions.list', {
          limit: PAGE,
          sort: 'startedAt',
          order: 'asc',
          includeSimulated: true,
          ...(cursor ? { cursor } : {}),
        });
        all.push(...page.items);
        setProgress({ done: all.length, total: page.total });
        if (!page.nextCursor || page.items.length === 0) break;
        cursor = page.nextCursor;
      }
      download(
        `gemlight-sessions-${new Date().toISOString().slice(0, 10)}.csv`,
        historyCsv(all),
        'text/csv',
      );
      notify('ok', `Exported ${all.length} sessions.`);
    } catch (e) {
      notify('error', `The export stopped: ${describeError(e)} Nothing was saved; try again.`);
    } finally {
      setProgress(null);
    }
  };

  return (
    <div className="export">
      <button type="button" className="btn" disabled={progress !== null} onClick={() => void run()}>
        Export all sessions (CSV)
      </button>
      {progress ? (
        <div className="export-progress" role="status" aria-live="polite">
          <ProgressBar
            fraction={progress.total ? progress.done / progress.total : 0}
            label="Export progress"
          />
          <span className="muted small">
            {progress.done} of {progress.total || '…'} sessions
          </span>
        </div>
      ) : null}
    </div>
  );
}
