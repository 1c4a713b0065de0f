import type { TargetReady, TargetUsage } from './ingestServer';

/**
 * The parent side of an ingest target process (ingestServer.ts, writerThreadServer.ts): tells the
 * parent `ready`, starts counting CPU time at 'go', and at 'stop' reports it, runs `stop` and exits.
 */
export function answerParent(ready: TargetReady, stop: () => Promise<void> | void): void {
  let cpuAtReady = process.cpuUsage();
  process.on('message', (message) => {
    if (message === 'go') {
      cpuAtReady = process.cpuUsage();
      return;
    }
    if (message !== 'stop') return;
    // CPU time used while the client ran: events per CPU-second hold still on a busy machine.
    const used = process.cpuUsage(cpuAtReady);
    const usage: TargetUsage = { cpuMs: (used.user + used.system) / 1000 };
    process.send?.(usage, () => {
      void Promise.resolve()
        .then(stop)
        .finally(() => process.exit(0));
    });
  });
  process.send?.(ready);
}
