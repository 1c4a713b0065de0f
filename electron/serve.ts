/**
 * `npm run serve`: Gemlight headless under plain Node — the same services the desktop app runs
 * (ledger, ingest, live events, API, dashboard and overlay pages), without Electron.
 */
import { parseArgs } from 'node:util';
import { ensureWeb } from '../scripts/ensure-web';
import { DEFAULT_PORT, startGemlight } from './services/app';
import { defaultDataDir } from './services/config/dataDir';
import { LedgerTooNewError } from './services/ledger/db';
import { BACKUP_USAGE, describeOpenFailure, runBackupCli } from './services/backup/cli';

const USAGE = `Usage: npm run serve -- [options]

  --port N            Port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)   env GEMLIGHT_PORT
  --host ADDR         Address to bind (default 127.0.0.1)
  --data-dir DIR      Where the ledger, secrets and backups live                env GEMLIGHT_DATA_DIR
  --token T           Ingest/dashboard token (default: generated, kept in the data dir)  env GEMLIGHT_TOKEN
  --overlay-key K     Read-only overlay key (default: generated, kept in the data dir)   env GEMLIGHT_OVERLAY_KEY
  --lan               Listen on the local network too (binds 0.0.0.0)
  --rebuild           Regenerate the ledger's derived tables from its raw log, then serve
  --help              Show this help
${BACKUP_USAGE}`;

function fail(message: string): never {
  process.stderr.write(`gemlight: ${message}\n`);
  process.exit(2);
}

function parsePort(text: string): number {
  if (!/^\d{1,5}$/.test(text) || Number(text) > 65535) fail(`not a port number: ${text}`);
  return Number(text);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        token: { type: 'string' },
        'overlay-key': { type: 'string' },
        lan: { type: 'boolean' },
        rebuild: { type: 'boolean' },
        backup: { type: 'boolean' },
        restore: { type: 'string' },
        export: { type: 'string' },
        import: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    });
  } catch (error) {
    fail(`${(error as Error).message}\n\n${USAGE}`);
  }
  const v = parsed.values;
  if (v.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const env = process.env;
  const portText = v.port ?? env.GEMLIGHT_PORT;
  const token = v.token ?? env.GEMLIGHT_TOKEN;
  const overlayKey = v['overlay-key'] ?? env.GEMLIGHT_OVERLAY_KEY;
  const dataDir = v['data-dir'] ?? env.GEMLIGHT_DATA_DIR ?? defaultDataDir();
  const log = (line: string): void => {
    process.stderr.write(line + '\n');
  };
  const backupOptions = {
    ...(v.backup ? { backup: true } : {}),
    ...(v.restore !== undefined ? { restore: v.restore } : {}),
    ...(v.export !== undefined ? { export: v.export } : {}),
    ...(v.import !== undefined ? { import: v.import } : {}),
  };
  if (await runBackupCli(backupOptions, dataDir)) return;
  // A signal during start-up (web build, migration) stops the server as soon as it is up.
  let pendingSignal: string | null = null;
  const early = (signal: string) => () => {
    pendingSignal ??= signal;
  };
  const earlyInt = early('SIGINT');
  const earlyTerm = early('SIGTERM');
  process.on('SIGINT', earlyInt);
  process.on('SIGTERM', earlyTerm);
  // Build the dashboard and overlay first when they are missing or stale (a no-op when current).
  ensureWeb(log);
  let server;
  try {
    server = await startGemlight({
      dataDir,
      ...(portText !== undefined ? { port: parsePort(portText) } : {}),
      ...(v.host !== undefined ? { host: v.host } : {}),
      ...(token ? { token } : {}),
      ...(overlayKey ? { overlayKey } : {}),
      ...(v.lan ? { lan: true } : {}),
      ...(v.rebuild ? { rebuild: true } : {}),
      log,
    });
  } catch (error) {
    if (error instanceof LedgerTooNewError) fail(error.message);
    const unopenable = describeOpenFailure(error, dataDir);
    if (unopenable) fail(unopenable);
    const code = (error as { code?: unknown }).code;
    if (code === 'EADDRINUSE') {
      fail(
        `port ${portText ?? DEFAULT_PORT} is in use; pick another with --port (0 = any free port).`,
      );
    }
    fail(`could not start: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.off('SIGINT', earlyInt);
  process.off('SIGTERM', earlyTerm);
  const running = server;
  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: finishing the commit in flight and closing the ledger`);
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`gemlight: stopping failed: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  // Handlers first: a signal sent as soon as the lines appear must still stop cleanly.
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  if (pendingSignal) stop(pendingSignal);
  // Exactly these three lines go to stdout; scripts and tests read them.
  process.stdout.write(
    `ingest ${server.urls.ingest}\n` +
      `dashboard ${server.urls.dashboard}\n` +
      `overlay ${server.urls.overlay}\n`,
  );
  log(`data ${dataDir}`);
}

void main();
