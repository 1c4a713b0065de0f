import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import type { TargetReady, TargetUsage } from './ingestServer';

/**
 * The parent side of an ingest target process (ingestServer.ts, writerThreadServer.ts): tells the
 * parent `ready`, starts counting CPU time at 'go', and at 'stop' reports it, runs `stop` and exits.
 * With `profileDir`, the main thread is also CPU-profiled from 'go' to 'stop' (the parent sends
 * 'go' once the client has its frames ready, so the profile is the client's run and nothing else)
 * and the profile is written there as a `.cpuprofile` file.
 */
export function answerParent(
  ready: TargetReady,
  stop: () => Promise<void> | void,
  profileDir?: string,
): void {
  let cpuAtReady = process.cpuUsage();
  let profiling: Promise<Session> | null = null;
  process.on('message', (message) => {
    if (message === 'go') {
      cpuAtReady = process.cpuUsage();
      if (profileDir) profiling = startProfiler();
      return;
    }
    if (message !== 'stop') return;
    // CPU time used while the client ran: events per CPU-second hold still on a busy machine.
    const used = process.cpuUsage(cpuAtReady);
    const usage: TargetUsage = { cpuMs: (used.user + used.system) / 1000 };
    void (async () => {
      if (profiling && profileDir) {
        const session = await profiling;
        const { profile } = await session.post('Profiler.stop');
        writeFileSync(
          join(profileDir, `server-${process.pid}.cpuprofile`),
          JSON.stringify(profile),
        );
        session.disconnect();
      }
      process.send?.(usage, () => {
        void Promise.resolve()
          .then(stop)
          .finally(() => process.exit(0));
      });
    })();
  });
  process.send?.(ready);
}

async function startProfiler(): Promise<Session> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  // The interval `node --cpu-prof` uses (1 ms).
  await session.post('Profiler.setSamplingInterval', { interval: 1000 });
  await session.post('Profiler.start');
  return session;
}
