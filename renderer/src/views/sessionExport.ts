import type { SessionDetail } from '../../../shared/api';
import { assertNever } from '../../../shared/result';

/** Which table of a session a CSV export holds. */
export type CsvTable = 'timeline' | 'gifts' | 'gifters';

/**
 * One CSV cell. Viewer text is hostile: quotes are doubled and a leading = + - @ is defused so a
 * spreadsheet never runs a nickname as a formula.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const rows = (header: string[], body: (string | number | null)[][]): string =>
  [header, ...body].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';

/** A session table as CSV (RFC 4180, CRLF). */
export function sessionCsv(s: SessionDetail, table: CsvTable): string {
  switch (table) {
    case 'timeline':
      return rows(
        ['minute_utc', 'coins', 'diamonds', 'gifts'],
        s.timeline.map((p) => [new Date(p.minute).toISOString(), p.coins, p.diamonds, p.gifts]),
      );
    case 'gifts':
      return rows(
        ['gift_id', 'gift', 'coins_each', 'count', 'coins'],
        s.gifts.map((g) => [g.giftId, g.name, g.coinsEach, g.count, g.coins]),
      );
    case 'gifters':
      return rows(
        ['user_id', 'handle', 'name', 'coins'],
        s.gifters.map((g) => [g.userId, g.handle, g.name, g.coins]),
      );
    default:
      return assertNever(table, 'csv table');
  }
}
