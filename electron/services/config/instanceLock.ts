import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Raised when another Gemlight already serves this data folder. */
export class DataDirInUseError extends Error {
  constructor(
    readonly dataDir: string,
    readonly pid: number,
  ) {
    super(
      `Another Gemlight (process ${pid}) is already using the data folder ${dataDir}. ` +
        'Close it first, or start this one with another --data-dir. (If no Gemlight is running, ' +
        `delete ${join(dataDir, 'gemlight.lock')}.)`,
    );
    this.name = 'DataDirInUseError';
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else — still running.
    return (error as { code?: string }).code === 'EPERM';
  }
}

/**
 * Claims the data folder for this process: two Gemlights writing one ledger would each keep their
 * own idea of the open session. A lock left by a process that no longer runs is taken over.
 * Returns the release function.
 */
export function lockDataDir(dataDir: string): () => void {
  const file = join(dataDir, 'gemlight.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx', mode: 0o600 });
      return () => {
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      };
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST') throw error;
      const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
      if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new DataDirInUseError(dataDir, pid);
      }
      // Stale (or our own from an in-process restart): take it over.
      rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not claim the data folder ${dataDir}.`);
}
