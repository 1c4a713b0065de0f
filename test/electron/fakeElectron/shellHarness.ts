import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/*
 * Runs electron/app/main.ts under Node with `electron` resolved to the fake in this folder, and
 * talks to the fake over the child-process channel. Used by the shell tests.
 */

const root = resolve(import.meta.dirname, '../../..');

/** What the fake Electron reports about the shell. */
export interface Report {
  paths: Record<string, string>;
  sandboxEnabled: boolean;
  lockRequested: boolean;
  tray: {
    icon: string;
    tooltip: string;
    hookTitle: string | null;
    menu: string[];
    destroyed: boolean;
  };
  windows: {
    webPreferences: Record<string, unknown>;
    shown: boolean;
    load: { url: string; status: number; headers: Record<string, string[]> } | null;
    openDecision: { action: string } | null;
  }[];
  notifications: { title: string; body: string }[];
  clipboard: string;
  ipcChannels: string[];
  urls: { ingest: string; dashboard: string; overlay: string; health: string } | null;
  token: string | null;
}

/** A running shell. */
export interface Shell {
  child: ChildProcess;
  userData: string;
  output(): string;
  exited: Promise<number | null>;
  /** Kills the shell if still running and removes its data folder. */
  dispose(): Promise<void>;
}

let nextId = 1;

/** Sends a command to the fake Electron in the child and waits for its answer. */
export function ask<T>(child: ChildProcess, command: Record<string, unknown>): Promise<T> {
  const id = nextId++;
  return new Promise((done, fail) => {
    const onMessage = (message: { id: number; value?: T; error?: string }): void => {
      if (message.id !== id) return;
      child.off('message', onMessage);
      if (message.error) fail(new Error(message.error));
      else done(message.value as T);
    };
    child.on('message', onMessage);
    child.send({ ...command, id });
  });
}

/** Polls `read` until `accept` holds (at most ~10 s); returns the accepted value. */
export async function until<T>(
  read: () => Promise<T>,
  accept: (v: T) => boolean,
  what: string,
): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < 100; i++) {
    last = await read();
    if (accept(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out waiting for ${what}; last: ${JSON.stringify(last)}`);
}

/** Starts the shell in a fresh data folder and waits until it is ready or has given up. */
export async function startShell(
  options: { args?: string[]; env?: Record<string, string> } = {},
): Promise<Shell> {
  const userData = mkdtempSync(join(tmpdir(), 'gemlight-shell-'));
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      '--import',
      join(import.meta.dirname, 'register.mjs'),
      'electron/app/main.ts',
      ...(options.args ?? []),
    ],
    {
      cwd: root,
      env: {
        ...process.env,
        GEMLIGHT_USER_DATA: userData,
        GEMLIGHT_PORT: '0',
        GEMLIGHT_TEST_HOOKS: '1',
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  let output = '';
  const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
  child.stdout?.on('data', (d: Buffer) => (output += d.toString('utf8')));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString('utf8')));
  let gone = false;
  void exited.then(() => (gone = true));
  await until(
    () => Promise.resolve(output),
    (o) => o.includes('[gemlight] Ready:') || o.includes('Could not start') || gone,
    'the shell to start',
  );
  return {
    child,
    userData,
    output: () => output,
    exited,
    async dispose() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(userData, { recursive: true, force: true });
    },
  };
}
