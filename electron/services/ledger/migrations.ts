/**
 * The ledger's schema, as numbered migrations. Each runs in one transaction and bumps
 * `user_version`; a migration is never edited once released, only followed by a new one.
 */
export interface Migration {
  version: number;
  description: string;
  sql: string;
}

/** Every migration, in order. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'raw log, derived gift tables, settings',
    sql: `
      -- Append-only: every accepted event as received, plus its normalized form, in arrival order.
      CREATE TABLE raw_events (
        seq INTEGER PRIMARY KEY,
        msg_id TEXT NOT NULL UNIQUE,
        kind TEXT NOT NULL,
        source TEXT NOT NULL,
        origin TEXT NOT NULL,
        received_at INTEGER NOT NULL,
        raw TEXT NOT NULL,
        event TEXT NOT NULL
      ) STRICT;

      CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        started_at INTEGER NOT NULL,
        ended_at INTEGER,
        end_reason TEXT,
        simulated INTEGER NOT NULL,
        rates TEXT NOT NULL,
        coins INTEGER NOT NULL DEFAULT 0,
        gift_count INTEGER NOT NULL DEFAULT 0,
        gifter_count INTEGER NOT NULL DEFAULT 0,
        likes INTEGER NOT NULL DEFAULT 0,
        follows INTEGER NOT NULL DEFAULT 0,
        shares INTEGER NOT NULL DEFAULT 0,
        viewers INTEGER NOT NULL DEFAULT 0,
        peak_viewers INTEGER NOT NULL DEFAULT 0,
        last_event_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX sessions_started ON sessions (started_at, id);
      CREATE INDEX sessions_open ON sessions (simulated) WHERE ended_at IS NULL;

      CREATE TABLE gaps (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions (id),
        source TEXT NOT NULL,
        from_at INTEGER NOT NULL,
        to_at INTEGER
      ) STRICT;
      CREATE INDEX gaps_session ON gaps (session_id);

      -- One row per streak (a non-streakable gift message is its own streak).
      CREATE TABLE streaks (
        id INTEGER PRIMARY KEY,
        lookup TEXT NOT NULL,
        session_id INTEGER NOT NULL REFERENCES sessions (id),
        simulated INTEGER NOT NULL,
        user_id TEXT NOT NULL,
        gift_id INTEGER NOT NULL,
        gift_name TEXT NOT NULL,
        gift_image TEXT,
        group_id TEXT NOT NULL,
        coins_each INTEGER NOT NULL,
        count INTEGER NOT NULL,
        coins INTEGER NOT NULL,
        ended INTEGER NOT NULL,
        streakable INTEGER NOT NULL,
        first_at INTEGER NOT NULL,
        last_at INTEGER NOT NULL,
        -- Arrival time of the latest message: staleness is judged on arrival, never on the
        -- sender's clock, so replays of old recordings keep their streaks.
        last_seen_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX streaks_lookup ON streaks (lookup, id);
      CREATE INDEX streaks_open ON streaks (last_seen_at) WHERE ended = 0;
      CREATE INDEX streaks_time ON streaks (first_at);
      CREATE INDEX streaks_user ON streaks (user_id, simulated, coins);

      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        handle TEXT NOT NULL,
        name TEXT NOT NULL,
        avatar TEXT,
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE session_gifters (
        session_id INTEGER NOT NULL,
        user_id TEXT NOT NULL,
        coins INTEGER NOT NULL,
        gifts INTEGER NOT NULL,
        reached_at INTEGER NOT NULL,
        -- The viewer's previous counted session (NULL for a first visit or a simulated session):
        -- distinct gifters over any range of sessions are counted from these links.
        prev_session_id INTEGER,
        PRIMARY KEY (session_id, user_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX session_gifters_rank ON session_gifters (session_id, coins DESC, reached_at);
      CREATE INDEX session_gifters_user ON session_gifters (user_id);

      -- How many viewers came back from one counted session to a later one (see prev_session_id).
      CREATE TABLE gifter_returns (
        prev_session_id INTEGER NOT NULL,
        session_id INTEGER NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (session_id, prev_session_id)
      ) STRICT, WITHOUT ROWID;

      -- Each viewer's latest counted session.
      CREATE TABLE user_last_session (
        user_id TEXT PRIMARY KEY,
        session_id INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE session_gifts (
        session_id INTEGER NOT NULL,
        gift_id INTEGER NOT NULL,
        coins_each INTEGER NOT NULL,
        name TEXT NOT NULL,
        image TEXT,
        count INTEGER NOT NULL,
        coins INTEGER NOT NULL,
        PRIMARY KEY (session_id, gift_id, coins_each)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE minute_rollups (
        session_id INTEGER NOT NULL,
        minute INTEGER NOT NULL,
        coins INTEGER NOT NULL,
        gifts INTEGER NOT NULL,
        PRIMARY KEY (session_id, minute)
      ) STRICT, WITHOUT ROWID;

      -- Earnings-only boards (never simulated).
      CREATE TABLE day_gifters (
        day INTEGER NOT NULL,
        user_id TEXT NOT NULL,
        coins INTEGER NOT NULL,
        reached_at INTEGER NOT NULL,
        PRIMARY KEY (day, user_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX day_gifters_rank ON day_gifters (day, coins DESC, reached_at);

      -- Calendar weeks (starting Monday) and months of the creator's clock.
      CREATE TABLE week_gifters (
        week INTEGER NOT NULL,
        user_id TEXT NOT NULL,
        coins INTEGER NOT NULL,
        reached_at INTEGER NOT NULL,
        PRIMARY KEY (week, user_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX week_gifters_rank ON week_gifters (week, coins DESC, reached_at);

      CREATE TABLE month_gifters (
        month INTEGER NOT NULL,
        user_id TEXT NOT NULL,
        coins INTEGER NOT NULL,
        reached_at INTEGER NOT NULL,
        PRIMARY KEY (month, user_id)
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX month_gifters_rank ON month_gifters (month, coins DESC, reached_at);

      CREATE TABLE all_gifters (
        user_id TEXT PRIMARY KEY,
        coins INTEGER NOT NULL,
        gifts INTEGER NOT NULL,
        reached_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX all_gifters_rank ON all_gifters (coins DESC, reached_at);

      -- Not derived: what the creator configured.
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
      CREATE TABLE rates (effective_from INTEGER PRIMARY KEY, value TEXT NOT NULL) STRICT;
      CREATE TABLE goals (
        id TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        active INTEGER NOT NULL
      ) STRICT;
      CREATE TABLE withdrawals (
        id TEXT PRIMARY KEY,
        time INTEGER NOT NULL,
        diamonds INTEGER NOT NULL,
        received_minor INTEGER NOT NULL,
        fee_minor INTEGER NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 2,
    description:
      "each viewer's biggest gift kept on their all-time row; streaks_user index dropped",
    sql: `
      -- The gifter profile's biggest gift used to be found through an index on streaks by user,
      -- whose random keys cost a dirty page per new streak on every commit. The writer now keeps
      -- each viewer's biggest counted streak (most coins, then earliest) on all_gifters.
      ALTER TABLE all_gifters ADD COLUMN best_streak_id INTEGER;
      ALTER TABLE all_gifters ADD COLUMN best_coins INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE all_gifters ADD COLUMN best_first_at INTEGER NOT NULL DEFAULT 0;
      UPDATE all_gifters SET (best_streak_id, best_coins, best_first_at) = (
        SELECT s.id, s.coins, s.first_at FROM streaks s
        WHERE s.user_id = all_gifters.user_id AND s.simulated = 0
        ORDER BY s.coins DESC, s.first_at, s.id LIMIT 1)
      WHERE EXISTS (
        SELECT 1 FROM streaks s WHERE s.user_id = all_gifters.user_id AND s.simulated = 0);
      DROP INDEX streaks_user;
    `,
  },
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.reduce((max, m) => Math.max(max, m.version), 0);

/** Tables regenerated from the raw log by `--rebuild`. */
export const DERIVED_TABLES = [
  'gaps',
  'streaks',
  'users',
  'session_gifters',
  'gifter_returns',
  'user_last_session',
  'session_gifts',
  'minute_rollups',
  'day_gifters',
  'week_gifters',
  'month_gifters',
  'all_gifters',
  'sessions',
] as const;
