import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import pkg from '../../package.json';
import type { CommandName, OperationStatus, ParamsOf, ResultOf } from '../../shared/api';
import type { LiveMessage } from '../../shared/liveState';
import { AutoBackup } from './backup/auto';
import { lockDataDir } from './config/instanceLock';
import { loadSecrets } from './config/secrets';
import type { GemlightOptions, GemlightServer } from './contracts';
import { GemlightCore } from './core';
import { allowedHostNames, lanAddresses } from './http/door';
import { createHttpHandler, OVERLAY_WIDGETS } from './http/routes';
import { DEFAULT_RATE_LIMIT, SocketEndpoints, type RateLimit } from './http/sockets';
import { createSourceManager } from './sources/manager';

/** The default port of the local server. */
export const DEFAULT_PORT = 21280;
/** Gemlight's version, from package.json. */
export const VERSION: string = pkg.version;

/** A running Gemlight, plus what tests and benchmarks look at beyond the shared contract. */
export interface RunningGemlight extends GemlightServer {
  /** Transactions committed by the ingest pipeline and the records in them (group commit). */
  ingestStats(): { commits: number; records: number };
}

/** Extra knobs for tests and the headless runner, beyond the shared contract. */
export interface GemlightServerOptions extends GemlightOptions {
  /** Listen on the LAN (binds 0.0.0.0 unless a host is given); the setting `lanAccess` does too. */
  lan?: boolean;
  /** Regenerate the derived tables from the raw log before serving. */
  rebuild?: boolean;
  /** Per-connection /ingest frame budget. */
  ingestRateLimit?: RateLimit;
  /** Commit cadence: the least time between the end of one commit and the next (ms, default 2). */
  groupWindowMs?: number;
  /** Skip loading the sources (TikTok, TikFinity, simulator). */
  withoutSources?: boolean;
  /** Clock (tests). */
  now?: () => number;
  /** OBS watchdog interval and heartbeat staleness in ms (tests shorten them). */
  obsWatchdogMs?: number;
  obsStaleAfterMs?: number;
  /** Raw records per step of an API rebuild, and a hook awaited between steps (tests). */
  operationPageSize?: number;
  operationStep?: (status: OperationStatus) => Promise<void>;
}

async function loadSources(core: GemlightCore, log: (line: string) => void): Promise<void> {
  const manager = createSourceManager(core.sink, { now: core.now, log });
  core.attachSources(manager);
  try {
    await manager.configure(core.settings);
  } catch (error) {
    log(`sources: configuring failed: ${String(error)}`);
  }
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolveListen, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolveListen();
    });
  });
}

const urlHost = (host: string): string =>
  host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;

/** Starts Gemlight: ledger, ingest, live events, API and the web pages, on one port. */
export async function startGemlight(options: GemlightServerOptions): Promise<RunningGemlight> {
  const log = options.log ?? ((line: string) => process.stdout.write(line + '\n'));
  const secrets = loadSecrets(options.dataDir, {
    ...(options.token !== undefined ? { token: options.token } : {}),
    ...(options.overlayKey !== undefined ? { overlayKey: options.overlayKey } : {}),
  });
  // Before the ledger opens: a second Gemlight on the same folder is refused with a message.
  const releaseLock = lockDataDir(options.dataDir);
  let boundPort = 0;
  let baseUrl = '';
  let lanUrls: string[] = [];
  let core: GemlightCore;
  try {
    core = new GemlightCore({
      dataDir: options.dataDir,
      version: VERSION,
      ...(options.nativeBinding ? { nativeBinding: options.nativeBinding } : {}),
      ...(options.now ? { now: options.now } : {}),
      ...(options.groupWindowMs !== undefined ? { groupWindowMs: options.groupWindowMs } : {}),
      ...(options.obsWatchdogMs !== undefined ? { obsWatchdogMs: options.obsWatchdogMs } : {}),
      ...(options.obsStaleAfterMs !== undefined
        ? { obsStaleAfterMs: options.obsStaleAfterMs }
        : {}),
      ...(options.operationPageSize !== undefined
        ? { operationPageSize: options.operationPageSize }
        : {}),
      ...(options.operationStep ? { operationStep: options.operationStep } : {}),
      log,
      overlayInfo: () => ({
        key: secrets.overlayKey,
        baseUrl: `${baseUrl}/overlay`,
        widgets: [...OVERLAY_WIDGETS],
      }),
      appInfo: () => ({
        version: VERSION,
        dataDir: options.dataDir,
        ingestUrl: `${baseUrl.replace(/^http/, 'ws')}/ingest`,
        dashboardUrl: `${baseUrl}/dashboard`,
        token: secrets.token,
        lanUrls: lanUrls.map((u) => `${u}/dashboard`),
      }),
    });
  } catch (error) {
    releaseLock();
    throw error;
  }
  try {
    if (options.rebuild) {
      const { records } = core.rebuild();
      log(`rebuild: regenerated the ledger's derived tables from ${records} raw records`);
    }
    const lan = options.lan ?? core.settings.lanAccess;
    const host = options.host ?? (lan ? '0.0.0.0' : '127.0.0.1');
    const hostNames = allowedHostNames(host, lan);
    const webRoot = options.webRoot ?? resolve(import.meta.dirname, '../../out/renderer');
    const http = createServer(
      createHttpHandler({
        core,
        secrets,
        webRoot,
        hostNames: () => hostNames,
        port: () => boundPort,
        log,
      }),
    );
    http.headersTimeout = 20_000;
    http.requestTimeout = 60_000;
    const sockets = new SocketEndpoints(http, {
      core,
      secrets,
      hostNames: () => hostNames,
      port: () => boundPort,
      rateLimit: options.ingestRateLimit ?? DEFAULT_RATE_LIMIT,
      log,
    });
    await listen(http, options.port ?? DEFAULT_PORT, host);
    boundPort = (http.address() as AddressInfo).port;
    const shownHost = urlHost(host);
    baseUrl = `http://${shownHost}:${boundPort}`;
    lanUrls = lan ? lanAddresses().map((a) => `http://${a}:${boundPort}`) : [];
    const urls = {
      ingest: `ws://${shownHost}:${boundPort}/ingest`,
      dashboard: `${baseUrl}/dashboard?token=${secrets.token}`,
      overlay: `${baseUrl}/overlay/alerts?key=${secrets.overlayKey}`,
      health: `${baseUrl}/health`,
    };
    if (!options.withoutSources) await loadSources(core, log);
    // In the background: OBS may not be running yet, and the app must not wait for it.
    void core.startObs();

    // The daily backup (7 daily + 4 weekly kept), taken with SQLite's online backup.
    const autoBackup = new AutoBackup({
      db: core.db,
      dir: join(options.dataDir, 'backups'),
      log,
      ...(options.now ? { now: options.now } : {}),
    }).start();
    let stopping: Promise<void> | null = null;
    const server: RunningGemlight = {
      host,
      port: boundPort,
      token: secrets.token,
      overlayKey: secrets.overlayKey,
      urls,
      call: <K extends CommandName>(name: K, params: ParamsOf<K>): Promise<ResultOf<K>> =>
        core.call(name, params),
      onLive: (listener: (message: LiveMessage) => void) => core.onLive(listener),
      ingestStats: () => core.pipeline.stats(),
      stop: () => {
        stopping ??= (async () => {
          http.close();
          // Commit what is in flight and let its acks reach the sockets before closing them.
          core.pipeline.flush();
          await new Promise((r) => setImmediate(r));
          sockets.close();
          http.closeAllConnections();
          await autoBackup.stop();
          await core.close();
          releaseLock();
        })();
        return stopping;
      },
    };
    return server;
  } catch (error) {
    await core.close();
    releaseLock();
    throw error;
  }
}
