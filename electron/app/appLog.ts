import { appendFileSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

/*
 * The app's log: a packaged app has no console, so every line also goes to a file in the
 * user-data folder (logs/gemlight.log), kept small by rolling over to gemlight.log.1 at start.
 */

/** Above this size the log rolls over when the app starts. */
export const LOG_ROLL_BYTES = 5 * 1024 * 1024;

/** Opens the log file (rolling it over first if large) and returns the line writer. */
export function createAppLog(
  file: string,
  options: { echo?: (line: string) => void; now?: () => Date } = {},
): (line: string) => void {
  const echo = options.echo ?? ((line: string) => console.log(line));
  const now = options.now ?? (() => new Date());
  let writable = true;
  try {
    mkdirSync(dirname(file), { recursive: true });
    if ((statSync(file, { throwIfNoEntry: false })?.size ?? 0) > LOG_ROLL_BYTES) {
      renameSync(file, `${file}.1`);
    }
  } catch {
    writable = false;
  }
  return (line: string) => {
    echo(`[gemlight] ${line}`);
    if (!writable) return;
    try {
      // Synchronous: a line written just before a crash or exit is not lost.
      appendFileSync(file, `${now().toISOString()} ${line}\n`);
    } catch {
      writable = false;
    }
  };
}
