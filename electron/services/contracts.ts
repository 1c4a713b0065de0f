import type { CommandName, ParamsOf, ResultOf } from '../../shared/api';
import type { LiveMessage } from '../../shared/liveState';

/** How the app shell and `npm run serve` start Gemlight's services. */
export interface GemlightOptions {
  /** Folder holding the ledger, secrets, backups and settings. */
  dataDir: string;
  /** Default 21280; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Ingest/dashboard token; generated and kept in the data dir (mode 0600) when absent. */
  token?: string;
  /** Read-only overlay key; generated and kept like the token when absent. */
  overlayKey?: string;
  /** Folder of the built dashboard and overlay (default: out/renderer next to the app). */
  webRoot?: string;
  /** Path of a better-sqlite3 native binding built for this runtime (Electron passes its own). */
  nativeBinding?: string;
  /** Where start-up lines and warnings go (default: stdout). */
  log?: (line: string) => void;
}

/** A running Gemlight. */
export interface GemlightServer {
  readonly host: string;
  readonly port: number;
  readonly token: string;
  readonly overlayKey: string;
  readonly urls: { ingest: string; dashboard: string; overlay: string; health: string };
  /** Runs one API command in-process (the Electron IPC layer uses this). */
  call<K extends CommandName>(name: K, params: ParamsOf<K>): Promise<ResultOf<K>>;
  /** Every live message the server broadcasts (the tray title follows this). */
  onLive(listener: (message: LiveMessage) => void): () => void;
  /** Finishes the commit in flight, closes sockets and the database. */
  stop(): Promise<void>;
}

/** Implemented by electron/services/app.ts: `startGemlight(options): Promise<GemlightServer>`. */
export type StartGemlight = (options: GemlightOptions) => Promise<GemlightServer>;
