import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { HTTP_ROUTES, type CommandName } from '../../../shared/api';
import type { ErrorCode } from '../../../shared/result';
import { assertNever } from '../../../shared/result';
import type { Secrets } from '../config/secrets';
import { ApiFailure, type GemlightCore } from '../core';
import { exportGiftsPage } from '../ledger/queries';
import {
  accessOf,
  contentSecurityPolicy,
  hostAllowed,
  originAllowed,
  TOKEN_COOKIE,
  type Access,
} from './door';

/** Largest JSON body the API reads. */
const MAX_BODY = 1024 * 1024;
/** A sound upload carries its file as base64 (2 MiB of audio ≈ 2.7 MiB of text). */
const MAX_UPLOAD_BODY = 4 * 1024 * 1024;

/** Overlay widgets served at /overlay/<name>. */
export const OVERLAY_WIDGETS = ['alerts', 'leaderboard', 'goal', 'all'] as const;

/** The HTTP status of each error code. */
export function statusOf(code: ErrorCode): number {
  switch (code) {
    case 'invalid_json':
    case 'invalid_event':
    case 'unknown_gift':
    case 'invalid_request':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
    case 'no_session':
      return 404;
    case 'conflict':
      return 409;
    case 'too_large':
      return 413;
    case 'rate_limited':
      return 429;
    case 'storage_full':
      return 507;
    case 'internal':
      return 500;
    default:
      return assertNever(code, 'error code');
  }
}

/** What the HTTP handler needs. */
export interface HttpDeps {
  core: GemlightCore;
  secrets: Secrets;
  webRoot: string;
  hostNames: () => ReadonlySet<string>;
  port: () => number;
  log: (line: string) => void;
}

interface CompiledRoute {
  name: CommandName;
  method: string;
  pattern: RegExp;
  keys: string[];
}

function compileRoutes(): CompiledRoute[] {
  const routes = (Object.keys(HTTP_ROUTES) as CommandName[]).map((name) => {
    const { method, path } = HTTP_ROUTES[name];
    const keys: string[] = [];
    const source = path
      .split('/')
      .map((part) => {
        if (!part.startsWith(':')) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        keys.push(part.slice(1));
        return '([^/]+)';
      })
      .join('/');
    return { name, method, pattern: new RegExp(`^${source}$`), keys };
  });
  // Literal paths (/api/sessions/current) before parameterised ones (/api/sessions/:id).
  return routes.sort((a, b) => a.keys.length - b.keys.length);
}

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Resource-Policy': 'same-origin',
} as const;

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'application/json; charset=utf-8',
    'Cache-Control': 'no-store',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

function sendError(res: ServerResponse, code: ErrorCode, message: string): void {
  sendJson(res, statusOf(code), { code, message });
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

function readBody(
  req: IncomingMessage,
  limit = MAX_BODY,
  tooLarge = 'The request body is larger than 1 MiB.',
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new ApiFailure('too_large', tooLarge));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve({});
      try {
        resolve(JSON.parse(text) as unknown);
      } catch {
        reject(new ApiFailure('invalid_json', 'The request body is not valid JSON.'));
      }
    });
    req.on('error', reject);
  });
}

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.mp3': 'audio/mpeg',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
  '.map': 'application/json; charset=utf-8',
};

const csvCell = (value: string | number): string => {
  let text = String(value);
  // Viewer names are hostile: keep spreadsheets from reading them as formulas.
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** Creates the request handler of the HTTP server. */
export function createHttpHandler(
  deps: HttpDeps,
): (req: IncomingMessage, res: ServerResponse) => void {
  const routes = compileRoutes();

  function serveFile(
    res: ServerResponse,
    file: string,
    headers: Record<string, string>,
    missing: () => void,
  ): void {
    let st;
    try {
      st = statSync(file);
    } catch {
      return missing();
    }
    if (!st.isFile()) return missing();
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': st.size,
      ...headers,
    });
    createReadStream(file).pipe(res);
  }

  const webMissing = (res: ServerResponse): void =>
    sendText(
      res,
      503,
      'The dashboard and overlay pages are not built yet. Run `npm run build` (or start with `npm run serve`, which builds them), then reload.',
    );

  function servePage(
    req: IncomingMessage,
    res: ServerResponse,
    kind: 'dashboard' | 'overlay',
    extra: Record<string, string> = {},
  ): void {
    const file =
      kind === 'dashboard'
        ? join(deps.webRoot, 'renderer', 'index.html')
        : join(deps.webRoot, 'overlay', 'index.html');
    if (!existsSync(file)) return webMissing(res);
    serveFile(
      res,
      file,
      {
        'Content-Security-Policy': contentSecurityPolicy(kind, req.headers.host ?? ''),
        'Cache-Control': 'no-store',
        ...(kind === 'dashboard' ? { 'X-Frame-Options': 'DENY' } : {}),
        ...extra,
      },
      () => webMissing(res),
    );
  }

  function serveAsset(res: ServerResponse, path: string): void {
    const root = join(deps.webRoot, 'assets');
    let rel: string;
    try {
      rel = decodeURIComponent(path.slice('/assets/'.length));
    } catch {
      return sendError(res, 'not_found', 'No such file.');
    }
    const file = normalize(join(root, rel));
    if (!file.startsWith(root + sep) || rel.includes('\0')) {
      return sendError(res, 'not_found', 'No such file.');
    }
    serveFile(res, file, { 'Cache-Control': 'public, max-age=31536000, immutable' }, () =>
      existsSync(deps.webRoot) ? sendError(res, 'not_found', 'No such file.') : webMissing(res),
    );
  }

  async function exportCsv(res: ServerResponse, url: URL): Promise<void> {
    const num = (name: string): number | undefined | 'bad' => {
      const v = url.searchParams.get(name);
      if (v === null || v === '') return undefined;
      return /^\d{1,16}$/.test(v) ? Number(v) : 'bad';
    };
    const from = num('from');
    const to = num('to');
    if (from === 'bad' || to === 'bad') {
      return sendError(res, 'invalid_request', 'from and to are times in ms since the epoch.');
    }
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': 'attachment; filename="gemlight-gifts.csv"',
      'Cache-Control': 'no-store',
    });
    res.write(
      'time,last_update,session_id,user_id,handle,name,gift_id,gift_name,coins_each,count,coins\r\n',
    );
    let after: { firstAt: number; id: number } | null = null;
    // Page by page, yielding between pages, so a large export never stalls ingest.
    for (;;) {
      if (res.destroyed) return;
      const rows = exportGiftsPage(
        deps.core.db,
        { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) },
        after,
        2000,
      );
      let chunk = '';
      for (const g of rows) {
        chunk +=
          [
            new Date(g.first_at).toISOString(),
            new Date(g.last_at).toISOString(),
            g.session_id,
            g.user_id,
            g.handle ?? '',
            g.name ?? '',
            g.gift_id,
            g.gift_name,
            g.coins_each,
            g.count,
            g.coins,
          ]
            .map(csvCell)
            .join(',') + '\r\n';
      }
      const last = rows[rows.length - 1];
      if (!last) break;
      after = { firstAt: last.first_at, id: last.id };
      if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
      else await new Promise((r) => setImmediate(r));
    }
    res.end();
  }

  async function api(req: IncomingMessage, res: ServerResponse, url: URL, access: Access) {
    if (access !== 'token') {
      return sendError(res, 'unauthorized', 'This needs the Gemlight token.');
    }
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD') {
      // Browsers cannot send a cross-site JSON body without a preflight we never answer.
      const type = req.headers['content-type'] ?? '';
      const hasBody =
        Number(req.headers['content-length'] ?? '0') > 0 || req.headers['transfer-encoding'];
      if (hasBody && !/^application\/json\b/i.test(type)) {
        return sendError(res, 'invalid_request', 'Send the body as application/json.');
      }
    }
    if (url.pathname === '/api/export.csv' && method === 'GET') return await exportCsv(res, url);
    for (const route of routes) {
      const m = route.pattern.exec(url.pathname);
      if (!m) continue;
      if (route.method !== method) continue;
      let params: Record<string, unknown>;
      if (method === 'GET' || method === 'DELETE') {
        params = {};
        for (const [k, v] of url.searchParams) if (k !== 'token') params[k] = v;
      } else {
        const body =
          route.name === 'sounds.upload'
            ? await readBody(
                req,
                MAX_UPLOAD_BODY,
                'The sound file is larger than 2 MiB. Use a shorter clip.',
              )
            : await readBody(req);
        if (typeof body !== 'object' || body === null || Array.isArray(body)) {
          throw new ApiFailure('invalid_request', 'The body must be a JSON object.');
        }
        params = { ...(body as Record<string, unknown>) };
      }
      route.keys.forEach((key, i) => {
        try {
          params[key] = decodeURIComponent(m[i + 1] ?? '');
        } catch {
          params[key] = '';
        }
      });
      const result = await deps.core.call(route.name, params);
      return sendJson(res, 200, result);
    }
    const known = routes.some((r) => r.pattern.test(url.pathname));
    return known
      ? sendError(res, 'not_found', `${method} is not supported here.`)
      : sendError(res, 'not_found', 'There is no such API endpoint.');
  }

  return (req, res) => {
    void (async () => {
      try {
        if (!hostAllowed(req, deps.hostNames())) {
          return sendError(res, 'forbidden', 'This host name is not served here.');
        }
        const url = new URL(req.url ?? '/', 'http://localhost');
        const origin = req.headers.origin;
        if (
          origin !== undefined &&
          req.method !== 'GET' &&
          req.method !== 'HEAD' &&
          !originAllowed(origin, deps.hostNames(), deps.port(), deps.core.settings.allowedOrigins)
        ) {
          return sendError(res, 'forbidden', 'Requests from this origin are not allowed.');
        }
        const access = accessOf(req, url, deps.secrets);
        const path = url.pathname;
        if (path === '/health') {
          return sendJson(res, 200, await deps.core.call('health.get', {}));
        }
        if (path.startsWith('/api/')) return await api(req, res, url, access);
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          return sendError(res, 'not_found', 'Not found.');
        }
        if (path === '/' || path === '/dashboard' || path === '/dashboard/') {
          if (path === '/') {
            res.writeHead(302, { ...SECURITY_HEADERS, Location: '/dashboard' });
            return res.end();
          }
          const given = url.searchParams.get('token');
          const extra: Record<string, string> =
            given !== null && access === 'token'
              ? {
                  'Set-Cookie': `${TOKEN_COOKIE}=${encodeURIComponent(given)}; HttpOnly; SameSite=Strict; Path=/`,
                }
              : {};
          return servePage(req, res, 'dashboard', extra);
        }
        const overlay = /^\/overlay\/([a-z]+)\/?$/.exec(path);
        if (overlay) {
          if (!(OVERLAY_WIDGETS as readonly string[]).includes(overlay[1] ?? '')) {
            return sendError(res, 'not_found', 'There is no such overlay.');
          }
          if (access === 'none') {
            return sendError(res, 'unauthorized', 'Open the overlay with its ?key= from Gemlight.');
          }
          return servePage(req, res, 'overlay');
        }
        if (path.startsWith('/assets/')) return serveAsset(res, path);
        const sound = /^\/media\/sounds\/([^/]+)$/.exec(path);
        if (sound) {
          // Overlay pages load their alert sound with the overlay key, like the page itself.
          if (access === 'none') {
            return sendError(res, 'unauthorized', 'Load sounds with the overlay ?key=.');
          }
          const file = deps.core.sounds.pathOf(sound[1] ?? '');
          const missing = () => sendError(res, 'not_found', 'There is no such sound.');
          if (!file) return missing();
          return serveFile(res, file, { 'Cache-Control': 'private, max-age=3600' }, missing);
        }
        return sendError(res, 'not_found', 'Not found.');
      } catch (error) {
        if (error instanceof ApiFailure) return sendError(res, error.code, error.message);
        deps.log(`http: ${req.method} ${req.url?.split('?')[0]} failed: ${String(error)}`);
        if (!res.headersSent) sendError(res, 'internal', 'Something went wrong inside Gemlight.');
        else res.destroy();
      }
    })();
  };
}
