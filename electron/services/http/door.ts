import type { IncomingMessage } from 'node:http';
import { networkInterfaces } from 'node:os';
import { secretMatches, type Secrets } from '../config/secrets';

/**
 * Security at the door: which Host names and Origins are ours, and who a request is. Every HTTP
 * request and WebSocket upgrade passes through here before anything else runs.
 */

/** Who presented what. */
export type Access = 'token' | 'overlay' | 'none';

/** Cookie set when the dashboard is opened with a valid ?token=. */
export const TOKEN_COOKIE = 'gemlight_token';

const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/** The addresses of this machine's network interfaces (for LAN access). */
export function lanAddresses(): string[] {
  const out: string[] = [];
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal) continue;
      out.push(a.family === 'IPv6' ? `[${a.address}]` : a.address);
    }
  }
  return out;
}

/** Host names (no port) requests may address: loopback, the bound host, and LAN IPs when LAN is on. */
export function allowedHostNames(boundHost: string, lan: boolean): Set<string> {
  const names = new Set(LOOPBACK_NAMES);
  const bound = boundHost.includes(':') ? `[${boundHost}]` : boundHost;
  if (bound !== '0.0.0.0' && bound !== '[::]') names.add(bound.toLowerCase());
  if (lan) for (const a of lanAddresses()) names.add(a.toLowerCase());
  return names;
}

/** The host name of a Host header without its port, lower-cased; null when malformed. */
export function hostNameOf(header: string | undefined): string | null {
  if (!header || header.length > 300) return null;
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+)(?::(\d{1,5}))?$/.exec(header.trim());
  return m?.[1] ? m[1].toLowerCase() : null;
}

/** Whether the Host header names this server (the DNS-rebinding defence). */
export function hostAllowed(req: IncomingMessage, names: ReadonlySet<string>): boolean {
  const name = hostNameOf(req.headers.host);
  return name !== null && names.has(name);
}

/**
 * Whether a browser Origin may talk to us: none at all (OBS, native clients), our own pages on an
 * allowed host name and our port, or one the user put on the allow-list.
 */
export function originAllowed(
  origin: string | undefined,
  names: ReadonlySet<string>,
  port: number,
  allowList: readonly string[],
): boolean {
  if (origin === undefined) return true;
  if (allowList.includes(origin)) return true;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== 'http:') return false;
  const effectivePort = url.port === '' ? 80 : Number(url.port);
  return effectivePort === port && names.has(url.hostname.toLowerCase());
}

/** The bearer token of an Authorization header. */
function bearerOf(req: IncomingMessage): string | null {
  const h = req.headers.authorization;
  if (!h) return null;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  return m?.[1] ?? null;
}

/** The value of one cookie. */
export function cookieOf(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    if (part.slice(0, i).trim() === name) return decodeURIComponent(part.slice(i + 1).trim());
  }
  return null;
}

/**
 * Who the request is: the token (header, ?token= or the dashboard cookie) gives full access; the
 * overlay key (?key=) only overlay access.
 */
export function accessOf(req: IncomingMessage, url: URL, secrets: Secrets): Access {
  const candidates = [bearerOf(req), url.searchParams.get('token'), cookieOf(req, TOKEN_COOKIE)];
  for (const c of candidates) if (c !== null && secretMatches(c, secrets.token)) return 'token';
  const key = url.searchParams.get('key');
  if (key !== null && secretMatches(key, secrets.overlayKey)) return 'overlay';
  return 'none';
}

/** TikTok's image CDNs: avatars and gift pictures come from these. */
export const TIKTOK_IMAGE_HOSTS = [
  'https://*.tiktokcdn.com',
  'https://*.tiktokcdn-us.com',
  'https://*.tiktokcdn-eu.com',
  'https://*.ibyteimg.com',
];

/** The Content-Security-Policy of our pages. */
export function contentSecurityPolicy(kind: 'dashboard' | 'overlay', hostHeader: string): string {
  const ws = `ws://${hostHeader}`;
  return [
    "default-src 'self'",
    "script-src 'self'",
    `connect-src 'self' ${ws}`,
    `img-src 'self' data: ${TIKTOK_IMAGE_HOSTS.join(' ')}`,
    "media-src 'self'",
    // React and the overlay set element styles (positions, custom properties) at run time.
    "style-src 'self' 'unsafe-inline'",
    "font-src 'self' data:",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    kind === 'dashboard' ? "frame-src 'self'" : "frame-src 'none'",
    // The dashboard previews overlays in frames; nothing else may frame our pages.
    kind === 'dashboard' ? "frame-ancestors 'none'" : "frame-ancestors 'self'",
  ].join('; ');
}
