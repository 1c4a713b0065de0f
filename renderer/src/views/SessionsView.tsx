import { useState } from 'react';
import type { ParamsOf, SessionSummary } from '../../../shared/api';
import { Card, Empty, ErrorNote, Stat, ViewerName } from '../components/ui';
import { perHour } from '../format';
import { useCommand, useDashboard, useNow } from '../hooks';
import { hrefOf } from '../router';

type SortKey = NonNullable<ParamsOf<'sessions.list'>['sort']>;

const PAGE_SIZE = 25;
const DAY = 86_400_000;

const COLUMNS: { key: string; label: string; sort?: SortKey; numeric?: boolean }[] = [
  { key: 'date', label: 'Date', sort: 'startedAt' },
  { key: 'duration', label: 'Duration', sort: 'duration', numeric: true },
  { key: 'coins', label: 'Coins', sort: 'coins', numeric: true },
  { key: 'diamonds', label: 'Diamonds', sort: 'diamonds', numeric: true },
  { key: 'cash', label: 'Est. cash', numeric: true },
  { key: 'gifts', label: 'Gifts', sort: 'giftCount', numeric: true },
  { key: 'gifters', label: 'Gifters', sort: 'gifterCount', numeric: true },
  { key: 'top', label: 'Top gifter' },
  { key: 'perHour', label: 'Cash / hour', numeric: true },
];

/** Parses a yyyy-mm-dd input as the start of that local day. */
const dayStart = (value: string): number | undefined => {
  if (!value) return undefined;
  const t = new Date(`${value}T00:00:00`).getTime();
  return Number.isFinite(t) ? t : undefined;
};

/** The Sessions view: the whole history, sorted, filtered and paged by cursor on the server. */
export function SessionsView() {
  const { format } = useDashboard();
  const now = useNow(30_000);
  const [sort, setSort] = useState<SortKey>('startedAt');
  const [order, setOrder] = useState<'asc' | 'desc'>('desc');
  const [fromText, setFromText] = useState('');
  const [toText, setToText] = useState('');
  const [includeSimulated, setIncludeSimulated] = useState(false);
  // Cursors of the pages visited so far: the page shown is the last one.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);

  const from = dayStart(fromText);
  const toDay = dayStart(toText);
  const to = toDay === undefined ? undefined : toDay + DAY;
  const cursor = cursors[cursors.length - 1];
  const params: ParamsOf<'sessions.list'> = {
    limit: PAGE_SIZE,
    sort,
    order,
    includeSimulated,
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
    ...(cursor ? { cursor } : {}),
  };
  const { live } = useDashboard();
  // New and ended sessions show up without a reload.
  const sessionKey = live.session ? `${live.session.id}:${live.session.endedAt ?? 'open'}` : 'none';
  const page = useCommand('sessions.list', params, sessionKey);
  const summary = useCommand('summary.get', {
    ...(from !== undefined ? { from } : {}),
    ...(to !== undefined ? { to } : {}),
  });

  const resetPaging = () => setCursors([undefined]);
  const sortBy = (key: SortKey) => {
    if (key === sort) setOrder((o) => (o === 'desc' ? 'asc' : 'desc'));
    else {
      setSort(key);
      setOrder('desc');
    }
    resetPaging();
  };

  const items = page.data?.items ?? [];
  const pageIndex = cursors.length - 1;
  const total = page.data?.total ?? 0;

  return (
    <div className="view">
      <header className="view-head">
        <div>
          <h1>Sessions</h1>
          <p className="subtitle">
            Every LIVE session Gemlight has recorded, valued at the rates in force when it started.
          </p>
        </div>
      </header>

      {summary.data ? (
        <div className="stats stats-4">
          <Stat
            label={from !== undefined || to !== undefined ? 'Sessions in range' : 'Sessions'}
            value={format.int(summary.data.sessions)}
            testId="summary-sessions"
          />
          <Stat label="Coins" value={format.int(summary.data.coins)} testId="summary-coins" />
          <Stat
            label="Diamonds"
            value={format.int(summary.data.diamonds)}
            testId="summary-diamonds"
          />
          <Stat
            label="Estimated cash"
            value={format.cash(summary.data.cash.minor)}
            testId="summary-cash"
            accent
          />
        </div>
      ) : null}

      <Card>
        <form className="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter sessions">
          <label>
            From
            <input
              type="date"
              value={fromText}
              onChange={(e) => {
                setFromText(e.target.value);
                resetPaging();
              }}
            />
          </label>
          <label>
            To
            <input
              type="date"
              value={toText}
              onChange={(e) => {
                setToText(e.target.value);
                resetPaging();
              }}
            />
          </label>
          <label className="check">
            <input
              type="checkbox"
              checked={includeSimulated}
              onChange={(e) => {
                setIncludeSimulated(e.target.checked);
                resetPaging();
              }}
            />
            Show simulated sessions
          </label>
          {fromText || toText ? (
            <button
              type="button"
              className="btn btn-ghost btn-small"
              onClick={() => {
                setFromText('');
                setToText('');
                resetPaging();
              }}
            >
              Clear dates
            </button>
          ) : null}
          <span className="muted right" aria-live="polite">
            {page.loading ? 'Loading…' : `${format.int(total)} session${total === 1 ? '' : 's'}`}
          </span>
        </form>

        {page.error ? <ErrorNote message={page.error} onRetry={page.reload} /> : null}

        {!page.loading && !page.error && items.length === 0 ? (
          <Empty title={fromText || toText ? 'No sessions in these dates' : 'No sessions yet'}>
            {fromText || toText ? (
              <p>Widen the date range or clear it to see everything.</p>
            ) : (
              <p>
                Sessions appear here once you go LIVE with a source connected. Set one up in{' '}
                <a href={hrefOf({ view: 'settings', section: 'sources' })}>Settings → Sources</a>,
                or try the simulator on the <a href={hrefOf({ view: 'live' })}>Live</a> page.
              </p>
            )}
          </Empty>
        ) : null}

        {items.length > 0 ? (
          <div className="table-wrap">
            <table className="table" data-testid="sessions-table" aria-busy={page.loading}>
              <thead>
                <tr>
                  {COLUMNS.map((c) => (
                    <th
                      key={c.key}
                      className={c.numeric ? 'num' : ''}
                      aria-sort={
                        c.sort === sort ? (order === 'asc' ? 'ascending' : 'descending') : undefined
                      }
                      scope="col"
                    >
                      {c.sort ? (
                        <button
                          type="button"
                          className="th-sort"
                          onClick={() => c.sort && sortBy(c.sort)}
                        >
                          {c.label}
                          <span className="sort-mark" aria-hidden="true">
                            {c.sort === sort ? (order === 'asc' ? '▲' : '▼') : '↕'}
                          </span>
                        </button>
                      ) : (
                        c.label
                      )}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {items.map((s) => (
                  <SessionRow key={s.id} session={s} now={now} />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}

        {items.length > 0 ? (
          <nav className="pager" aria-label="Pages">
            <button
              type="button"
              className="btn btn-small"
              disabled={pageIndex === 0 || page.loading}
              onClick={() => setCursors((c) => c.slice(0, -1))}
            >
              ← Newer
            </button>
            <span className="muted">
              Page {pageIndex + 1} of {format.int(Math.max(1, Math.ceil(total / PAGE_SIZE)))}
            </span>
            <button
              type="button"
              className="btn btn-small"
              disabled={!page.data?.nextCursor || page.loading}
              onClick={() => {
                const next = page.data?.nextCursor;
                if (next) setCursors((c) => [...c, next]);
              }}
            >
              Older →
            </button>
          </nav>
        ) : null}
      </Card>
    </div>
  );
}

function SessionRow({ session: s, now }: { session: SessionSummary; now: number }) {
  const { format } = useDashboard();
  const duration = (s.endedAt ?? now) - s.startedAt;
  const rate = s.simulated ? null : perHour(s.cash.minor, duration);
  const href = hrefOf({ view: 'session', id: s.id });
  return (
    <tr data-session-id={s.id} onClick={() => (window.location.hash = href)} className="clickable">
      <td>
        <a href={href} onClick={(e) => e.stopPropagation()}>
          {format.dateTime(s.startedAt)}
        </a>
        {s.endedAt === null ? <span className="pill pill-live">live</span> : null}
        {s.simulated ? <span className="pill pill-dim">simulated</span> : null}
        {s.gapMs > 0 ? (
          <span
            className="pill pill-warn"
            title={`No source observed ${format.duration(s.gapMs)} of this session`}
          >
            gap
          </span>
        ) : null}
      </td>
      <td className="num">{format.duration(duration)}</td>
      <td className="num" data-col="coins">
        {format.int(s.coins)}
      </td>
      <td className="num" data-col="diamonds">
        {format.int(s.diamonds)}
      </td>
      <td className="num" data-col="cash">
        {format.cash(s.cash.minor)}
      </td>
      <td className="num" data-col="gifts">
        {format.int(s.giftCount)}
      </td>
      <td className="num" data-col="gifters">
        {format.int(s.gifterCount)}
      </td>
      <td className="clip">
        {s.topGifter ? (
          <ViewerName name={s.topGifter.name} handle={s.topGifter.handle} />
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="num" data-col="perHour">
        {rate ? format.exact(rate) : '—'}
      </td>
    </tr>
  );
}
