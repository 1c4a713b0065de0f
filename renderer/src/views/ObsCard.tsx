import { useEffect, useState } from 'react';
import type { ObsAddedSource, ObsStatusDto, ObsWidgetName, Settings } from '../../../shared/api';
import { assertNever } from '../../../shared/result';
import { Card } from '../components/ui';
import { useAction, useCommand, useDashboard, useNow } from '../hooks';

const OBS_WIDGETS: { widget: ObsWidgetName; label: string }[] = [
  { widget: 'alerts', label: 'Gift alerts' },
  { widget: 'leaderboard', label: 'Top gifters' },
  { widget: 'goal', label: 'Goal bar' },
  { widget: 'all', label: 'All in one' },
];

function stateText(s: ObsStatusDto): string {
  switch (s.state) {
    case 'off':
      return 'Off: Gemlight does not talk to OBS.';
    case 'connecting':
      return 'Connecting to OBS…';
    case 'connected':
      return `Connected to OBS (obs-websocket ${s.obsWebSocketVersion ?? '?'}).`;
    case 'error':
      return `Not connected: ${s.error?.message ?? 'OBS did not answer.'}`;
    default:
      return assertNever(s.state, 'OBS state');
  }
}

/**
 * OBS one-click: connection settings with a test button, "add the chosen widgets to the current
 * scene" (with the builder's theme), and refreshing sources whose page went quiet.
 */
export function ObsCard({ query, widget }: { query: string; widget: ObsWidgetName }) {
  const { settings, reloadSettings, notify } = useDashboard();
  const { run, busy } = useAction();
  // The watchdog works in the background: re-read its state every few seconds.
  const tick = useNow(3000);
  const status = useCommand('obs.status', {}, tick);
  const [form, setForm] = useState<Settings['obs']>(
    settings?.obs ?? { url: 'ws://127.0.0.1:4455', password: '', enabled: false },
  );
  const [chosen, setChosen] = useState<ObsWidgetName[]>([widget]);
  const [added, setAdded] = useState<ObsAddedSource[]>([]);
  useEffect(() => {
    if (settings) setForm(settings.obs);
  }, [settings]);

  const urlValid = /^wss?:\/\/\S+$/.test(form.url.trim());
  const save = async () => {
    const saved = await run(
      'settings.update',
      { obs: { ...form, url: form.url.trim() } },
      form.enabled ? 'OBS settings saved: Gemlight connects to OBS.' : 'OBS integration off.',
    );
    if (saved) {
      reloadSettings();
      status.reload();
    }
  };
  const test = async () => {
    const r = await run('obs.test', { url: form.url.trim(), password: form.password });
    if (r) {
      notify(
        'ok',
        `OBS answered (obs-websocket ${r.obsWebSocketVersion}). Tick "Connect to OBS" and save to use it.`,
      );
    }
  };
  const add = async () => {
    const r = await run(
      'obs.addWidgets',
      { widgets: chosen, query },
      'Added to the current scene in OBS.',
    );
    if (r) setAdded(r);
    status.reload();
  };
  const refresh = async () => {
    const r = await run('obs.refresh', {});
    if (r) {
      notify(
        'ok',
        r.refreshed.length > 0
          ? `Refreshed ${r.refreshed.join(', ')}.`
          : 'Every Gemlight source in OBS has a live page: nothing to refresh.',
      );
    }
    status.reload();
  };
  const s = status.data;
  const connected = s?.state === 'connected';

  return (
    <Card title="OBS">
      <form
        className="form"
        aria-label="OBS connection"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <p className="muted small">
          In OBS: Tools → WebSocket Server Settings → Enable WebSocket server (OBS 28 or newer).
        </p>
        <label>
          OBS WebSocket address
          <input
            name="obs-url"
            value={form.url}
            onChange={(e) => setForm({ ...form, url: e.target.value })}
            autoComplete="off"
          />
        </label>
        <label>
          OBS WebSocket password
          <input
            name="obs-password"
            type="password"
            value={form.password}
            onChange={(e) => setForm({ ...form, password: e.target.value })}
            autoComplete="off"
          />
        </label>
        <label className="check">
          <input
            type="checkbox"
            name="obs-enabled"
            checked={form.enabled}
            onChange={(e) => setForm({ ...form, enabled: e.target.checked })}
          />{' '}
          Connect to OBS (and refresh sources whose page stops)
        </label>
        {!urlValid ? (
          <p className="error-text" role="alert">
            The address starts with ws:// (usually ws://127.0.0.1:4455).
          </p>
        ) : null}
        <div className="form-actions left">
          <button
            type="button"
            className="btn"
            disabled={busy !== null || !urlValid}
            onClick={() => void test()}
          >
            Test connection
          </button>
          <button type="submit" className="btn btn-primary" disabled={busy !== null || !urlValid}>
            Save
          </button>
        </div>
      </form>
      <p className="small" role="status" data-testid="obs-status" data-state={s?.state ?? ''}>
        {s ? stateText(s) : status.error ? status.error : 'Reading the OBS state…'}
      </p>
      <fieldset disabled={!connected}>
        <legend>Add to the current scene</legend>
        <div className="form-grid">
          {OBS_WIDGETS.map((w) => (
            <label key={w.widget} className="check">
              <input
                type="checkbox"
                name={`obs-widget-${w.widget}`}
                checked={chosen.includes(w.widget)}
                onChange={(e) =>
                  setChosen((c) =>
                    e.target.checked
                      ? [...c.filter((x) => x !== w.widget), w.widget]
                      : c.filter((x) => x !== w.widget),
                  )
                }
              />{' '}
              {w.label}
            </label>
          ))}
        </div>
        <div className="form-actions left">
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy !== null || chosen.length === 0}
            onClick={() => void add()}
          >
            Add to OBS
          </button>
          <button
            type="button"
            className="btn"
            disabled={busy !== null}
            onClick={() => void refresh()}
          >
            Refresh stale sources
          </button>
        </div>
      </fieldset>
      <p className="muted small">
        Sources are sized to your OBS canvas and use this builder&apos;s look. Clicking again
        updates them instead of adding duplicates.
      </p>
      {added.length > 0 ? (
        <ul className="list" data-testid="obs-added">
          {added.map((a) => (
            <li key={a.inputName} className="list-row">
              <bdi>{a.inputName}</bdi>
              <span className="muted">
                {a.action} in {a.sceneName} · {a.width}×{a.height}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      {s && s.refreshed.length > 0 ? (
        <p className="muted small" data-testid="obs-refreshed">
          Last refreshed: {s.refreshed[s.refreshed.length - 1]?.inputName}
        </p>
      ) : null}
    </Card>
  );
}
