import { useEffect, useMemo, useState } from 'react';
import { bundledCatalog } from '../../../shared/catalog';
import { CopyField } from '../components/CopyField';
import { Card, ErrorNote, Working } from '../components/ui';
import { useAction, useCommand, useDashboard } from '../hooks';
import { ObsCard } from './ObsCard';
import { SoundPicker } from './SoundPicker';
import {
  DEFAULT_DESIGN,
  OVERLAY_POSITIONS,
  OVERLAY_WIDGETS,
  overlayUrl,
  SOUND_TIERS,
  widgetUses,
  type OverlayDesign,
  type OverlayWidget,
} from './overlayUrl';

const STORAGE_KEY = 'gemlight.overlayDesign';

const WIDGET_LABEL: Record<OverlayWidget, string> = {
  alerts: 'Gift alerts',
  leaderboard: 'Top gifters',
  goal: 'Goal bar',
  all: 'All in one',
};

function loadDesign(): OverlayDesign {
  try {
    const saved = JSON.parse(
      localStorage.getItem(STORAGE_KEY) ?? 'null',
    ) as Partial<OverlayDesign> | null;
    if (!saved || typeof saved !== 'object') return DEFAULT_DESIGN;
    const soundTiers = Array.isArray(saved.soundTiers)
      ? SOUND_TIERS.filter((t) => saved.soundTiers?.includes(t))
      : DEFAULT_DESIGN.soundTiers;
    return { ...DEFAULT_DESIGN, ...saved, soundTiers };
  } catch {
    // A damaged saved design is replaced by the defaults.
    return DEFAULT_DESIGN;
  }
}

const GIFTS = [...bundledCatalog.values()].sort((a, b) => a.coins - b.coins);

/** The overlay builder: choose a widget and its look, preview it live, copy the URL for OBS. */
export function OverlayBuilder() {
  const info = useCommand('overlay.info', {});
  const { live } = useDashboard();
  const { run, busy } = useAction();
  const [design, setDesign] = useState<OverlayDesign>(loadDesign);
  const [giftId, setGiftId] = useState(5655);
  const [count, setCount] = useState(5);
  const [testName, setTestName] = useState('Test Viewer');
  // The preview reloads only after edits settle, not on every keystroke.
  const [previewUrl, setPreviewUrl] = useState<string | null>(null);

  useEffect(() => localStorage.setItem(STORAGE_KEY, JSON.stringify(design)), [design]);

  const url = useMemo(
    () => (info.data ? overlayUrl(info.data.baseUrl, info.data.key, design) : null),
    [info.data, design],
  );
  // The builder's theme for OBS's one-click: every parameter but the key (the server adds it).
  const obsQuery = useMemo(() => {
    if (!url) return '';
    const u = new URL(url);
    u.searchParams.delete('key');
    return u.searchParams.toString();
  }, [url]);
  useEffect(() => {
    if (!info.data) return;
    const next = overlayUrl(info.data.baseUrl, info.data.key, design, true);
    const t = setTimeout(() => setPreviewUrl(next), 400);
    return () => clearTimeout(t);
  }, [info.data, design]);

  const set = <K extends keyof OverlayDesign>(key: K, value: OverlayDesign[K]) =>
    setDesign((d) => ({ ...d, [key]: value }));
  const num =
    (key: keyof OverlayDesign, min: number, max: number) =>
    (e: React.ChangeEvent<HTMLInputElement>) => {
      const n = Number(e.target.value);
      if (Number.isFinite(n)) setDesign((d) => ({ ...d, [key]: Math.min(max, Math.max(min, n)) }));
    };
  const use = widgetUses(design.widget);
  const widgets = (
    info.data?.widgets.filter((w): w is OverlayWidget =>
      (OVERLAY_WIDGETS as readonly string[]).includes(w),
    ) ?? []
  ).length
    ? OVERLAY_WIDGETS.filter((w) => info.data?.widgets.includes(w))
    : OVERLAY_WIDGETS;
  const tiersValid = design.standard < design.big && design.big < design.celebration;
  const connected = live.overlays.filter((o) => !o.preview);

  if (info.error) return <ErrorNote message={info.error} onRetry={info.reload} />;
  if (!info.data) return <Working label="Loading overlay settings…" />;

  return (
    <div className="grid grid-builder">
      <Card title="Widget">
        <form className="form" aria-label="Overlay design" onSubmit={(e) => e.preventDefault()}>
          <div className="segmented wide" role="group" aria-label="Widget">
            {widgets.map((w) => (
              <button
                key={w}
                type="button"
                aria-pressed={design.widget === w}
                className={design.widget === w ? 'active' : ''}
                onClick={() => set('widget', w)}
              >
                {WIDGET_LABEL[w]}
              </button>
            ))}
          </div>
          <fieldset>
            <legend>Theme</legend>
            <div className="form-grid">
              <label>
                Accent
                <input
                  type="color"
                  name="accent"
                  value={design.accent}
                  onChange={(e) => set('accent', e.target.value)}
                />
              </label>
              <label>
                Second accent
                <input
                  type="color"
                  name="accent2"
                  value={design.accent2}
                  onChange={(e) => set('accent2', e.target.value)}
                />
              </label>
              <label>
                Text
                <input
                  type="color"
                  name="text"
                  value={design.text}
                  onChange={(e) => set('text', e.target.value)}
                />
              </label>
              <label>
                Font (installed on the OBS PC)
                <input
                  name="font"
                  value={design.font}
                  placeholder="System default"
                  onChange={(e) =>
                    set('font', e.target.value.replace(/[^\p{L}\p{N} _-]/gu, '').slice(0, 60))
                  }
                />
              </label>
              <NumberField
                label="Text size (px)"
                name="size"
                min={8}
                max={96}
                value={design.size}
                onChange={num('size', 8, 96)}
              />
              <NumberField
                label="Scale"
                name="scale"
                min={0.1}
                max={10}
                step={0.1}
                value={design.scale}
                onChange={num('scale', 0.1, 10)}
              />
              <label>
                Position
                <select
                  name="position"
                  value={design.position}
                  onChange={(e) => set('position', e.target.value as OverlayDesign['position'])}
                >
                  <option value="">Widget default</option>
                  {OVERLAY_POSITIONS.map((p) => (
                    <option key={p} value={p}>
                      {p}
                    </option>
                  ))}
                </select>
              </label>
              {use.alerts || use.goal ? (
                <label>
                  Show values in
                  <select
                    name="unit"
                    value={design.unit}
                    onChange={(e) =>
                      set('unit', e.target.value === 'diamonds' ? 'diamonds' : 'coins')
                    }
                  >
                    <option value="coins">Coins</option>
                    <option value="diamonds">Diamonds</option>
                  </select>
                </label>
              ) : null}
            </div>
          </fieldset>
          {use.alerts ? (
            <fieldset>
              <legend>Alert tiers (coins)</legend>
              <div className="form-grid">
                <NumberField
                  label="Standard from"
                  name="standard"
                  min={1}
                  value={design.standard}
                  onChange={num('standard', 1, 1e7)}
                />
                <NumberField
                  label="Big from"
                  name="big"
                  min={1}
                  value={design.big}
                  onChange={num('big', 1, 1e7)}
                />
                <NumberField
                  label="Celebration from"
                  name="celebration"
                  min={1}
                  value={design.celebration}
                  onChange={num('celebration', 1, 1e7)}
                />
                <NumberField
                  label="Ignore gifts under"
                  name="min"
                  min={0}
                  value={design.minCoins}
                  onChange={num('minCoins', 0, 1e7)}
                />
              </div>
              {!tiersValid ? (
                <p className="error-text" role="alert">
                  Tiers must rise: standard &lt; big &lt; celebration. Until they do, the overlay
                  uses its defaults (100, 1,000, 10,000).
                </p>
              ) : null}
              <SoundPicker
                sound={design.sound}
                volume={design.volume}
                tiers={design.soundTiers}
                onChange={(next) =>
                  setDesign((d) => ({
                    ...d,
                    ...(next.sound !== undefined ? { sound: next.sound } : {}),
                    ...(next.volume !== undefined ? { volume: next.volume } : {}),
                    ...(next.tiers !== undefined ? { soundTiers: next.tiers } : {}),
                  }))
                }
              />
              <label className="check">
                <input
                  type="checkbox"
                  checked={design.shoutout}
                  onChange={(e) => set('shoutout', e.target.checked)}
                />{' '}
                Shout out a new top gifter
              </label>
            </fieldset>
          ) : null}
          {use.board ? (
            <fieldset>
              <legend>Leaderboard</legend>
              <div className="form-grid">
                <label>
                  Period
                  <select
                    name="period"
                    value={design.period}
                    onChange={(e) => set('period', e.target.value as OverlayDesign['period'])}
                  >
                    <option value="session">This session</option>
                    <option value="day">Today</option>
                    <option value="all">All time</option>
                  </select>
                </label>
                <NumberField
                  label="Show top"
                  name="top"
                  min={1}
                  max={20}
                  value={design.top}
                  onChange={num('top', 1, 20)}
                />
                <label>
                  Title
                  <input
                    name="title"
                    value={design.title}
                    maxLength={60}
                    placeholder="Top gifters"
                    onChange={(e) => set('title', e.target.value)}
                  />
                </label>
              </div>
            </fieldset>
          ) : null}
          {use.goal ? (
            <fieldset>
              <legend>Goal bar</legend>
              <label>
                Label
                <input
                  name="goal-label"
                  value={design.label}
                  maxLength={60}
                  placeholder="Uses the payout goal's label"
                  onChange={(e) => set('label', e.target.value)}
                />
              </label>
            </fieldset>
          ) : null}
          <div className="form-actions left">
            <button
              type="button"
              className="btn btn-ghost btn-small"
              onClick={() => setDesign({ ...DEFAULT_DESIGN, widget: design.widget })}
            >
              Reset to defaults
            </button>
          </div>
        </form>
      </Card>
      <div className="stack">
        <Card title="Live preview">
          <div className="preview-stage">
            {previewUrl ? (
              <iframe
                title="Overlay preview"
                src={previewUrl}
                className="preview-frame"
                data-testid="overlay-preview"
              />
            ) : null}
          </div>
          <p className="muted small">
            The checkered area stands for your stream. The preview is marked as such, so it is not
            counted as a connected overlay in OBS.
          </p>
        </Card>
        <Card title="Add to OBS">
          {url ? <CopyField label="Browser source URL" value={url} testId="overlay-url" /> : null}
          <p className="muted small">
            In OBS: Sources → + → Browser, paste the URL, set width 1920 and height 1080 (or 1080 ×
            1920 for a vertical canvas). The URL carries a read-only key: it cannot change anything
            in Gemlight.
          </p>
          <p className="small">
            {connected.length > 0
              ? `${connected.length} overlay${connected.length > 1 ? 's' : ''} connected: ${connected.map((o) => o.widget).join(', ')}.`
              : 'No overlay connected yet.'}
          </p>
        </Card>
        <ObsCard query={obsQuery} widget={design.widget} />
        <Card title="Send a test alert">
          <form
            className="form"
            aria-label="Test alert"
            onSubmit={(e) => {
              e.preventDefault();
              void run(
                'overlay.testAlert',
                { giftId, count, name: testName.trim() || 'Test Viewer' },
                'Test alert sent to every connected overlay. It does not count as earnings.',
              );
            }}
          >
            <div className="form-grid">
              <label>
                Gift
                <select
                  name="test-gift"
                  value={giftId}
                  onChange={(e) => setGiftId(Number(e.target.value))}
                >
                  {GIFTS.map((g) => (
                    <option key={g.id} value={g.id}>
                      {g.name} ({g.coins} coins)
                    </option>
                  ))}
                </select>
              </label>
              <label>
                Count
                <input
                  type="number"
                  name="test-count"
                  min={1}
                  max={999}
                  value={count}
                  onChange={(e) =>
                    setCount(Math.min(999, Math.max(1, Math.trunc(Number(e.target.value)) || 1)))
                  }
                />
              </label>
              <label>
                Viewer name
                <input
                  name="test-name"
                  value={testName}
                  maxLength={40}
                  onChange={(e) => setTestName(e.target.value)}
                />
              </label>
            </div>
            <div className="form-actions left">
              <button type="submit" className="btn btn-primary" disabled={busy !== null}>
                Send test alert
              </button>
            </div>
          </form>
        </Card>
      </div>
    </div>
  );
}

/** A labelled number input of the design; `onChange` clamps (see `num`), `min`/`max` only hint. */
function NumberField(props: {
  label: string;
  name: string;
  value: number;
  onChange: (e: React.ChangeEvent<HTMLInputElement>) => void;
  min: number;
  max?: number;
  step?: number;
}) {
  return (
    <label>
      {props.label}
      <input
        type="number"
        name={props.name}
        min={props.min}
        max={props.max}
        step={props.step}
        value={props.value}
        onChange={props.onChange}
      />
    </label>
  );
}
