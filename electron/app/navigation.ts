/*
 * Where the dashboard window may go. Plain functions over URLs plus a wiring function that takes a
 * structural WebContents, so the tests run without Electron.
 */

/** What to do with a navigation or `window.open` request. */
export type NavigationDecision = 'allow' | 'open-external' | 'deny';

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/**
 * Whether a link is safe to hand to the default browser: https only, no credentials in it.
 * Everything else (file:, javascript:, custom schemes, plain http) is refused.
 */
export function isExternalLink(url: string): boolean {
  const target = parse(url);
  return target !== null && target.protocol === 'https:' && !target.username && !target.password;
}

/** In-window navigation: same origin stays, https goes to the browser, the rest is refused. */
export function decideNavigation(url: string, appOrigin: string): NavigationDecision {
  const target = parse(url);
  if (!target) return 'deny';
  if (
    target.origin === appOrigin &&
    (target.protocol === 'http:' || target.protocol === 'https:')
  ) {
    return 'allow';
  }
  return isExternalLink(url) ? 'open-external' : 'deny';
}

/** `window.open` never makes an app window: https opens in the browser, the rest is refused. */
export function decideWindowOpen(url: string): Exclude<NavigationDecision, 'allow'> {
  return isExternalLink(url) ? 'open-external' : 'deny';
}

/** The slice of Electron's WebContents the guard needs. */
export interface GuardedContents {
  on(
    event: 'will-navigate' | 'will-redirect',
    listener: (event: { preventDefault(): void; url: string }, url: string) => void,
  ): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/**
 * Guards a window's contents: navigations off the app origin are stopped (https ones open in the
 * default browser), `window.open` never creates a window, and webviews are never attached.
 */
export function guardContents(
  contents: GuardedContents,
  appOrigin: string,
  openExternal: (url: string) => void,
): void {
  const onNavigate = (event: { preventDefault(): void; url: string }, legacyUrl: string): void => {
    // Electron puts the URL on the event; the positional argument is its deprecated older form.
    const url = event.url || legacyUrl;
    const decision = decideNavigation(url, appOrigin);
    if (decision === 'allow') return;
    event.preventDefault();
    if (decision === 'open-external') openExternal(url);
  };
  contents.on('will-navigate', onNavigate);
  contents.on('will-redirect', onNavigate);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (decideWindowOpen(url) === 'open-external') openExternal(url);
    return { action: 'deny' };
  });
}

/** Permissions the dashboard may use: only writing to the clipboard (copy the overlay URL). */
const GRANTED_PERMISSIONS: ReadonlySet<string> = new Set(['clipboard-sanitized-write']);

/** Decides a permission request: only the app origin, only the granted list. */
export function decidePermission(
  permission: string,
  requestingUrl: string,
  appOrigin: string,
): boolean {
  const from = parse(requestingUrl);
  return from !== null && from.origin === appOrigin && GRANTED_PERMISSIONS.has(permission);
}
