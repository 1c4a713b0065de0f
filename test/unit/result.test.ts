import { describe, expect, it } from 'vitest';
import { HTTP_ROUTES, type CommandName } from '../../shared/api';
import { countsAsEarnings } from '../../shared/events';
import { emptyLiveState, reduceLive, type LiveMessage } from '../../shared/liveState';
import { assertNever, err, fail, invariant, ok } from '../../shared/result';

describe('result', () => {
  it('builds ok and error results', () => {
    expect(ok(5)).toEqual({ ok: true, value: 5 });
    expect(err('x')).toEqual({ ok: false, error: 'x' });
    expect(fail('unknown_gift', 'no price')).toEqual({
      ok: false,
      error: { code: 'unknown_gift', message: 'no price' },
    });
  });

  it('assertNever and invariant throw with a message', () => {
    expect(() => assertNever('x' as never, 'thing')).toThrow('Unexpected thing: "x"');
    expect(() => invariant(false, 'must hold')).toThrow('Invariant failed: must hold');
    expect(() => invariant(1, 'fine')).not.toThrow();
  });

  it('the reducer refuses a message kind it does not know instead of ignoring it silently', () => {
    const bogus = { type: 'bogus' } as unknown as LiveMessage;
    expect(() => reduceLive(emptyLiveState(), bogus)).toThrow(/live message/);
  });
});

describe('events', () => {
  it('only live events count as earnings', () => {
    expect(countsAsEarnings({ origin: 'live' })).toBe(true);
    expect(countsAsEarnings({ origin: 'simulated' })).toBe(false);
    expect(countsAsEarnings({ origin: 'replay' })).toBe(false);
    expect(countsAsEarnings({ origin: 'test' })).toBe(false);
  });
});

describe('api routes', () => {
  it('every command has a distinct method and path', () => {
    const seen = new Set<string>();
    for (const name of Object.keys(HTTP_ROUTES) as CommandName[]) {
      const { method, path } = HTTP_ROUTES[name];
      expect(path).toMatch(/^\/(api\/|health)/);
      const key = `${method} ${path}`;
      expect(seen.has(key), key).toBe(false);
      seen.add(key);
    }
  });
});
