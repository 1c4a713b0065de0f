/**
 * Which automatic backups to keep: the newest of each of the 7 most recent days that have one,
 * and the newest of each of the 4 most recent weeks (Monday to Sunday, local time) that have one.
 * Days and weeks without a backup (no stream, app closed) do not use up a slot, so a creator who
 * streams twice a week still has seven daily restore points.
 */

/** Daily backups kept. */
export const KEEP_DAILY = 7;
/** Weekly backups kept. */
export const KEEP_WEEKLY = 4;

/** A backup file and the time it was taken (ms since the epoch). */
export interface DatedBackup {
  file: string;
  time: number;
}

/** Start of the local day containing `time`. */
export function localDay(time: number): number {
  const d = new Date(time);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

/** Start of the local week (Monday 00:00) containing `time`. */
export function localWeek(time: number): number {
  const d = new Date(localDay(time));
  const sinceMonday = (d.getDay() + 6) % 7;
  d.setDate(d.getDate() - sinceMonday);
  return d.getTime();
}

function newestPer(backups: readonly DatedBackup[], bucket: (t: number) => number, keep: number) {
  const newest = new Map<number, DatedBackup>();
  for (const b of backups) {
    const key = bucket(b.time);
    const prev = newest.get(key);
    if (!prev || b.time > prev.time || (b.time === prev.time && b.file > prev.file)) {
      newest.set(key, b);
    }
  }
  return [...newest.entries()]
    .sort((a, b) => b[0] - a[0])
    .slice(0, keep)
    .map(([, b]) => b.file);
}

/** Splits automatic backups into those to keep and those to delete. */
export function planRetention(
  backups: readonly DatedBackup[],
  keepDaily = KEEP_DAILY,
  keepWeekly = KEEP_WEEKLY,
): { keep: string[]; remove: string[] } {
  const keep = new Set([
    ...newestPer(backups, localDay, keepDaily),
    ...newestPer(backups, localWeek, keepWeekly),
  ]);
  return {
    keep: backups.filter((b) => keep.has(b.file)).map((b) => b.file),
    remove: backups.filter((b) => !keep.has(b.file)).map((b) => b.file),
  };
}
