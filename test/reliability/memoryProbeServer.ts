/**
 * Gemlight for the long-run suite: the real server in a child process (like `npm run serve`)
 * that also answers `{type:'memory'}` on its IPC channel with its memory after a full GC. Start
 * it with `node --expose-gc --import tsx test/reliability/memoryProbeServer.ts DATA_DIR TOKEN`.
 */
import { startGemlight } from '../../electron/services/app';

const [dataDir, token] = process.argv.slice(2);
if (!dataDir || !token || !process.send) {
  process.stderr.write('usage: memoryProbeServer DATA_DIR TOKEN (with an IPC channel)\n');
  process.exit(2);
}
const collect = (globalThis as { gc?: () => void }).gc;

const server = await startGemlight({
  dataDir,
  token,
  port: 0,
  host: '127.0.0.1',
  withoutSources: true,
  log: (line) => process.stderr.write(line + '\n'),
});
process.on('message', (message: { type?: string }) => {
  if (message.type === 'memory') {
    collect?.();
    const m = process.memoryUsage();
    process.send?.({ type: 'memory', rss: m.rss, heapUsed: m.heapUsed, external: m.external });
  } else if (message.type === 'stop') {
    void server.stop().then(() => process.exit(0));
  }
});
process.send({ type: 'ready', port: server.port, overlayKey: server.overlayKey });
