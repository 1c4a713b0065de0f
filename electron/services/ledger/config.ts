import type { WithdrawalDto } from '../../../shared/api';
import { DEFAULT_RATES, type Rates, type RateSchedule } from '../../../shared/earnings';
import type { Goal } from '../../../shared/goals';
import type { LedgerDb } from './db';
import { ratesFromJson, ratesToJson } from './ratesCodec';

/** The rate schedule, oldest first; the defaults when none was ever set. */
export function loadSchedule(db: LedgerDb): RateSchedule {
  const rows = db
    .prepare<[], { value: string }>('SELECT value FROM rates ORDER BY effective_from')
    .all();
  return rows.length === 0 ? [DEFAULT_RATES] : rows.map((r) => ratesFromJson(r.value));
}

/**
 * Adds (or replaces) one schedule entry and re-prices the sessions it now covers, so that a
 * session's stored rates always equal the schedule's rates at its start (and a rebuild agrees).
 */
export function addRates(db: LedgerDb, rates: Rates, schedule: RateSchedule): void {
  db.prepare(
    'INSERT INTO rates (effective_from, value) VALUES (?, ?) ON CONFLICT DO UPDATE SET value = excluded.value',
  ).run(rates.effectiveFrom, ratesToJson(rates));
  if (schedule.length === 1 && schedule[0] === DEFAULT_RATES && rates.effectiveFrom > 0) {
    // The implicit default becomes an explicit first entry so older sessions keep it.
    db.prepare(
      'INSERT INTO rates (effective_from, value) VALUES (0, ?) ON CONFLICT DO NOTHING',
    ).run(ratesToJson(DEFAULT_RATES));
  }
  const next = schedule.find((r) => r.effectiveFrom > rates.effectiveFrom);
  db.prepare('UPDATE sessions SET rates = ? WHERE started_at >= ? AND started_at < ?').run(
    ratesToJson(rates),
    // The first entry of a schedule also covers all earlier time.
    rates.effectiveFrom <= (schedule[0]?.effectiveFrom ?? 0)
      ? Number.MIN_SAFE_INTEGER
      : rates.effectiveFrom,
    next?.effectiveFrom ?? Number.MAX_SAFE_INTEGER,
  );
}

/** The active goal, if one is set. */
export function loadGoal(db: LedgerDb): Goal | null {
  const row = db
    .prepare<[], { value: string }>(
      'SELECT value FROM goals WHERE active = 1 ORDER BY created_at DESC LIMIT 1',
    )
    .get();
  return row ? (JSON.parse(row.value) as Goal) : null;
}

/** Replaces the active goal. */
export function saveGoal(db: LedgerDb, goal: Goal): void {
  db.transaction(() => {
    db.prepare('UPDATE goals SET active = 0 WHERE active = 1').run();
    db.prepare('INSERT INTO goals (id, value, created_at, active) VALUES (?, ?, ?, 1)').run(
      goal.id,
      JSON.stringify(goal),
      goal.createdAt,
    );
  })();
}

interface WithdrawalRow {
  id: string;
  time: number;
  diamonds: number;
  received_minor: number;
  fee_minor: number;
}

const withdrawalDto = (r: WithdrawalRow): WithdrawalDto => ({
  id: r.id,
  time: r.time,
  diamonds: r.diamonds,
  receivedMinor: r.received_minor,
  feeMinor: r.fee_minor,
});

/** Recorded withdrawals, newest first. */
export function listWithdrawals(db: LedgerDb): WithdrawalDto[] {
  return db
    .prepare<[], WithdrawalRow>('SELECT * FROM withdrawals ORDER BY time DESC, id')
    .all()
    .map(withdrawalDto);
}

/** Records a withdrawal. */
export function addWithdrawal(db: LedgerDb, w: WithdrawalDto): void {
  db.prepare(
    'INSERT INTO withdrawals (id, time, diamonds, received_minor, fee_minor) VALUES (?, ?, ?, ?, ?)',
  ).run(w.id, w.time, w.diamonds, w.receivedMinor, w.feeMinor);
}

/** Deletes one withdrawal; false when there was none with that id. */
export function deleteWithdrawal(db: LedgerDb, id: string): boolean {
  return db.prepare('DELETE FROM withdrawals WHERE id = ?').run(id).changes === 1;
}
