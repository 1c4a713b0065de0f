import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  withContentSecurityPolicy,
} from '../../electron/app/contentSecurity';
import {
  decideNavigation,
  decidePermission,
  decideWindowOpen,
  guardContents,
  isExternalLink,
  type GuardedContents,
} from '../../electron/app/navigation';
import { dashboardWindowOptions } from '../../electron/app/windowOptions';

const ORIGIN = 'http://127.0.0.1:21280';

describe('navigation decisions', () => {
  it('keeps the app origin in the window', () => {
    expect(decideNavigation(`${ORIGIN}/dashboard/#/sessions`, ORIGIN)).toBe('allow');
    expect(decideNavigation(`${ORIGIN}/`, ORIGIN)).toBe('allow');
  });

  it('sends https elsewhere to the browser and refuses everything else', () => {
    expect(decideNavigation('https://www.tiktok.com/@creator', ORIGIN)).toBe('open-external');
    expect(decideNavigation('http://127.0.0.1:21281/', ORIGIN)).toBe('deny');
    expect(decideNavigation('http://example.com/', ORIGIN)).toBe('deny');
    expect(decideNavigation('file:///etc/passwd', ORIGIN)).toBe('deny');
    expect(decideNavigation('javascript:alert(1)', ORIGIN)).toBe('deny');
    expect(decideNavigation('data:text/html,<h1>x</h1>', ORIGIN)).toBe('deny');
    expect(decideNavigation('ms-settings:privacy', ORIGIN)).toBe('deny');
    expect(decideNavigation('not a url', ORIGIN)).toBe('deny');
  });

  it('refuses https links that carry credentials', () => {
    expect(isExternalLink('https://user:pw@example.com/')).toBe(false);
    expect(isExternalLink('https://example.com/path?q=1')).toBe(true);
  });

  it('never opens an app window', () => {
    expect(decideWindowOpen(`${ORIGIN}/dashboard/`)).toBe('deny');
    expect(decideWindowOpen('https://example.com/')).toBe('open-external');
    expect(decideWindowOpen('file:///C:/Windows/System32/calc.exe')).toBe('deny');
  });
});

/** A stand-in WebContents that records listeners and lets the test fire them. */
function fakeContents(): GuardedContents & {
  fire(event: string, url: string): boolean;
  open(url: string): { action: string } | undefined;
} {
  const listeners = new Map<
    string,
    (event: { preventDefault(): void; url: string }, url: string) => void
  >();
  let openHandler: ((details: { url: string }) => { action: 'deny' }) | undefined;
  return {
    on(
      event: string,
      listener: (event: { preventDefault(): void; url: string }, url: string) => void,
    ) {
      listeners.set(event, listener);
      return this;
    },
    setWindowOpenHandler(handler) {
      openHandler = handler;
    },
    fire(event, url) {
      let prevented = false;
      listeners.get(event)?.({ preventDefault: () => (prevented = true), url }, url);
      return prevented;
    },
    open: (url) => openHandler?.({ url }),
  };
}

describe('guardContents', () => {
  it('stops foreign navigations, opens https externally and denies every window.open', () => {
    const contents = fakeContents();
    const opened: string[] = [];
    guardContents(contents, ORIGIN, (url) => opened.push(url));

    expect(contents.fire('will-navigate', `${ORIGIN}/dashboard/`)).toBe(false);
    expect(contents.fire('will-navigate', 'https://example.com/a')).toBe(true);
    expect(contents.fire('will-navigate', 'file:///etc/hosts')).toBe(true);
    expect(contents.fire('will-redirect', 'http://evil.example/')).toBe(true);
    expect(contents.fire('will-attach-webview', 'x')).toBe(true);
    expect(contents.open('https://example.com/b')).toEqual({ action: 'deny' });
    expect(contents.open(`${ORIGIN}/dashboard/`)).toEqual({ action: 'deny' });
    expect(contents.open('smb://server/share')).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://example.com/a', 'https://example.com/b']);
  });
});

describe('guardContents with the URL on the event only', () => {
  it('reads the URL from the event (the positional one is deprecated)', () => {
    let listener:
      ((event: { preventDefault(): void; url: string }, url: string) => void) | undefined;
    const contents: GuardedContents = {
      on(event: string, l: (event: { preventDefault(): void; url: string }, url: string) => void) {
        if (event === 'will-navigate') listener = l;
        return this;
      },
      setWindowOpenHandler() {},
    };
    const opened: string[] = [];
    guardContents(contents, ORIGIN, (url) => opened.push(url));
    let prevented = false;
    listener?.({ preventDefault: () => (prevented = true), url: 'https://example.com/e' }, '');
    expect(prevented).toBe(true);
    expect(opened).toEqual(['https://example.com/e']);
  });
});

describe('permissions', () => {
  it('grants only clipboard writes, only to the app origin', () => {
    expect(decidePermission('clipboard-sanitized-write', `${ORIGIN}/dashboard/`, ORIGIN)).toBe(
      true,
    );
    expect(decidePermission('clipboard-sanitized-write', 'https://evil.example/', ORIGIN)).toBe(
      false,
    );
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'openExternal',
      'clipboard-read',
      'hid',
    ]) {
      expect(decidePermission(permission, `${ORIGIN}/`, ORIGIN)).toBe(false);
    }
    expect(decidePermission('clipboard-sanitized-write', '', ORIGIN)).toBe(false);
  });
});

describe('content security policy', () => {
  it('allows scripts only from the app and the app WebSocket for live data', () => {
    const policy = contentSecurityPolicy(ORIGIN);
    const directives = new Map(
      policy.split(';').map((d) => {
        const [name = '', ...values] = d.trim().split(/\s+/);
        return [name, values] as const;
      }),
    );
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'", 'ws://127.0.0.1:21280']);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'self'"]);
    expect(directives.get('frame-src')).toEqual(["'self'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    expect(policy).not.toContain('unsafe-eval');
  });

  it('adds the header to app responses only and keeps an existing policy', () => {
    const page = withContentSecurityPolicy(
      `${ORIGIN}/dashboard/`,
      { 'content-type': ['text/html'] },
      ORIGIN,
    );
    expect(page['Content-Security-Policy']).toEqual([contentSecurityPolicy(ORIGIN)]);
    expect(page['content-type']).toEqual(['text/html']);

    const both = withContentSecurityPolicy(
      `${ORIGIN}/overlay/`,
      { 'content-security-policy': "default-src 'none'" },
      ORIGIN,
    );
    expect(both['content-security-policy']).toEqual([
      "default-src 'none'",
      contentSecurityPolicy(ORIGIN),
    ]);

    const other = withContentSecurityPolicy(
      'https://p16-sign.tiktokcdn.com/a.webp',
      { a: 'b' },
      ORIGIN,
    );
    expect(other).toEqual({ a: 'b' });
    expect(withContentSecurityPolicy('garbage', undefined, ORIGIN)).toEqual({});
  });
});

describe('dashboard window options', () => {
  it('isolates and sandboxes the renderer with web security on', () => {
    const options = dashboardWindowOptions({
      preload: '/app/out/preload/preload.cjs',
      state: { width: 1000, height: 700, x: 10, y: 20, maximized: false },
    });
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      disableBlinkFeatures: 'Auxclick',
    });
    expect(options).toMatchObject({ width: 1000, height: 700, x: 10, y: 20, show: false });
  });

  it('lets the OS place a window without a remembered position', () => {
    const options = dashboardWindowOptions({
      preload: 'p.cjs',
      state: { width: 900, height: 600, maximized: true },
    });
    expect(options.x).toBeUndefined();
    expect(options.y).toBeUndefined();
  });
});
