import { useCallback, useEffect, useRef, useState } from 'react';
import type { OperationStatus } from '../../../shared/api';
import { assertNever } from '../../../shared/result';
import { describeError } from '../api';
import { ProgressBar } from '../components/ui';
import { useDashboard } from '../hooks';
import { FormError } from './FormFooter';

/** How often a running operation's progress is read. */
const POLL_MS = 500;

function outcome(op: OperationStatus, format: (n: number) => string): string {
  switch (op.state) {
    case 'running':
      return `${op.phase}… ${Math.floor(op.progress * 100)}%`;
    case 'done':
      return op.kind === 'rebuild'
        ? `Rebuilt from ${format(op.records)} raw records.`
        : `Imported ${format(op.records)} rows. The previous ledger was backed up as ${op.backupFile ?? 'a backup'}.`;
    case 'failed':
      return `${op.kind === 'rebuild' ? 'Rebuild' : 'Import'} failed: ${op.error?.message ?? 'unknown error'}`;
    default:
      return assertNever(op.state, 'operation state');
  }
}

/**
 * Long operations on the ledger — rebuild the totals from the raw log, import a JSON export —
 * with a progress bar read from `operations.status` while they run.
 */
export function OperationsPanel() {
  const { client, format, notify, reloadSettings } = useDashboard();
  const [op, setOp] = useState<OperationStatus | null>(null);
  const [file, setFile] = useState('');
  const [error, setError] = useState<string | null>(null);
  const seen = useRef<string | null>(null);

  const poll = useCallback(async () => {
    try {
      const next = await client.invoke('operations.status', {});
      setOp(next);
      return next;
    } catch (e) {
      setError(describeError(e));
      return null;
    }
  }, [client]);

  useEffect(() => {
    void poll();
  }, [poll]);

  const running = op?.state === 'running';
  useEffect(() => {
    if (!running) return;
    const id = setInterval(() => void poll(), POLL_MS);
    return () => clearInterval(id);
  }, [running, poll]);

  // Tell the creator once when an operation they watched ends.
  useEffect(() => {
    if (!op || op.state === 'running' || seen.current !== op.id) return;
    seen.current = null;
    notify(op.state === 'done' ? 'ok' : 'error', outcome(op, format.int));
    if (op.state === 'done') reloadSettings();
  }, [op, notify, format, reloadSettings]);

  const start = async (kind: 'rebuild' | 'import') => {
    setError(null);
    const question =
      kind === 'rebuild'
        ? 'Rebuild every total from the raw log? Gifts arriving meanwhile are kept and stored when it ends.'
        : 'Replace the whole ledger with this export? The current ledger is backed up first.';
    if (!window.confirm(question)) return;
    try {
      const started =
        kind === 'rebuild'
          ? await client.invoke('operations.rebuild', {})
          : await client.invoke('operations.import', { file: file.trim() });
      seen.current = started.id;
      setOp(started);
    } catch (e) {
      setError(describeError(e));
    }
  };

  return (
    <div className="stack" aria-label="Long operations">
      <p className="muted small">
        Rebuilding recomputes sessions, leaderboards and totals from the raw log of every event (use
        it after changing timeouts, or if numbers look wrong).
      </p>
      <div className="form-actions left">
        <button
          type="button"
          className="btn"
          disabled={running}
          onClick={() => void start('rebuild')}
        >
          Rebuild from raw log
        </button>
      </div>
      <form
        className="form"
        aria-label="Import a JSON export"
        onSubmit={(e) => {
          e.preventDefault();
          void start('import');
        }}
      >
        <label>
          JSON export to import (full path on the Gemlight computer)
          <input
            name="import-file"
            value={file}
            placeholder="C:\Users\me\Documents\gemlight-export.json"
            onChange={(e) => setFile(e.target.value)}
            autoComplete="off"
          />
        </label>
        <div className="form-actions left">
          <button type="submit" className="btn" disabled={running || file.trim() === ''}>
            Import
          </button>
        </div>
      </form>
      {op ? (
        <div data-testid="operation" data-state={op.state}>
          <ProgressBar
            fraction={op.progress}
            label={`${op.kind === 'rebuild' ? 'Rebuild' : 'Import'} progress`}
            testId="operation-progress"
          />
          <p
            className={op.state === 'failed' ? 'error-text' : 'small'}
            role={op.state === 'failed' ? 'alert' : 'status'}
            data-testid="operation-phase"
          >
            {outcome(op, format.int)}
            {op.state === 'running' && op.deferredEvents > 0
              ? ` · ${format.int(op.deferredEvents)} new events held until it ends`
              : ''}
          </p>
        </div>
      ) : null}
      <FormError error={error} />
    </div>
  );
}
