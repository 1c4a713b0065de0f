import { describe, expect, it } from 'vitest';
import {
  allowedHostNames,
  contentSecurityPolicy,
  hostNameOf,
  originAllowed,
} from '../../electron/services/http/door';
import { secretMatches } from '../../electron/services/config/secrets';

describe('the door’s rules', () => {
  it('reads host names from Host headers, refusing malformed ones', () => {
    expect(hostNameOf('127.0.0.1:21280')).toBe('127.0.0.1');
    expect(hostNameOf('LOCALHOST:1')).toBe('localhost');
    expect(hostNameOf('[::1]:21280')).toBe('[::1]');
    expect(hostNameOf('[::1]')).toBe('[::1]');
    expect(hostNameOf(undefined)).toBeNull();
    expect(hostNameOf('')).toBeNull();
    expect(hostNameOf('a:b:c')).toBeNull();
    expect(hostNameOf('evil.com:80:80')).toBeNull();
    expect(hostNameOf('x'.repeat(400))).toBeNull();
  });

  it('allows loopback names, the bound address, and LAN addresses only with LAN on', () => {
    const local = allowedHostNames('127.0.0.1', false);
    expect([...local].sort()).toEqual(['127.0.0.1', '[::1]', 'localhost']);
    expect(allowedHostNames('0.0.0.0', false).has('0.0.0.0')).toBe(false);
    expect(allowedHostNames('::1', false).has('[::1]')).toBe(true);
    expect(allowedHostNames('192.168.7.9', false).has('192.168.7.9')).toBe(true);
  });

  it('accepts no Origin, our own origin and allow-listed ones, nothing else', () => {
    const names = allowedHostNames('127.0.0.1', false);
    expect(originAllowed(undefined, names, 21280, [])).toBe(true);
    expect(originAllowed('http://127.0.0.1:21280', names, 21280, [])).toBe(true);
    expect(originAllowed('http://localhost:21280', names, 21280, [])).toBe(true);
    expect(originAllowed('http://localhost:21281', names, 21280, [])).toBe(false);
    expect(originAllowed('https://127.0.0.1:21280', names, 21280, [])).toBe(false);
    expect(originAllowed('http://evil.example:21280', names, 21280, [])).toBe(false);
    expect(originAllowed('null', names, 21280, [])).toBe(false);
    expect(originAllowed('file://', names, 21280, [])).toBe(false);
    expect(originAllowed('https://tools.example', names, 21280, ['https://tools.example'])).toBe(
      true,
    );
  });

  it('compares secrets exactly, whatever their lengths', () => {
    expect(secretMatches('abcdefghijklmnop', 'abcdefghijklmnop')).toBe(true);
    expect(secretMatches('abcdefghijklmnoq', 'abcdefghijklmnop')).toBe(false);
    expect(secretMatches('abc', 'abcdefghijklmnop')).toBe(false);
    expect(secretMatches('', 'abcdefghijklmnop')).toBe(false);
    expect(secretMatches(null, 'abcdefghijklmnop')).toBe(false);
  });

  it('writes a CSP that allows TikTok images and our WebSocket, and no inline scripts', () => {
    const csp = contentSecurityPolicy('overlay', '127.0.0.1:21280');
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:21280");
    for (const host of [
      '*.tiktokcdn.com',
      '*.tiktokcdn-us.com',
      '*.tiktokcdn-eu.com',
      '*.ibyteimg.com',
    ]) {
      expect(csp).toContain(`https://${host}`);
    }
    expect(contentSecurityPolicy('dashboard', 'localhost:1')).toContain("frame-ancestors 'none'");
  });
});
