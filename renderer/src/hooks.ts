import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import type { CommandName, ParamsOf, ResultOf, Settings } from '../../shared/api';
import type { LiveState } from '../../shared/liveState';
import { describeError, type GemlightClient, type LiveStatus } from './api';
import type { Formatter } from './format';

/** Everything views share: the client, formatting, settings and the live state. */
export interface DashboardContext {
  client: GemlightClient;
  format: Formatter;
  settings: Settings | null;
  live: LiveState;
  liveStatus: LiveStatus;
  /** Re-reads settings after a change (theme, locale, currency). */
  reloadSettings: () => void;
  /** Shows a short confirmation or error toast. */
  notify: (kind: 'ok' | 'error', text: string) => void;
}

export const Dashboard = createContext<DashboardContext | null>(null);

/** The dashboard context; views are only rendered inside the provider. */
export function useDashboard(): DashboardContext {
  const ctx = useContext(Dashboard);
  if (!ctx) throw new Error('useDashboard outside the dashboard provider');
  return ctx;
}

/** A command's result with loading and error state; `reload` runs it again. */
export interface Loaded<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/**
 * Runs a read command whenever its params change. `key` is the params' identity (JSON), so
 * callers may pass fresh objects each render.
 */
export function useCommand<K extends CommandName>(
  name: K,
  params: ParamsOf<K> | null,
  /** Runs the command again whenever this changes (e.g. the live session's id). */
  refreshKey: string | number | null = null,
): Loaded<ResultOf<K>> {
  const { client } = useDashboard();
  const [data, setData] = useState<ResultOf<K> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [round, setRound] = useState(0);
  const key = params === null ? null : JSON.stringify(params);
  const paramsRef = useRef(params);
  paramsRef.current = params;

  useEffect(() => {
    if (key === null) return;
    let cancelled = false;
    // A refresh keeps showing the old data while it loads, so tables do not flicker.
    setLoading(true);
    client.invoke(name, paramsRef.current as ParamsOf<K>).then(
      (result) => {
        if (cancelled) return;
        setData(result);
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (cancelled) return;
        setError(describeError(e));
        setLoading(false);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [client, name, key, round, refreshKey]);

  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { data, error, loading, reload };
}

/** Runs a write command with a busy flag; errors go to a toast with what to do. */
export function useAction() {
  const { client, notify } = useDashboard();
  const [busy, setBusy] = useState<string | null>(null);
  const run = useCallback(
    async <K extends CommandName>(
      name: K,
      params: ParamsOf<K>,
      success?: string,
    ): Promise<ResultOf<K> | null> => {
      setBusy(name);
      try {
        const result = await client.invoke(name, params);
        if (success) notify('ok', success);
        return result;
      } catch (e) {
        notify('error', describeError(e));
        return null;
      } finally {
        setBusy(null);
      }
    },
    [client, notify],
  );
  return { run, busy };
}

/** The current time, ticking every `everyMs` (for "3 s ago" and running durations). */
export function useNow(everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}
