import { describe, expect, it } from 'vitest';
import type { CommandName, ParamsOf, ResultOf } from '../../shared/api';
import {
  createInvokeHandler,
  isTrustedSender,
  MAX_IPC_PARAMS_BYTES,
  toApiError,
  type CommandRunner,
} from '../../electron/app/ipcHandlers';

const ORIGIN = 'http://127.0.0.1:21280';
const PAGE = `${ORIGIN}/dashboard/`;

/** A stand-in for GemlightServer.call that records what reached it. */
function fakeServer(answer: (name: CommandName, params: unknown) => unknown): CommandRunner & {
  calls: { name: CommandName; params: unknown }[];
} {
  const calls: { name: CommandName; params: unknown }[] = [];
  return {
    calls,
    call<K extends CommandName>(name: K, params: ParamsOf<K>): Promise<ResultOf<K>> {
      calls.push({ name, params });
      try {
        return Promise.resolve(answer(name, params) as ResultOf<K>);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
    },
  };
}

describe('isTrustedSender', () => {
  it('accepts only pages of the app origin', () => {
    expect(isTrustedSender(PAGE, ORIGIN)).toBe(true);
    expect(isTrustedSender('http://127.0.0.1:21281/dashboard/', ORIGIN)).toBe(false);
    expect(isTrustedSender('https://evil.example/', ORIGIN)).toBe(false);
    expect(isTrustedSender('file:///etc/passwd', ORIGIN)).toBe(false);
    expect(isTrustedSender('not a url', ORIGIN)).toBe(false);
    expect(isTrustedSender(undefined, ORIGIN)).toBe(false);
  });
});

describe('invoke handler', () => {
  it('runs a valid command and returns its result as data', async () => {
    const server = fakeServer(() => ({ ok: true, version: '0.1.0' }));
    const handle = createInvokeHandler(server, ORIGIN);
    const reply = await handle(PAGE, { name: 'health.get', params: {} });
    expect(reply).toEqual({ ok: true, value: { ok: true, version: '0.1.0' } });
    expect(server.calls).toEqual([{ name: 'health.get', params: {} }]);
  });

  it('treats missing params as an empty object', async () => {
    const server = fakeServer(() => []);
    await createInvokeHandler(server, ORIGIN)(PAGE, { name: 'rates.list' });
    expect(server.calls).toEqual([{ name: 'rates.list', params: {} }]);
  });

  it('refuses a sender from another origin without calling the services', async () => {
    const server = fakeServer(() => 'x');
    const reply = await createInvokeHandler(server, ORIGIN)('https://evil.example/', {
      name: 'backup.restore',
      params: { file: 'x' },
    });
    expect(reply).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(server.calls).toHaveLength(0);
  });

  it.each([
    ['a non-object', 'health.get'],
    ['null', null],
    ['an unknown command', { name: 'fs.readFile', params: {} }],
    ['a prototype key as command', { name: '__proto__', params: {} }],
    ['an extra key', { name: 'health.get', params: {}, extra: 1 }],
    ['params as an array', { name: 'health.get', params: [1, 2] }],
    ['params as a string', { name: 'health.get', params: 'x' }],
  ])('refuses %s as invalid_request', async (_what, raw) => {
    const server = fakeServer(() => 'x');
    const reply = await createInvokeHandler(server, ORIGIN)(PAGE, raw);
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(reply.error.code).toBe('invalid_request');
    expect(server.calls).toHaveLength(0);
  });

  it('refuses params that are not JSON data or are too large', async () => {
    const server = fakeServer(() => 'x');
    const handle = createInvokeHandler(server, ORIGIN);
    const big = await handle(PAGE, {
      name: 'settings.update',
      params: { locale: 'x'.repeat(MAX_IPC_PARAMS_BYTES) },
    });
    expect(big).toMatchObject({ ok: false, error: { code: 'too_large' } });
    const bigint = await handle(PAGE, { name: 'sessions.get', params: { id: 1n } });
    expect(bigint).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(server.calls).toHaveLength(0);
  });

  it('passes params as plain JSON copies (no prototypes, no functions)', async () => {
    const server = fakeServer(() => ({ deleted: true }));
    class Sneaky {
      id = 'w1';
      get extra(): string {
        return 'computed';
      }
    }
    await createInvokeHandler(server, ORIGIN)(PAGE, {
      name: 'withdrawals.delete',
      params: { id: 'w1', when: new Date(0), nested: new Sneaky() },
    });
    const params = server.calls[0]?.params as Record<string, unknown>;
    expect(params).toEqual({ id: 'w1', when: '1970-01-01T00:00:00.000Z', nested: { id: 'w1' } });
    expect(Object.getPrototypeOf(params.nested)).toBe(Object.prototype);
  });

  it('keeps a domain error and hides anything else behind internal', async () => {
    const lines: string[] = [];
    const domain = createInvokeHandler(
      fakeServer(() => {
        throw Object.assign(new Error('No session is open.'), { code: 'no_session' });
      }),
      ORIGIN,
      (l) => lines.push(l),
    );
    expect(await domain(PAGE, { name: 'sessions.end', params: {} })).toEqual({
      ok: false,
      error: { code: 'no_session', message: 'No session is open.' },
    });
    const crash = createInvokeHandler(
      fakeServer(() => {
        throw new TypeError('db.prepare is not a function at /home/user/secret/path.ts:12');
      }),
      ORIGIN,
      (l) => lines.push(l),
    );
    const reply = await crash(PAGE, { name: 'sessions.current', params: {} });
    expect(reply).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(JSON.stringify(reply)).not.toContain('secret');
    // The details go to the log, not to the page.
    expect(lines.some((l) => l.includes('db.prepare is not a function'))).toBe(true);
  });
});

describe('toApiError', () => {
  it('accepts only known codes with a string message', () => {
    expect(toApiError({ code: 'not_found', message: 'No such session.' })).toEqual({
      code: 'not_found',
      message: 'No such session.',
    });
    expect(toApiError({ code: 'EACCES', message: 'permission denied /x' }).code).toBe('internal');
    expect(toApiError({ code: 'not_found', message: 42 }).code).toBe('internal');
    expect(toApiError('boom').code).toBe('internal');
    expect(toApiError(null).code).toBe('internal');
  });
});
