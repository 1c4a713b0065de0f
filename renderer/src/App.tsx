import { lazy, Suspense, useCallback, useEffect, useMemo, useReducer, useState } from 'react';
import type { Settings } from '../../shared/api';
import { emptyLiveState, reduceLive } from '../../shared/liveState';
import { assertNever } from '../../shared/result';
import { describeError, type GemlightClient, type LiveStatus } from './api';
import { createFormatter } from './format';
import { Dashboard, type DashboardContext } from './hooks';
import { hrefOf, useRoute, type Route } from './router';
import { LiveView } from './views/LiveView';
import { SessionsView } from './views/SessionsView';
import { SessionDetailView } from './views/SessionDetailView';
import { GiftersView } from './views/GiftersView';
import { PayoutView } from './views/PayoutView';
import { Working } from './components/ui';

// Settings (rate schedule, overlay builder, backups) is visited rarely: load it on first use.
const SettingsView = lazy(() =>
  import('./views/SettingsView').then((m) => ({ default: m.SettingsView })),
);

interface Toast {
  id: number;
  kind: 'ok' | 'error';
  text: string;
}

const NAV: { view: Route['view']; route: Route; label: string; icon: string }[] = [
  { view: 'live', route: { view: 'live' }, label: 'Live', icon: '●' },
  { view: 'sessions', route: { view: 'sessions' }, label: 'Sessions', icon: '▤' },
  { view: 'gifters', route: { view: 'gifters', userId: null }, label: 'Gifters', icon: '♥' },
  { view: 'payout', route: { view: 'payout' }, label: 'Payout', icon: '◎' },
  {
    view: 'settings',
    route: { view: 'settings', section: 'earnings' },
    label: 'Settings',
    icon: '⚙',
  },
];

const STATUS_TEXT: Record<LiveStatus, string> = {
  connecting: 'Connecting…',
  open: 'Live feed connected',
  reconnecting: 'Reconnecting to Gemlight…',
  unauthorized: 'Access token refused',
};

/** The dashboard shell: navigation, live feed, settings, toasts and the current view. */
export function App({ client }: { client: GemlightClient }) {
  const route = useRoute();
  const [live, dispatch] = useReducer(reduceLive, undefined, () => emptyLiveState());
  const [liveStatus, setLiveStatus] = useState<LiveStatus>('connecting');
  const [settings, setSettings] = useState<Settings | null>(null);
  const [settingsError, setSettingsError] = useState<string | null>(null);
  const [settingsRound, setSettingsRound] = useState(0);
  const [toasts, setToasts] = useState<Toast[]>([]);

  useEffect(() => client.subscribe(dispatch, setLiveStatus), [client]);

  useEffect(() => {
    let cancelled = false;
    client.invoke('settings.get', {}).then(
      (s) => {
        if (cancelled) return;
        setSettings(s);
        setSettingsError(null);
      },
      (e: unknown) => !cancelled && setSettingsError(describeError(e)),
    );
    return () => {
      cancelled = true;
    };
  }, [client, settingsRound]);

  // Settings may change from another window or PC: read them again when this one comes back.
  useEffect(() => {
    const onFocus = () => setSettingsRound((r) => r + 1);
    window.addEventListener('focus', onFocus);
    return () => window.removeEventListener('focus', onFocus);
  }, []);

  const theme = settings?.theme ?? 'dark';
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);

  const notify = useCallback((kind: Toast['kind'], text: string) => {
    const id = Date.now() + Math.random();
    setToasts((t) => [...t.slice(-3), { id, kind, text }]);
    setTimeout(
      () => setToasts((t) => t.filter((x) => x.id !== id)),
      kind === 'error' ? 9000 : 3500,
    );
  }, []);

  const currency = settings?.currency ?? live.currency;
  const locale = settings?.locale;
  const format = useMemo(() => createFormatter(locale, currency), [locale, currency]);
  const reloadSettings = useCallback(() => setSettingsRound((r) => r + 1), []);

  const ctx: DashboardContext = useMemo(
    () => ({ client, format, settings, live, liveStatus, reloadSettings, notify }),
    [client, format, settings, live, liveStatus, reloadSettings, notify],
  );

  const toggleTheme = () => {
    const next = theme === 'dark' ? 'light' : 'dark';
    setSettings((s) => (s ? { ...s, theme: next } : s));
    client.invoke('settings.update', { theme: next }).then(
      (s) => setSettings(s),
      (e: unknown) => notify('error', `The theme was not saved: ${describeError(e)}`),
    );
  };

  const session = live.session;
  return (
    <Dashboard.Provider value={ctx}>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <div className="shell">
        <aside className="sidebar">
          <div className="brand">
            <span className="brand-mark" aria-hidden="true">
              ◆
            </span>
            Gemlight
          </div>
          <nav aria-label="Main">
            <ul>
              {NAV.map((item) => {
                const active =
                  item.view === route.view ||
                  (item.view === 'sessions' && route.view === 'session');
                return (
                  <li key={item.view}>
                    <a
                      href={hrefOf(item.route)}
                      className={active ? 'active' : ''}
                      aria-current={active ? 'page' : undefined}
                    >
                      <span className="nav-icon" aria-hidden="true">
                        {item.icon}
                      </span>
                      {item.label}
                      {item.view === 'live' && session && session.endedAt === null ? (
                        <span className={`nav-badge${session.simulated ? ' sim' : ''}`}>
                          {session.simulated ? 'SIM' : 'LIVE'}
                        </span>
                      ) : null}
                    </a>
                  </li>
                );
              })}
            </ul>
          </nav>
          <div className="sidebar-foot">
            <div className={`conn conn-${liveStatus}`} role="status" aria-live="polite">
              <span className="dot" aria-hidden="true" />
              {STATUS_TEXT[liveStatus]}
            </div>
            <button
              type="button"
              className="btn btn-ghost btn-small"
              onClick={toggleTheme}
              aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
            >
              {theme === 'dark' ? '☀ Light theme' : '☾ Dark theme'}
            </button>
          </div>
        </aside>
        <main id="main" className="main" tabIndex={-1}>
          {settingsError ? (
            <div className="banner banner-error" role="alert">
              Settings could not be loaded: {settingsError}
              <button type="button" className="btn btn-small" onClick={reloadSettings}>
                Try again
              </button>
            </div>
          ) : null}
          <RouteView route={route} />
        </main>
      </div>
      <div className="toasts" aria-live="assertive">
        {toasts.map((t) => (
          <div
            key={t.id}
            className={`toast toast-${t.kind}`}
            role={t.kind === 'error' ? 'alert' : 'status'}
          >
            {t.text}
          </div>
        ))}
      </div>
    </Dashboard.Provider>
  );
}

function RouteView({ route }: { route: Route }) {
  switch (route.view) {
    case 'live':
      return <LiveView />;
    case 'sessions':
      return <SessionsView />;
    case 'session':
      return <SessionDetailView id={route.id} />;
    case 'gifters':
      return <GiftersView userId={route.userId} />;
    case 'payout':
      return <PayoutView />;
    case 'settings':
      return (
        <Suspense fallback={<Working label="Loading settings…" />}>
          <SettingsView section={route.section} />
        </Suspense>
      );
    default:
      return assertNever(route, 'route');
  }
}
