/**
 * One ingest target for the throughput benchmark, run in its own process (forked by ingest.ts):
 *  - gemlight: the real server (group commit, WAL, synchronous=FULL);
 *  - naive: the same schema, normalizer and ledger writer, one transaction (one fsync) per event;
 *  - ceiling: a bare `ws` server that parses each frame and acks every event, storing nothing.
 * It tells its parent `{ url, token }` once listening and stops on the message 'stop'. A second
 * argument names a folder for a CPU profile of the run (see answerParent).
 *
 * For the journal experiment (journal.ts), `gemlight:raw-log` and `gemlight:raw-text` run the real
 * server with its writer cut down to the raw log: each event is acked once its raw-log row is
 * committed and no derived row is built (`raw-text` also leaves out the normalized JSON). What the
 * app's own server would ack if the ack waited for the log alone; never what Gemlight ships.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { bundledCatalog } from '../../shared/catalog';
import { normalizeEvent } from '../../shared/normalize';
import type { IngestReply } from '../../shared/api';
import { startGemlight } from '../../electron/services/app';
import { openLedger } from '../../electron/services/ledger/db';
import { clientIdOf } from '../../electron/services/ingest/pipeline';
import { writerFromStoredSettings } from '../../electron/services/ledger/storedWriter';
import { LedgerWriter } from '../../electron/services/ledger/writer';
import { wsText } from '../../electron/services/http/wsText';
import { answerParent } from './targetProtocol';

/** Which server this process runs. */
export type IngestTarget = 'gemlight' | 'naive' | 'ceiling';

/** What the target tells its parent once it listens. */
export interface TargetReady {
  url: string;
  token: string;
}

/** What the target reports when told to stop. */
export interface TargetUsage {
  /** User + system CPU time of this process while the client ran (ms). */
  cpuMs: number;
}

/** What the journal experiment's cut-down servers keep of each event (see the header). */
export type RawLogOnly = 'raw-log' | 'raw-text';

const TOKEN = 'bench-token-0123456789abcdef0123456789abcdef';

/**
 * Cuts this process's ledger writers down to the raw log (the journal experiment): `append`
 * logs the record, with its normalized JSON or an empty string, and derives nothing.
 */
function ackAfterRawLog(keep: RawLogOnly): void {
  LedgerWriter.prototype.append = function (record, meta) {
    const event = keep === 'raw-log' ? JSON.stringify(record) : '';
    return this.logRaw(record, meta, event) ? [] : null;
  };
}

async function bareServer(
  onFrame: (items: unknown[]) => IngestReply[],
): Promise<{ url: string; close: () => void }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 1024 * 1024 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(wsText(data)) as unknown;
      } catch {
        ws.send(JSON.stringify({ type: 'error', id: null, code: 'invalid_json', message: 'bad' }));
        return;
      }
      const items = Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
      for (const r of onFrame(items)) ws.send(JSON.stringify(r));
    });
  });
  const { port } = wss.address() as AddressInfo;
  return { url: `ws://127.0.0.1:${port}/ingest`, close: () => wss.close() };
}

async function main(): Promise<void> {
  const [target, rawLogOnly] = (process.argv[2] ?? '').split(':') as [
    IngestTarget,
    RawLogOnly | undefined,
  ];
  if (rawLogOnly) ackAfterRawLog(rawLogOnly);
  const dataDir = mkdtempSync(join(tmpdir(), `gemlight-bench-${target}-`));
  let stop: () => Promise<void>;
  let ready: TargetReady;
  if (target === 'gemlight') {
    const server = await startGemlight({
      dataDir,
      port: 0,
      host: '127.0.0.1',
      token: TOKEN,
      withoutSources: true,
      webRoot: resolve(import.meta.dirname, '../../out/renderer'),
      // The abuse limit (200 frames/s per connection) is not what this measures.
      ingestRateLimit: { perSecond: 1_000_000, burst: 1_000_000 },
      log: () => undefined,
    });
    ready = { url: server.urls.ingest, token: TOKEN };
    stop = () => server.stop();
  } else if (target === 'naive') {
    const db = openLedger(join(dataDir, 'gemlight.db'));
    const { writer } = writerFromStoredSettings(db);
    let serial = 0;
    const bare = await bareServer((items) =>
      items.map((item): IngestReply => {
        const now = Date.now();
        const result = normalizeEvent(item, {
          now,
          catalog: bundledCatalog,
          origin: 'live',
          makeId: () => `naive-${++serial}`,
        });
        if (!result.ok) {
          return { type: 'error', id: clientIdOf(item), ...result.error };
        }
        if (result.value.kind !== 'event') return { type: 'ack', id: '', duplicate: false };
        const event = result.value.event;
        // One transaction, so one WAL fsync, per event: what a straightforward server does.
        const effects = db.transaction(() =>
          writer.append(event, { source: 'push', receivedAt: now, raw: JSON.stringify(item) }),
        )();
        return { type: 'ack', id: event.id, duplicate: effects === null };
      }),
    );
    ready = { url: bare.url, token: TOKEN };
    stop = () => {
      bare.close();
      db.close();
      return Promise.resolve();
    };
  } else {
    const bare = await bareServer((items) =>
      items.map((item): IngestReply => ({
        type: 'ack',
        id: clientIdOf(item) ?? '',
        duplicate: false,
      })),
    );
    ready = { url: bare.url, token: TOKEN };
    stop = () => {
      bare.close();
      return Promise.resolve();
    };
  }
  answerParent(
    ready,
    () => stop().finally(() => rmSync(dataDir, { recursive: true, force: true })),
    process.argv[3],
  );
}

void main();
