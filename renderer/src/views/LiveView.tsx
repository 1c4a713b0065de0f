import { useMemo, useState } from 'react';
import {
  sessionCashMinor,
  sessionDiamonds,
  type Alert,
  type SourceHealth,
} from '../../../shared/liveState';
import { Chart } from '../components/Chart';
import { Avatar, Card, Empty, ProgressBar, Stat, ViewerName } from '../components/ui';
import type { Formatter } from '../format';
import { useAction, useDashboard, useNow } from '../hooks';
import { hrefOf } from '../router';

const STATE_LABEL: Record<SourceHealth['state'], string> = {
  idle: 'Idle',
  connecting: 'Connecting',
  connected: 'Connected',
  waiting: 'Waiting for LIVE',
  reconnecting: 'Reconnecting',
  error: 'Error',
  stopped: 'Stopped',
};

/** The Live view: the current session ticking, the gift feed, top gifters and source health. */
export function LiveView() {
  const { live, format } = useDashboard();
  const now = useNow(1000);
  const session = live.session;
  const simulatorRunning = live.sources.some(
    (s) => s.kind === 'simulator' && s.state !== 'stopped' && s.state !== 'idle',
  );

  return (
    <div className="view">
      <header className="view-head">
        <div>
          <h1>Live</h1>
          <p className="subtitle">
            {session
              ? `${session.endedAt === null ? 'Streaming since' : 'Last session'} ${format.dateTime(session.startedAt)} · ${format.duration((session.endedAt ?? now) - session.startedAt)}`
              : 'No session is open right now.'}
          </p>
        </div>
        <SessionControls
          open={session !== null && session.endedAt === null}
          simulatorRunning={simulatorRunning}
        />
      </header>

      {session ? <SessionNumbers /> : <NoSession simulatorRunning={simulatorRunning} />}

      <div className="grid grid-live">
        <Card title="Gifts per minute" className="span-2">
          {live.perMinute.length > 0 ? (
            <Chart
              label="Gifts per minute over the last hour"
              x={live.perMinute.map((b) => b.minute)}
              series={[
                {
                  label: 'Gifts',
                  values: live.perMinute.map((b) => b.gifts),
                  colorVar: '--accent',
                  kind: 'bars',
                },
              ]}
              height={356}
              minSpanMs={30 * 60_000}
              formatY={(v) => format.int(v)}
            />
          ) : (
            <p className="muted chart-empty">
              The chart fills in as gifts arrive, one bar per minute.
            </p>
          )}
        </Card>
        <Card title="Top gifters this session">
          <TopGifters />
        </Card>
        <Card title="Recent gifts" className="span-2 feed-card">
          <GiftFeed alerts={live.alerts} format={format} now={now} />
        </Card>
        <div className="stack">
          <Card title="Sources">
            <Sources sources={live.sources} now={now} />
          </Card>
          <Card title="Overlays connected">
            {live.overlays.length === 0 ? (
              <p className="muted">
                No overlay is connected. Add one to OBS from{' '}
                <a href={hrefOf({ view: 'settings', section: 'overlays' })}>the overlay builder</a>.
              </p>
            ) : (
              <ul className="list" data-testid="overlay-list">
                {live.overlays.map((o) => (
                  <li key={o.id} className="list-row">
                    <span className="pill pill-ok">{o.widget}</span>
                    <span className="muted">
                      {o.preview ? 'preview · ' : ''}since {format.time(o.connectedAt)}
                    </span>
                    <span className="muted right">seen {format.ago(o.lastSeenAt, now)}</span>
                  </li>
                ))}
              </ul>
            )}
          </Card>
        </div>
      </div>
    </div>
  );
}

function SessionControls({ open, simulatorRunning }: { open: boolean; simulatorRunning: boolean }) {
  const { run, busy } = useAction();
  return (
    <div className="head-actions">
      {simulatorRunning ? <StopSimulatorButton action={{ run, busy }} /> : null}
      {open ? (
        <button
          type="button"
          className="btn btn-danger"
          disabled={busy !== null}
          onClick={() => {
            if (window.confirm('End the current session? New gifts will start a new one.')) {
              void run('sessions.end', {}, 'Session ended.');
            }
          }}
        >
          End session
        </button>
      ) : (
        <button
          type="button"
          className="btn btn-primary"
          disabled={busy !== null}
          onClick={() => void run('sessions.start', {}, 'Session started.')}
        >
          Start session
        </button>
      )}
    </div>
  );
}

function SessionNumbers() {
  const { live, format } = useDashboard();
  const session = live.session;
  if (!session) return null;
  const diamonds = sessionDiamonds(session);
  const cash = sessionCashMinor(session);
  return (
    <>
      {session.simulated ? (
        <div className="banner banner-info">
          This is a simulated session: its gifts are shown but never counted as earnings, so its
          cash is {format.cash(0)}.
        </div>
      ) : null}
      {session.gapMs > 0 ? (
        <div className="banner banner-warn">
          Observed, with a {format.duration(session.gapMs)} gap: a source was reconnecting, so gifts
          sent then may be missing.
        </div>
      ) : null}
      <div className="stats">
        <Stat label="Coins" value={format.int(session.coins)} testId="live-coins" />
        <Stat label="Diamonds" value={format.int(diamonds)} testId="live-diamonds" />
        <Stat label="Estimated cash" value={format.cash(cash)} testId="live-cash" accent />
        <Stat label="Gifts" value={format.int(session.gifts)} testId="live-gifts" />
        <Stat label="Gifters" value={format.int(session.gifters)} testId="live-gifters" />
        <Stat
          label="Viewers"
          value={format.int(session.viewers)}
          hint={`${format.int(session.likes)} likes · ${format.int(session.follows)} follows`}
          testId="live-viewers"
        />
      </div>
      {live.goal ? (
        <div className="goal-strip">
          <span className="goal-label">{live.goal.goal.label || 'Goal'}</span>
          <ProgressBar fraction={live.goal.fraction} label="Goal progress" />
          <span className="goal-nums">
            {live.goal.goal.kind === 'cash'
              ? format.cash(live.goal.current)
              : format.int(live.goal.current)}{' '}
            /{' '}
            {live.goal.goal.kind === 'cash'
              ? format.cash(live.goal.target)
              : `${format.int(live.goal.target)} diamonds`}
          </span>
        </div>
      ) : null}
    </>
  );
}

function NoSession({ simulatorRunning }: { simulatorRunning: boolean }) {
  const { live } = useDashboard();
  const { run, busy } = useAction();
  const [storm, setStorm] = useState(false);
  const connected = live.sources.filter((s) => s.state === 'connected' || s.state === 'waiting');
  return (
    <Card className="empty-card">
      <Empty
        title={
          connected.length > 0 ? 'Waiting for the first gift' : 'Connect a source to see gifts live'
        }
        icon="◆"
      >
        {connected.length > 0 ? (
          <p>
            {connected.map((s) => s.label).join(', ')} {connected.length > 1 ? 'are' : 'is'}{' '}
            connected. A session opens when you go LIVE, on the first gift, or when you press Start
            session.
          </p>
        ) : (
          <p>
            Enter your TikTok @username or a TikFinity URL in{' '}
            <a href={hrefOf({ view: 'settings', section: 'sources' })}>Settings → Sources</a>, or
            let other tools push events to Gemlight with the push token shown there.
          </p>
        )}
        <p className="muted">
          Just looking around? The simulator sends realistic gifts through the whole pipeline. They
          are marked as simulated and never count as earnings.
        </p>
        <div className="row-center">
          {simulatorRunning ? (
            <StopSimulatorButton action={{ run, busy }} />
          ) : (
            <>
              <button
                type="button"
                className="btn btn-primary"
                disabled={busy !== null}
                onClick={() =>
                  void run(
                    'simulator.start',
                    { storm },
                    'Simulator started: gifts will appear in a moment.',
                  )
                }
              >
                ▶ Try the simulator
              </button>
              <label className="check">
                <input
                  type="checkbox"
                  checked={storm}
                  onChange={(e) => setStorm(e.target.checked)}
                />{' '}
                Battle storm
              </label>
            </>
          )}
        </div>
      </Empty>
    </Card>
  );
}

function TopGifters() {
  const { live, format } = useDashboard();
  const top = live.leaderboards.session.slice(0, 8);
  if (top.length === 0) return <p className="muted">Nobody has sent a gift this session yet.</p>;
  const max = top[0]?.coins ?? 1;
  return (
    <ol className="ranking" data-testid="live-top-gifters">
      {top.map((g, i) => (
        <li key={g.userId}>
          <span className="rank">{i + 1}</span>
          <Avatar name={g.name || g.handle} seed={g.userId} />
          <a
            className="rank-name"
            href={hrefOf({ view: 'gifters', userId: g.userId })}
            title={g.handle ? `@${g.handle}` : undefined}
          >
            <ViewerName name={g.name || (g.handle ? `@${g.handle}` : '')} handle="" />
          </a>
          <span className="rank-bar" aria-hidden="true">
            <span style={{ width: `${Math.max(4, (g.coins / Math.max(1, max)) * 100)}%` }} />
          </span>
          <span className="num" data-testid="gifter-coins">
            {format.int(g.coins)}
          </span>
        </li>
      ))}
    </ol>
  );
}

function GiftFeed({ alerts, format, now }: { alerts: Alert[]; format: Formatter; now: number }) {
  const shown = useMemo(() => alerts.slice(0, 30), [alerts]);
  if (shown.length === 0)
    return <p className="muted">Gifts show up here as they arrive, one line per combo.</p>;
  return (
    <ul className="feed" aria-live="polite" aria-relevant="additions" data-testid="gift-feed">
      {shown.map((a) => (
        <li
          key={a.key}
          className={`feed-item${a.ended ? '' : ' running'}${a.coins >= 1000 ? ' big' : ''}`}
        >
          <Avatar name={a.user.name || a.user.handle} seed={a.user.id} />
          <div className="feed-main">
            <ViewerName name={a.user.name} handle={a.user.handle} />
            <span className="feed-gift">
              sent <bdi>{a.gift.name.slice(0, 40)}</bdi>
              {a.origin !== 'live' ? <span className="pill pill-dim">{a.origin}</span> : null}
            </span>
          </div>
          <span className="combo" aria-label={`${a.count} times`}>
            ×{format.int(a.count)}
          </span>
          <span className="feed-coins num">{format.int(a.coins)} coins</span>
          <span className="muted feed-time">{format.ago(a.updatedAt, now)}</span>
        </li>
      ))}
    </ul>
  );
}

function Sources({ sources, now }: { sources: SourceHealth[]; now: number }) {
  const { format } = useDashboard();
  if (sources.length === 0) {
    return (
      <p className="muted">
        No source is set up.{' '}
        <a href={hrefOf({ view: 'settings', section: 'sources' })}>Connect TikTok or TikFinity</a>.
      </p>
    );
  }
  return (
    <ul className="list" data-testid="source-list">
      {sources.map((s) => {
        const gapMs = s.gaps.reduce((sum, g) => sum + ((g.to ?? now) - g.from), 0);
        const tone =
          s.state === 'connected'
            ? 'ok'
            : s.state === 'error'
              ? 'bad'
              : s.state === 'stopped' || s.state === 'idle'
                ? 'dim'
                : 'warn';
        return (
          <li key={s.id} className="source">
            <div className="list-row">
              <strong>
                <bdi>{s.label}</bdi>
              </strong>
              <span className={`pill pill-${tone}`}>{STATE_LABEL[s.state]}</span>
            </div>
            <div className="muted small">
              {format.int(s.eventsPerMinute)} events/min · last event{' '}
              {s.lastEventAt ? format.ago(s.lastEventAt, now) : 'never'}
              {s.gaps.length > 0
                ? ` · ${s.gaps.length} gap${s.gaps.length > 1 ? 's' : ''} (${format.duration(gapMs)})`
                : ''}
            </div>
            {s.lastError ? <div className="error-text small">{s.lastError}</div> : null}
          </li>
        );
      })}
    </ul>
  );
}

/** Stops the simulator; shares its caller's action state so the row's buttons disable together. */
function StopSimulatorButton({ action }: { action: ReturnType<typeof useAction> }) {
  return (
    <button
      type="button"
      className="btn"
      disabled={action.busy !== null}
      onClick={() => void action.run('simulator.stop', {}, 'Simulator stopped.')}
    >
      ■ Stop simulator
    </button>
  );
}
