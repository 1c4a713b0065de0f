import { useEffect, useState } from 'react';
import type { AppInfo, RatesDto, Settings } from '../../../shared/api';
import { minorPerDiamond, ratesAt, type Currency } from '../../../shared/earnings';
import * as Q from '../../../shared/rational';
import { assertNever } from '../../../shared/result';
import { storedToken } from '../api/token';
import { CopyField } from '../components/CopyField';
import { Card, ErrorNote, NumHeader, Working } from '../components/ui';
import { useAction, useCommand, useDashboard } from '../hooks';
import { dateInputValue, dayStartOf, minorToInput, parseMoneyInput, ratesFromDto } from '../money';
import { hrefOf, SETTINGS_SECTIONS, type SettingsSection } from '../router';
import { HistoryExport } from './HistoryExport';
import { OperationsPanel } from './OperationsPanel';
import { OverlayBuilder } from './OverlayBuilder';
import { FormFooter } from './FormFooter';

const SECTION_LABEL: Record<SettingsSection, string> = {
  earnings: 'Earnings & currency',
  sources: 'Sources',
  overlays: 'Overlay builder',
  app: 'App & data',
};

/** The Settings view, one tab per area. */
export function SettingsView({ section }: { section: SettingsSection }) {
  return (
    <div className="view">
      <header className="view-head">
        <div>
          <h1>Settings</h1>
        </div>
      </header>
      <nav className="tabs" aria-label="Settings sections">
        {SETTINGS_SECTIONS.map((s) => (
          <a
            key={s}
            href={hrefOf({ view: 'settings', section: s })}
            className={s === section ? 'active' : ''}
            aria-current={s === section ? 'page' : undefined}
          >
            {SECTION_LABEL[s]}
          </a>
        ))}
      </nav>
      <SettingsSectionView section={section} />
    </div>
  );
}

function SettingsSectionView({ section }: { section: SettingsSection }) {
  switch (section) {
    case 'earnings':
      return <EarningsSettings />;
    case 'sources':
      return <SourcesSettings />;
    case 'overlays':
      return <OverlayBuilder />;
    case 'app':
      return <AppSettings />;
    default:
      return assertNever(section, 'settings section');
  }
}

/** Fields of a rate, with the why of their defaults (see docs/earnings.md). */
const RATE_FIELDS: {
  key: keyof Omit<RatesDto, 'effectiveFrom' | 'payoutFeeFixedMinor'>;
  label: string;
  /** Column heading in the schedule table. */
  short: string;
  why: string;
}[] = [
  {
    key: 'diamondsPerCoin',
    label: 'Diamonds per coin',
    short: 'Diamonds/coin',
    why: "Default 1: a gift's diamond value equals its coin price.",
  },
  {
    key: 'usdPerDiamond',
    label: 'USD per diamond',
    short: 'USD/diamond',
    why: "Default 0.005: the creator's ~50% of a coin's ~USD 0.01. Record a withdrawal to learn your real rate.",
  },
  {
    key: 'creatorSharePercent',
    label: 'Creator share %',
    short: 'Share %',
    why: 'Default 100: what you keep after program rules.',
  },
  {
    key: 'agencyCutPercent',
    label: 'Agency cut %',
    short: 'Agency %',
    why: 'Default 0: set it if an agency takes a share.',
  },
  {
    key: 'payoutFeePercent',
    label: 'Payout fee %',
    short: 'Fee %',
    why: 'Default 0: a percentage your payment provider keeps.',
  },
  {
    key: 'usdToLocal',
    label: 'Exchange rate (local per USD)',
    short: 'Local/USD',
    why: 'Default 1: units of your currency per US dollar.',
  },
];

function EarningsSettings() {
  const rates = useCommand('rates.list', {});
  const { format } = useDashboard();
  const list = rates.data ?? [];
  return (
    <div className="grid grid-settings">
      <Card title="Rate schedule" className="span-2">
        <p className="muted">
          A session is valued at the rates in force when it started, so a new rate never rewrites
          history. Each rate applies from its date until the next one.
        </p>
        {rates.error ? <ErrorNote message={rates.error} onRetry={rates.reload} /> : null}
        {rates.loading && !rates.data ? <Working label="Loading rates…" /> : null}
        {list.length > 0 ? (
          <div className="table-wrap">
            <table className="table" data-testid="rates-table">
              <thead>
                <tr>
                  <th scope="col">Effective from</th>
                  {RATE_FIELDS.map((f) => (
                    <th key={f.key} scope="col" className="num" title={f.label}>
                      {f.short}
                    </th>
                  ))}
                  <NumHeader>Fixed fee</NumHeader>
                  <NumHeader>Per 1,000 diamonds</NumHeader>
                </tr>
              </thead>
              <tbody>
                {[...list]
                  .sort((a, b) => b.effectiveFrom - a.effectiveFrom)
                  .map((r) => (
                    <tr key={r.effectiveFrom}>
                      <td>
                        {r.effectiveFrom === 0 ? 'The beginning' : format.dateTime(r.effectiveFrom)}
                      </td>
                      {RATE_FIELDS.map((f) => (
                        <td key={f.key} className="num mono">
                          {shownRate(r[f.key])}
                        </td>
                      ))}
                      <td className="num">{format.cash(r.payoutFeeFixedMinor)}</td>
                      <td className="num">{cashPer1000(r, format.currency, format.exact)}</td>
                    </tr>
                  ))}
              </tbody>
            </table>
          </div>
        ) : null}
        <details className="why">
          <summary>Why the defaults are what they are</summary>
          <ul>
            {RATE_FIELDS.map((f) => (
              <li key={f.key}>
                <strong>{f.label}:</strong> {f.why}
              </li>
            ))}
            <li>
              <strong>Fixed fee:</strong> Default 0: a flat fee per payout, in your currency.
            </li>
          </ul>
        </details>
      </Card>
      <Card title="Add a rate">
        {rates.data ? <AddRateForm list={rates.data} onSaved={rates.reload} /> : null}
      </Card>
      <Card title="Currency & locale">
        <CurrencyForm rates={rates.data ?? []} onRatesChanged={rates.reload} />
      </Card>
    </div>
  );
}

/** The schedule entry in force now. */
function currentRatesDto(list: RatesDto[]): RatesDto | undefined {
  if (list.length === 0) return undefined;
  const current = ratesAt(list.map(ratesFromDto), Date.now());
  return list.find((r) => r.effectiveFrom === current.effectiveFrom) ?? list[0];
}

function shownRate(text: string): string {
  const r = Q.fromJSON(text);
  return r ? Q.toDecimal(r, 8) : text;
}

function cashPer1000(r: RatesDto, currency: Currency, exact: (m: Q.Rational) => string): string {
  try {
    return exact(Q.mul(minorPerDiamond(ratesFromDto(r), currency), Q.rational(1000)));
  } catch {
    return '—';
  }
}

function AddRateForm({ list, onSaved }: { list: RatesDto[]; onSaved: () => void }) {
  const { format } = useDashboard();
  const { run, busy } = useAction();
  const current = list.length > 0 ? ratesAt(list.map(ratesFromDto), Date.now()) : null;
  const base = list.find((r) => r.effectiveFrom === current?.effectiveFrom) ?? list[0];
  const [date, setDate] = useState(dateInputValue());
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(RATE_FIELDS.map((f) => [f.key, base ? shownRate(base[f.key]) : ''])),
  );
  const [fixedFee, setFixedFee] = useState(
    base ? minorToInput(base.payoutFeeFixedMinor, format.currency) : '0',
  );
  const [error, setError] = useState<string | null>(null);

  const submit = async () => {
    const effectiveFrom = dayStartOf(date);
    if (effectiveFrom === null) return setError('Pick the date the new rate takes effect.');
    const parsed: Partial<Record<(typeof RATE_FIELDS)[number]['key'], string>> = {};
    for (const f of RATE_FIELDS) {
      const v = Q.parseDecimal((values[f.key] ?? '').replace(',', '.'));
      if (!v || Q.compare(v, Q.ZERO) < 0)
        return setError(`${f.label} must be a number such as 0.005 (a dot for decimals).`);
      parsed[f.key] = Q.toDecimal(v, 18);
    }
    const fee = parseMoneyInput(fixedFee || '0', format.currency);
    if (fee === null)
      return setError(
        `The fixed fee must be an amount of ${format.currency.code}, for example ${minorToInput(0, format.currency)}.`,
      );
    setError(null);
    const dto: RatesDto = {
      effectiveFrom,
      diamondsPerCoin: parsed.diamondsPerCoin ?? '1',
      usdPerDiamond: parsed.usdPerDiamond ?? '0.005',
      creatorSharePercent: parsed.creatorSharePercent ?? '100',
      agencyCutPercent: parsed.agencyCutPercent ?? '0',
      payoutFeePercent: parsed.payoutFeePercent ?? '0',
      payoutFeeFixedMinor: fee,
      usdToLocal: parsed.usdToLocal ?? '1',
    };
    const saved = await run(
      'rates.add',
      dto,
      `Rate saved, effective ${format.date(effectiveFrom)}. Sessions before then keep their rates.`,
    );
    if (saved) onSaved();
  };

  return (
    <form
      className="form"
      aria-label="Add a rate"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <label>
        Effective from (start of day)
        <input
          type="date"
          name="rate-effective"
          value={date}
          onChange={(e) => setDate(e.target.value)}
          required
        />
      </label>
      <div className="form-grid">
        {RATE_FIELDS.map((f) => (
          <label key={f.key} title={f.why}>
            {f.label}
            <input
              name={`rate-${f.key}`}
              inputMode="decimal"
              value={values[f.key] ?? ''}
              onChange={(e) => setValues((v) => ({ ...v, [f.key]: e.target.value }))}
            />
          </label>
        ))}
        <label>
          Fixed payout fee ({format.currency.code})
          <input
            name="rate-fixed-fee"
            inputMode="decimal"
            value={fixedFee}
            onChange={(e) => setFixedFee(e.target.value)}
          />
        </label>
      </div>
      <FormFooter error={error} busy={busy !== null} submitLabel="Add rate" />
    </form>
  );
}

const COMMON_CURRENCIES = [
  'USD',
  'EUR',
  'GBP',
  'BRL',
  'MXN',
  'IDR',
  'PHP',
  'JPY',
  'KRW',
  'INR',
  'TRY',
  'CAD',
  'AUD',
  'PLN',
  'VND',
  'THB',
];

/** The minor-unit exponent Intl knows for a currency (USD 2, JPY 0, KWD 3); null if unknown. */
function exponentOf(code: string): number | null {
  try {
    return (
      new Intl.NumberFormat('en', { style: 'currency', currency: code }).resolvedOptions()
        .maximumFractionDigits ?? null
    );
  } catch {
    return null;
  }
}

function CurrencyForm({
  rates,
  onRatesChanged,
}: {
  rates: RatesDto[];
  onRatesChanged: () => void;
}) {
  const { settings, reloadSettings, format } = useDashboard();
  const { run, busy } = useAction();
  const currentDto = currentRatesDto(rates);
  const savedExchange = currentDto ? shownRate(currentDto.usdToLocal) : '1';
  const [exchange, setExchange] = useState(savedExchange);
  useEffect(() => setExchange(savedExchange), [savedExchange]);
  const [code, setCode] = useState(settings?.currency.code ?? 'USD');
  const [exponent, setExponent] = useState(String(settings?.currency.exponent ?? 2));
  const [locale, setLocale] = useState(settings?.locale ?? navigator.language);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!settings) return;
    setCode(settings.currency.code);
    setExponent(String(settings.currency.exponent));
    setLocale(settings.locale);
  }, [settings]);

  const submit = async () => {
    const c = code.trim().toUpperCase();
    const e = Number(exponent);
    if (!/^[A-Z]{3}$/.test(c) || exponentOf(c) === null)
      return setError('Enter a three-letter ISO currency code such as USD, EUR or JPY.');
    if (!Number.isInteger(e) || e < 0 || e > 4)
      return setError('Decimals must be a whole number from 0 to 4 (USD 2, JPY 0, KWD 3).');
    try {
      Intl.getCanonicalLocales(locale);
    } catch {
      return setError('Enter a language tag such as en-US, pt-BR or de-DE.');
    }
    const rate = Q.parseDecimal(exchange.replace(',', '.'));
    if (!rate || Q.compare(rate, Q.ZERO) <= 0)
      return setError(`Enter the exchange rate as ${c} per US dollar, for example 0.92 or 150.`);
    setError(null);
    if (currentDto && !Q.equals(rate, Q.fromJSON(currentDto.usdToLocal) ?? Q.ZERO)) {
      // The exchange rate is part of the rate schedule: it applies from now on, history keeps its own.
      const added = await run('rates.add', {
        ...currentDto,
        effectiveFrom: Date.now(),
        usdToLocal: Q.toDecimal(rate, 18),
      });
      if (!added) return;
      onRatesChanged();
    }
    const saved = await run(
      'settings.update',
      { currency: { code: c, exponent: e }, locale },
      'Currency, exchange rate and locale saved.',
    );
    if (saved) reloadSettings();
  };

  const example = (() => {
    try {
      return new Intl.NumberFormat(locale, {
        style: 'currency',
        currency: code,
        minimumFractionDigits: Number(exponent),
        maximumFractionDigits: Number(exponent),
      }).format(1234.5);
    } catch {
      return '—';
    }
  })();

  return (
    <form
      className="form"
      aria-label="Currency and locale"
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <div className="form-grid">
        <label>
          Currency
          <input
            name="currency-code"
            list="currency-codes"
            value={code}
            maxLength={3}
            onChange={(e) => {
              const next = e.target.value.toUpperCase();
              setCode(next);
              const exp = exponentOf(next);
              if (exp !== null) setExponent(String(exp));
            }}
          />
          <datalist id="currency-codes">
            {COMMON_CURRENCIES.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        </label>
        <label>
          Decimals (minor unit)
          <input
            name="currency-exponent"
            inputMode="numeric"
            value={exponent}
            onChange={(e) => setExponent(e.target.value)}
          />
        </label>
        <label>
          Exchange rate ({code || '…'} per 1 USD)
          <input
            name="exchange-rate"
            inputMode="decimal"
            value={exchange}
            onChange={(e) => setExchange(e.target.value)}
          />
        </label>
        <label>
          Locale
          <input name="locale" value={locale} onChange={(e) => setLocale(e.target.value)} />
        </label>
      </div>
      <p className="muted small">
        Example: {example}. TikTok pays in US dollars: a new exchange rate applies from now on, and
        past sessions keep the one they were valued at. Now showing {format.currency.code}.
      </p>
      <FormFooter error={error} busy={busy !== null} submitLabel="Save currency" />
    </form>
  );
}

/** app.info, falling back to what the page itself knows when served over HTTP. */
function useAppInfo() {
  const info = useCommand('app.info', {});
  const { client } = useDashboard();
  let fallback: AppInfo | null = null;
  if (!info.data && client.transport === 'http') {
    const token = storedToken() ?? '';
    const ws = window.location.origin.replace(/^http/, 'ws');
    fallback = {
      version: '',
      dataDir: '',
      ingestUrl: `${ws}/ingest`,
      dashboardUrl: `${window.location.origin}/dashboard`,
      token,
      lanUrls: [],
    };
  }
  return { info: info.data ?? fallback, error: info.data ? null : info.error, reload: info.reload };
}

function SourcesSettings() {
  const { settings, reloadSettings, live, format } = useDashboard();
  const { run, busy } = useAction();
  const { info } = useAppInfo();
  const [tiktok, setTiktok] = useState<Settings['tiktok']>(
    settings?.tiktok ?? { username: '', signApiKey: '', waitUntilLive: true, enabled: false },
  );
  const [tikfinity, setTikfinity] = useState<Settings['tikfinity']>(
    settings?.tikfinity ?? { url: 'ws://localhost:21213/', enabled: false },
  );
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!settings) return;
    setTiktok(settings.tiktok);
    setTikfinity(settings.tikfinity);
  }, [settings]);

  const save = async () => {
    const username = tiktok.username.trim().replace(/^@/, '');
    if (tiktok.enabled && !/^[A-Za-z0-9._]{2,24}$/.test(username)) {
      return setError(
        'Enter your TikTok @username (letters, digits, dots and underscores), or turn the TikTok source off.',
      );
    }
    if (tikfinity.enabled && !/^wss?:\/\/.+/.test(tikfinity.url.trim())) {
      return setError('The TikFinity URL must start with ws:// (usually ws://localhost:21213/).');
    }
    setError(null);
    const saved = await run(
      'settings.update',
      { tiktok: { ...tiktok, username }, tikfinity: { ...tikfinity, url: tikfinity.url.trim() } },
      'Sources saved: Gemlight reconnects with the new settings.',
    );
    if (saved) reloadSettings();
  };

  return (
    <div className="grid grid-2">
      <Card title="Where gifts come from">
        <form
          className="form"
          aria-label="Sources"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <fieldset>
            <legend>TikTok LIVE (direct)</legend>
            <label className="check">
              <input
                type="checkbox"
                checked={tiktok.enabled}
                onChange={(e) => setTiktok({ ...tiktok, enabled: e.target.checked })}
              />{' '}
              Connect to my LIVE
            </label>
            <label>
              TikTok @username
              <input
                name="tiktok-username"
                placeholder="@yourname"
                value={tiktok.username}
                onChange={(e) => setTiktok({ ...tiktok, username: e.target.value })}
                autoComplete="off"
              />
            </label>
            <label>
              Signing API key (optional)
              <input
                name="tiktok-sign-key"
                type="password"
                value={tiktok.signApiKey}
                onChange={(e) => setTiktok({ ...tiktok, signApiKey: e.target.value })}
                autoComplete="off"
              />
            </label>
            <label className="check">
              <input
                type="checkbox"
                checked={tiktok.waitUntilLive}
                onChange={(e) => setTiktok({ ...tiktok, waitUntilLive: e.target.checked })}
              />{' '}
              Wait until I go LIVE (keep checking instead of failing)
            </label>
          </fieldset>
          <fieldset>
            <legend>TikFinity-compatible event API</legend>
            <label className="check">
              <input
                type="checkbox"
                checked={tikfinity.enabled}
                onChange={(e) => setTikfinity({ ...tikfinity, enabled: e.target.checked })}
              />{' '}
              Connect to TikFinity
            </label>
            <label>
              TikFinity URL
              <input
                name="tikfinity-url"
                value={tikfinity.url}
                onChange={(e) => setTikfinity({ ...tikfinity, url: e.target.value })}
              />
            </label>
          </fieldset>
          <FormFooter error={error} busy={busy !== null} submitLabel="Save sources" />
        </form>
      </Card>
      <div className="stack">
        <Card title="Push events from other tools">
          <p className="muted">
            Streamer.bot, scripts or a second PC can send gifts to Gemlight over WebSocket with this
            address and token (as a Bearer header or ?token=).
          </p>
          {info ? (
            <>
              <CopyField label="Ingest address" value={info.ingestUrl} testId="ingest-url" />
              <CopyField label="Push token" value={info.token} secret testId="push-token" />
            </>
          ) : (
            <Working label="Loading…" />
          )}
        </Card>
        <Card title="Source health">
          {live.sources.length === 0 ? (
            <p className="muted">No source is running.</p>
          ) : (
            <ul className="list">
              {live.sources.map((s) => (
                <li key={s.id} className="list-row">
                  <bdi>{s.label}</bdi>
                  <span className="muted">
                    {s.state} · {format.int(s.eventsPerMinute)}/min
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>
      </div>
    </div>
  );
}

function AppSettings() {
  const { settings, reloadSettings } = useDashboard();
  const { run, busy } = useAction();
  const { info, error: infoError, reload: reloadInfo } = useAppInfo();
  const backups = useCommand('backup.list', {});
  const { format } = useDashboard();
  const [origins, setOrigins] = useState((settings?.allowedOrigins ?? []).join('\n'));
  useEffect(() => setOrigins((settings?.allowedOrigins ?? []).join('\n')), [settings]);

  const setLan = async (on: boolean) => {
    if (
      on &&
      !window.confirm(
        'Turn on LAN access? Other devices on your network can then open Gemlight with the token. Only do this on a network you trust.',
      )
    )
      return;
    const saved = await run(
      'settings.update',
      { lanAccess: on },
      on ? 'LAN access on: use the addresses below from the other PC.' : 'LAN access off.',
    );
    if (saved) {
      reloadSettings();
      reloadInfo();
    }
  };

  return (
    <div className="grid grid-2">
      <Card title="Appearance">
        <div className="form">
          <label>
            Theme
            <select
              value={settings?.theme ?? 'dark'}
              onChange={(e) =>
                void run('settings.update', {
                  theme: e.target.value === 'light' ? 'light' : 'dark',
                }).then((s) => s && reloadSettings())
              }
            >
              <option value="dark">Dark</option>
              <option value="light">Light</option>
            </select>
          </label>
          <p className="muted small">Locale and currency are under Earnings &amp; currency.</p>
        </div>
      </Card>
      <Card title="LAN access">
        <div className="form">
          <label className="check">
            <input
              type="checkbox"
              checked={settings?.lanAccess ?? false}
              disabled={busy !== null || !settings}
              onChange={(e) => void setLan(e.target.checked)}
            />{' '}
            Allow other devices on my network (dual-PC setups)
          </label>
          {info && info.lanUrls.length > 0 ? (
            <ul className="list">
              {info.lanUrls.map((u) => (
                <li key={u}>
                  <CopyField label="Dashboard on the LAN" value={u} />
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted small">Off: Gemlight only answers on this computer (127.0.0.1).</p>
          )}
          <label>
            Allowed web origins (one per line)
            <textarea
              rows={3}
              value={origins}
              onChange={(e) => setOrigins(e.target.value)}
              placeholder="http://192.168.1.20:8080"
            />
          </label>
          <div className="form-actions">
            <button
              type="button"
              className="btn"
              disabled={busy !== null}
              onClick={() =>
                void run(
                  'settings.update',
                  {
                    allowedOrigins: origins
                      .split('\n')
                      .map((o) => o.trim())
                      .filter(Boolean),
                  },
                  'Allowed origins saved.',
                ).then((s) => s && reloadSettings())
              }
            >
              Save origins
            </button>
          </div>
        </div>
      </Card>
      <Card title="Data">
        {infoError ? <ErrorNote message={infoError} onRetry={reloadInfo} /> : null}
        {info?.dataDir ? <CopyField label="Data folder" value={info.dataDir} /> : null}
        {info?.version ? <p className="muted small">Gemlight {info.version}</p> : null}
        <p className="muted">
          A backup is a consistent copy of the ledger, taken while Gemlight keeps running.
        </p>
        <div className="form-actions left">
          <button
            type="button"
            className="btn btn-primary"
            disabled={busy !== null}
            onClick={() =>
              void run('backup.now', {}).then((r) => {
                if (r) backups.reload();
              })
            }
          >
            Back up now
          </button>
          {busy === 'backup.now' ? <Working label="Backing up the ledger…" /> : null}
          {busy === 'backup.restore' ? (
            <Working label="Restoring… the dashboard reloads when done." />
          ) : null}
        </div>
        <HistoryExport />
        <OperationsPanel />
      </Card>
      <Card title="Backups">
        {backups.error ? <ErrorNote message={backups.error} onRetry={backups.reload} /> : null}
        {(backups.data ?? []).length === 0 && !backups.error ? (
          <p className="muted">
            No backup yet. Gemlight also backs up before every database upgrade.
          </p>
        ) : null}
        <ul className="list" data-testid="backup-list">
          {[...(backups.data ?? [])]
            .sort((a, b) => b.time - a.time)
            .map((b) => (
              <li key={b.file} className="list-row">
                <span>
                  {format.dateTime(b.time)}{' '}
                  <span className="muted">· {format.int(Math.ceil(b.bytes / 1024))} KB</span>
                </span>
                <button
                  type="button"
                  className="btn btn-small"
                  disabled={busy !== null}
                  onClick={() => {
                    if (
                      window.confirm(
                        `Restore the backup of ${format.dateTime(b.time)}? Everything recorded after it is replaced (a backup of the current state is taken first).`,
                      )
                    ) {
                      void run('backup.restore', { file: b.file }, 'Backup restored.').then(
                        (r) => r && window.location.reload(),
                      );
                    }
                  }}
                >
                  Restore
                </button>
              </li>
            ))}
        </ul>
      </Card>
    </div>
  );
}
