import { useState } from 'react';
import type { LeaderboardPeriod } from '../../../shared/leaderboard';
import { Avatar, Card, Empty, ErrorNote, Stat, ViewerName, Working } from '../components/ui';
import { useCommand, useDashboard } from '../hooks';
import { hrefOf } from '../router';

const PERIODS: { period: LeaderboardPeriod; label: string; stepMs: number }[] = [
  { period: 'session', label: 'This session', stepMs: 0 },
  { period: 'day', label: 'Day', stepMs: 86_400_000 },
  { period: 'week', label: 'Week', stepMs: 7 * 86_400_000 },
  { period: 'month', label: 'Month', stepMs: 30 * 86_400_000 },
  { period: 'all', label: 'All time', stepMs: 0 },
];

/** The Gifters view: leaderboards per period and a gifter's history, to thank regulars. */
export function GiftersView({ userId }: { userId: string | null }) {
  const { format } = useDashboard();
  const [period, setPeriod] = useState<LeaderboardPeriod>('all');
  // How many periods back from now (0 = the current day/week/month).
  const [back, setBack] = useState(0);
  const spec = PERIODS.find((p) => p.period === period) ?? PERIODS[4];
  const stepMs = spec?.stepMs ?? 0;
  const [anchor] = useState(() => Date.now());
  const at = stepMs > 0 && back > 0 ? anchor - back * stepMs : undefined;
  const board = useCommand('gifters.top', {
    period,
    limit: 50,
    ...(at !== undefined ? { at } : {}),
  });
  const rows = board.data ?? [];
  const max = rows[0]?.coins ?? 1;

  return (
    <div className="view">
      <header className="view-head">
        <div>
          <h1>Gifters</h1>
          <p className="subtitle">Who supports the stream, for shout-outs and thanking regulars.</p>
        </div>
      </header>
      <div className="grid grid-gifters">
        <Card
          title="Leaderboard"
          actions={
            <div className="segmented" role="group" aria-label="Period">
              {PERIODS.map((p) => (
                <button
                  key={p.period}
                  type="button"
                  aria-pressed={p.period === period}
                  className={p.period === period ? 'active' : ''}
                  onClick={() => {
                    setPeriod(p.period);
                    setBack(0);
                  }}
                >
                  {p.label}
                </button>
              ))}
            </div>
          }
        >
          {stepMs > 0 ? (
            <div className="period-nav">
              <button
                type="button"
                className="btn btn-small"
                onClick={() => setBack((b) => b + 1)}
                aria-label={`Previous ${period}`}
              >
                ←
              </button>
              <span>
                {back === 0
                  ? `This ${period}`
                  : `${back} ${period}${back > 1 ? 's' : ''} ago${at !== undefined ? ` (${format.date(at)})` : ''}`}
              </span>
              <button
                type="button"
                className="btn btn-small"
                disabled={back === 0}
                onClick={() => setBack((b) => Math.max(0, b - 1))}
                aria-label={`Next ${period}`}
              >
                →
              </button>
            </div>
          ) : null}
          {board.error ? <ErrorNote message={board.error} onRetry={board.reload} /> : null}
          {board.loading && !board.data ? <Working label="Loading the leaderboard…" /> : null}
          {!board.loading && rows.length === 0 && !board.error ? (
            <Empty title="No gifts in this period">
              Gifters appear here as soon as someone sends a gift.
            </Empty>
          ) : null}
          {rows.length > 0 ? (
            <ol className="ranking ranking-large" data-testid="leaderboard">
              {rows.map((g, i) => (
                <li
                  key={g.userId}
                  className={g.userId === userId ? 'selected' : ''}
                  data-user-id={g.userId}
                >
                  <span className={`rank${i < 3 ? ` rank-${i + 1}` : ''}`}>{i + 1}</span>
                  <Avatar name={g.name || g.handle} seed={g.userId} />
                  <a className="rank-name" href={hrefOf({ view: 'gifters', userId: g.userId })}>
                    <ViewerName name={g.name} handle={g.handle} />
                  </a>
                  <span className="rank-bar" aria-hidden="true">
                    <span
                      style={{ width: `${Math.max(3, (g.coins / Math.max(1, max)) * 100)}%` }}
                    />
                  </span>
                  <span className="num">
                    <span data-col="coins">{format.int(g.coins)}</span> coins
                  </span>
                </li>
              ))}
            </ol>
          ) : null}
        </Card>
        <GifterProfilePanel userId={userId} />
      </div>
    </div>
  );
}

function GifterProfilePanel({ userId }: { userId: string | null }) {
  const { format } = useDashboard();
  const profile = useCommand('gifters.get', userId ? { userId } : null);
  if (!userId) {
    return (
      <Card title="Gifter history">
        <p className="muted">
          Pick a gifter to see when they first and last showed up, how many sessions they joined and
          their biggest gift.
        </p>
      </Card>
    );
  }
  const p = profile.data;
  return (
    <Card
      title="Gifter history"
      actions={<a href={hrefOf({ view: 'gifters', userId: null })}>Close</a>}
    >
      {profile.error ? <ErrorNote message={profile.error} onRetry={profile.reload} /> : null}
      {profile.loading && !p ? <Working label="Loading…" /> : null}
      {p && p.userId === userId ? (
        <div className="profile" data-testid="gifter-profile">
          <div className="profile-head">
            <Avatar name={p.name || p.handle} seed={p.userId} />
            <div>
              <div className="profile-name">
                <bdi>{(p.name || p.handle || 'Anonymous').slice(0, 64)}</bdi>
              </div>
              {p.handle ? <div className="muted">@{p.handle.slice(0, 40)}</div> : null}
            </div>
          </div>
          <div className="stats stats-2">
            <Stat label="Total coins" value={format.int(p.coins)} testId="profile-coins" />
            <Stat label="Sessions" value={format.int(p.sessions)} testId="profile-sessions" />
          </div>
          <dl className="facts">
            <dt>First seen</dt>
            <dd>{format.dateTime(p.firstSeen)}</dd>
            <dt>Last seen</dt>
            <dd>{format.dateTime(p.lastSeen)}</dd>
            <dt>Biggest gift</dt>
            <dd>
              {p.biggestGift ? (
                <>
                  <bdi>{p.biggestGift.name.slice(0, 40)}</bdi> · {format.int(p.biggestGift.coins)}{' '}
                  coins · {format.date(p.biggestGift.time)}
                </>
              ) : (
                '—'
              )}
            </dd>
          </dl>
          <p className="muted small">
            Thank them by name: <ViewerName name={p.name} handle={p.handle} />
          </p>
        </div>
      ) : null}
    </Card>
  );
}
