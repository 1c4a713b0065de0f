import { resolve } from 'node:path';
import { runInNewContext } from 'node:vm';
import { build, type Rollup } from 'vite';
import { beforeAll, describe, expect, it } from 'vitest';
import type { GemlightBridge } from '../../electron/app/bridge-types';

/*
 * The preload as Electron's sandbox runs it: bundled to CommonJS the way electron.vite.config.ts
 * does, then evaluated in a fresh context whose `require` knows only 'electron' (a sandboxed
 * preload gets nothing else), with a fake ipcRenderer and contextBridge.
 */

const root = resolve(import.meta.dirname, '../..');
let code = '';

beforeAll(async () => {
  const result = await build({
    configFile: false,
    root,
    logLevel: 'silent',
    build: {
      write: false,
      ssr: resolve(root, 'electron/app/preload.ts'),
      rollupOptions: {
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]) as Rollup.RollupOutput[];
  const chunk = outputs.flatMap((o) => o.output).find((o) => o.type === 'chunk');
  if (!chunk || chunk.type !== 'chunk') throw new Error('no preload chunk');
  code = chunk.code;
});

interface Fake {
  exposed: Map<string, unknown>;
  sent: { channel: string; value: unknown }[];
  invoked: { channel: string; payload: unknown }[];
  emit(channel: string, message: unknown): void;
  reply: unknown;
  required: string[];
}

function loadPreload(): { bridge: GemlightBridge; fake: Fake } {
  const listeners = new Map<string, ((event: unknown, message: unknown) => void)[]>();
  const fake: Fake = {
    exposed: new Map(),
    sent: [],
    invoked: [],
    reply: null,
    required: [],
    emit(channel, message) {
      for (const l of listeners.get(channel) ?? []) l({}, message);
    },
  };
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => fake.exposed.set(key, api) },
    ipcRenderer: {
      on: (channel: string, l: (event: unknown, message: unknown) => void) =>
        listeners.set(channel, [...(listeners.get(channel) ?? []), l]),
      send: (channel: string, value: unknown) => fake.sent.push({ channel, value }),
      invoke: (channel: string, payload: unknown) => {
        fake.invoked.push({ channel, payload });
        return Promise.resolve(fake.reply);
      },
    },
  };
  const module = { exports: {} };
  runInNewContext(code, {
    module,
    exports: module.exports,
    require: (name: string) => {
      fake.required.push(name);
      if (name === 'electron') return electron;
      throw new Error(`a sandboxed preload cannot require ${name}`);
    },
  });
  const bridge = fake.exposed.get('gemlight') as GemlightBridge;
  return { bridge, fake };
}

describe('preload (sandboxed, CommonJS)', () => {
  it('requires only electron and exposes one object with invoke and onLive', () => {
    const { fake } = loadPreload();
    expect(code).not.toMatch(/^\s*(import|export)\s/m);
    expect([...new Set(fake.required)]).toEqual(['electron']);
    expect([...fake.exposed.keys()]).toEqual(['gemlight']);
    expect(Object.keys(fake.exposed.get('gemlight') as object).sort()).toEqual([
      'invoke',
      'onLive',
    ]);
  });

  it('sends commands as data and resolves results or rejects with {code, message}', async () => {
    const { bridge, fake } = loadPreload();
    fake.reply = { ok: true, value: { ok: true, version: '1.2.3' } };
    await expect(bridge.invoke('health.get', {})).resolves.toEqual({ ok: true, version: '1.2.3' });
    expect(fake.invoked).toEqual([
      { channel: 'gemlight:invoke', payload: { name: 'health.get', params: {} } },
    ]);

    fake.reply = { ok: false, error: { code: 'no_session', message: 'No session is open.' } };
    const thrown: unknown = await bridge.invoke('sessions.end', {}).catch((e: unknown) => e);
    expect(thrown).toEqual({ code: 'no_session', message: 'No session is open.' });
  });

  it('subscribes to live messages, asks for a snapshot per listener and unsubscribes', () => {
    const { bridge, fake } = loadPreload();
    const a: unknown[] = [];
    const b: unknown[] = [];
    const offA = bridge.onLive((m) => a.push(m));
    const offB = bridge.onLive((m) => b.push(m));
    expect(fake.sent).toEqual([
      { channel: 'gemlight:live-subscribe', value: true },
      { channel: 'gemlight:live-subscribe', value: true },
    ]);
    fake.emit('gemlight:live', { type: 'viewers', count: 3 });
    offA();
    fake.emit('gemlight:live', { type: 'viewers', count: 4 });
    expect(a).toEqual([{ type: 'viewers', count: 3 }]);
    expect(b).toEqual([
      { type: 'viewers', count: 3 },
      { type: 'viewers', count: 4 },
    ]);
    expect(fake.sent).toHaveLength(2);
    offB();
    expect(fake.sent.at(-1)).toEqual({ channel: 'gemlight:live-subscribe', value: false });
  });
});
