import { useEffect, useState } from 'react';
import type { SessionDetail } from '../../../shared/api';
import { Chart } from '../components/Chart';
import {
  Avatar,
  Card,
  Empty,
  ErrorNote,
  NumHeader,
  Stat,
  ViewerName,
  Working,
} from '../components/ui';
import { perHour } from '../format';
import { useAction, useCommand, useDashboard, useNow } from '../hooks';
import { hrefOf } from '../router';
import { download } from './download';
import { sessionCsv, type CsvTable } from './sessionExport';

/** The Session detail view: timeline with gaps, gift breakdown, gifters and export. */
export function SessionDetailView({ id }: { id: string }) {
  const { format } = useDashboard();
  const detail = useCommand('sessions.get', { id });
  const now = useNow(5000);
  const s = detail.data;

  // An open session keeps changing: refresh it every few seconds while it is shown.
  const open = s !== null && s.endedAt === null;
  const reload = detail.reload;
  useEffect(() => {
    if (!open) return;
    const t = setInterval(reload, 5000);
    return () => clearInterval(t);
  }, [open, reload]);

  if (detail.error && !s) {
    return (
      <div className="view">
        <BackLink />
        <ErrorNote message={detail.error} onRetry={detail.reload} />
      </div>
    );
  }
  if (!s) {
    return (
      <div className="view">
        <BackLink />
        <Working label="Loading the session…" />
      </div>
    );
  }
  const duration = (s.endedAt ?? now) - s.startedAt;
  const rate = s.simulated ? null : perHour(s.cash.minor, duration);
  const bands = s.gaps.map((g) => ({ from: g.from, to: g.to ?? now }));

  return (
    <div className="view">
      <BackLink />
      <header className="view-head">
        <div>
          <h1>
            Session of {format.date(s.startedAt)}
            {s.simulated ? <span className="pill pill-dim">simulated</span> : null}
            {s.endedAt === null ? <span className="pill pill-live">live</span> : null}
          </h1>
          <p className="subtitle">
            {format.dateTime(s.startedAt)} – {s.endedAt === null ? 'now' : format.time(s.endedAt)} ·{' '}
            {format.duration(duration)}
          </p>
        </div>
        <ExportButtons session={s} />
      </header>

      {s.gapMs > 0 ? (
        <div className="banner banner-warn" data-testid="gap-note">
          Observed, with a {format.duration(s.gapMs)} gap ({s.gaps.length} reconnect
          {s.gaps.length === 1 ? '' : 's'}): gifts sent while no source was connected are not in
          these totals. Gaps are shaded in the chart.
        </div>
      ) : null}

      <div className="stats">
        <Stat label="Coins" value={format.int(s.coins)} testId="detail-coins" />
        <Stat label="Diamonds" value={format.int(s.diamonds)} testId="detail-diamonds" />
        <Stat
          label="Estimated cash"
          value={format.cash(s.cash.minor)}
          testId="detail-cash"
          accent
          hint={rate ? `${format.exact(rate)} per hour` : undefined}
        />
        <Stat label="Gifts" value={format.int(s.giftCount)} testId="detail-gifts" />
        <Stat label="Gifters" value={format.int(s.gifterCount)} testId="detail-gifters" />
        <Stat
          label="Peak viewers"
          value={format.int(s.peakViewers)}
          testId="detail-viewers"
          hint={`${format.int(s.likes)} likes · ${format.int(s.follows)} follows · ${format.int(s.shares)} shares`}
        />
      </div>

      <Card title="Diamonds per minute">
        {s.timeline.length > 0 ? (
          <Chart
            label="Diamonds per minute over the session, gaps shaded"
            x={s.timeline.map((p) => p.minute)}
            series={[
              {
                label: 'Diamonds',
                values: s.timeline.map((p) => p.diamonds),
                colorVar: '--accent',
                kind: 'bars',
              },
            ]}
            bands={bands}
            height={240}
            formatY={(v) => format.int(v)}
          />
        ) : (
          <p className="muted chart-empty">No gifts in this session.</p>
        )}
        {s.gaps.length > 0 ? (
          <ul className="gap-list" aria-label="Gaps in the data">
            {s.gaps.map((g) => (
              <li key={g.from}>
                <span className="gap-swatch" aria-hidden="true" /> No data {format.time(g.from)} –{' '}
                {g.to === null ? 'now' : format.time(g.to)} (
                {format.duration((g.to ?? now) - g.from)})
              </li>
            ))}
          </ul>
        ) : null}
      </Card>

      <div className="grid grid-2">
        <Card title="Gifts">
          <GiftTable session={s} />
        </Card>
        <Card title="Gifters">
          <GifterTable session={s} />
        </Card>
      </div>

      {s.endedAt !== null ? <ReplayCard id={s.id} /> : null}
    </div>
  );
}

function BackLink() {
  return (
    <a className="back" href={hrefOf({ view: 'sessions' })}>
      ← All sessions
    </a>
  );
}

function ExportButtons({ session }: { session: SessionDetail }) {
  const [table, setTable] = useState<CsvTable>('timeline');
  const [working, setWorking] = useState(false);
  const base = `gemlight-session-${new Date(session.startedAt).toISOString().slice(0, 10)}-${session.id.slice(0, 8)}`;
  const run = (fn: () => void) => {
    setWorking(true);
    // Let the progress line paint before a large export blocks the thread.
    setTimeout(() => {
      try {
        fn();
      } finally {
        setWorking(false);
      }
    }, 16);
  };
  return (
    <div className="head-actions">
      {working ? <Working label="Preparing export…" /> : null}
      <label className="inline-label">
        <span className="sr-only">Table to export as CSV</span>
        <select value={table} onChange={(e) => setTable(e.target.value as CsvTable)}>
          <option value="timeline">Timeline</option>
          <option value="gifts">Gifts</option>
          <option value="gifters">Gifters</option>
        </select>
      </label>
      <button
        type="button"
        className="btn"
        disabled={working}
        onClick={() =>
          run(() => download(`${base}-${table}.csv`, sessionCsv(session, table), 'text/csv'))
        }
      >
        Export CSV
      </button>
      <button
        type="button"
        className="btn"
        disabled={working}
        onClick={() =>
          run(() => download(`${base}.json`, JSON.stringify(session, null, 2), 'application/json'))
        }
      >
        Export JSON
      </button>
    </div>
  );
}

function GiftTable({ session }: { session: SessionDetail }) {
  const { format } = useDashboard();
  if (session.gifts.length === 0)
    return <Empty title="No gifts">Nobody sent a gift in this session.</Empty>;
  const total = Math.max(1, session.coins);
  return (
    <div className="table-wrap">
      <table className="table" data-testid="gift-breakdown">
        <thead>
          <tr>
            <th scope="col">Gift</th>
            <NumHeader>Coins each</NumHeader>
            <NumHeader>Count</NumHeader>
            <NumHeader>Coins</NumHeader>
            <NumHeader>Share</NumHeader>
          </tr>
        </thead>
        <tbody>
          {session.gifts.map((g) => (
            <tr key={g.giftId} data-gift-id={g.giftId}>
              <td>
                <bdi>{g.name.slice(0, 40)}</bdi>
              </td>
              <td className="num">{format.int(g.coinsEach)}</td>
              <td className="num" data-col="count">
                {format.int(g.count)}
              </td>
              <td className="num" data-col="coins">
                {format.int(g.coins)}
              </td>
              <td className="num muted">{format.percent(g.coins / total)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function GifterTable({ session }: { session: SessionDetail }) {
  const { format } = useDashboard();
  if (session.gifters.length === 0)
    return <Empty title="No gifters">Nobody sent a gift in this session.</Empty>;
  return (
    <div className="table-wrap">
      <table className="table" data-testid="gifter-table">
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">Gifter</th>
            <NumHeader>Coins</NumHeader>
          </tr>
        </thead>
        <tbody>
          {session.gifters.map((g, i) => (
            <tr key={g.userId} data-user-id={g.userId}>
              <td className="muted">{i + 1}</td>
              <td className="clip">
                <Avatar name={g.name || g.handle} seed={g.userId} />
                <a href={hrefOf({ view: 'gifters', userId: g.userId })}>
                  <ViewerName name={g.name} handle={g.handle} />
                </a>
              </td>
              <td className="num" data-col="coins">
                {format.int(g.coins)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

const SPEEDS = [1, 5, 10, 20];

/** Replays the session through the pipeline as a simulation: a way to rehearse overlays. */
function ReplayCard({ id }: { id: string }) {
  const { run, busy } = useAction();
  const [speed, setSpeed] = useState(10);
  return (
    <Card title="Replay">
      <div className="replay">
        <p className="muted">
          Send this session&apos;s gifts again, marked as simulated, to rehearse your overlays in
          OBS. A replay is shown live but never counted as earnings.
        </p>
        <label className="inline-label">
          Speed
          <select
            name="replay-speed"
            value={speed}
            onChange={(e) => setSpeed(Number(e.target.value))}
          >
            {SPEEDS.map((x) => (
              <option key={x} value={x}>
                {x}×
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          className="btn"
          disabled={busy !== null}
          onClick={() =>
            void run('sessions.replay', { id, speed }).then((r) => {
              if (r) window.location.hash = hrefOf({ view: 'live' });
            })
          }
        >
          ▶ Replay as a simulation
        </button>
      </div>
    </Card>
  );
}
