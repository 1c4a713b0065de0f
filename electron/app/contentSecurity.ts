/*
 * The dashboard's Content-Security-Policy, set as a response header on every response from the
 * app's origin (the services may send their own; the stricter of both applies in Chromium).
 */

/**
 * The policy: scripts only from the app itself; live data over the app's own WebSocket; gift and
 * avatar pictures from https hosts; styles may be inline because React and uPlot set style
 * attributes; frames only from the app (overlay previews). No plugins, base tag or form posts.
 */
export function contentSecurityPolicy(appOrigin: string): string {
  const ws = appOrigin.replace(/^http/, 'ws');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: https:",
    "font-src 'self' data:",
    `connect-src 'self' ${ws}`,
    "media-src 'self' data:",
    "object-src 'none'",
    // The dashboard previews the overlay pages (same origin) in frames.
    "frame-src 'self'",
    "worker-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    // Only the app's own pages may frame its pages (the overlay previews).
    "frame-ancestors 'self'",
  ].join('; ');
}

/** Response headers as Electron's webRequest hands them over. */
export type ResponseHeaders = Record<string, string | string[]>;

/**
 * Adds the policy to the response headers of the app's own pages; other URLs pass unchanged.
 * Any policy the page already had is kept too: a page must then satisfy both.
 */
export function withContentSecurityPolicy(
  url: string,
  headers: ResponseHeaders | undefined,
  appOrigin: string,
): ResponseHeaders {
  const copy: ResponseHeaders = { ...(headers ?? {}) };
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    return copy;
  }
  if (origin !== appOrigin) return copy;
  const key =
    Object.keys(copy).find((name) => name.toLowerCase() === 'content-security-policy') ??
    'Content-Security-Policy';
  const existing = copy[key];
  const previous = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
  copy[key] = [...previous, contentSecurityPolicy(appOrigin)];
  return copy;
}
