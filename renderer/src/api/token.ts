/**
 * The dashboard token travels once in the URL (`?token=` or `#token=`, from the link the app
 * prints), then lives in sessionStorage and leaves the address bar, so it is not bookmarked,
 * shared in a screenshot or sent as a Referer.
 */
const STORAGE_KEY = 'gemlight.token';

/** Reads the token from the URL (and removes it there) or from sessionStorage. */
export function takeToken(
  loc: Location = window.location,
  storage: Storage = sessionStorage,
): string | null {
  const url = new URL(loc.href);
  let token = url.searchParams.get('token');
  if (token) url.searchParams.delete('token');
  const hash = url.hash.replace(/^#/, '');
  // The hash carries routes (#/live) and, at most once, the token (#token=… or #/live&token=…).
  const hashMatch = /(?:^|[?&])token=([^&]+)/.exec(hash);
  if (hashMatch?.[1]) {
    token ??= decodeURIComponent(hashMatch[1]);
    const rest = hash.replace(/(?:^|[?&])token=[^&]+/, '').replace(/^[?&]/, '');
    url.hash = rest ? `#${rest}` : '';
  }
  if (token) {
    storage.setItem(STORAGE_KEY, token);
    window.history.replaceState(null, '', url.pathname + url.search + url.hash);
    return token;
  }
  return storage.getItem(STORAGE_KEY);
}

/** The token this page is using, for the "push token" field in Settings. */
export const storedToken = (storage: Storage = sessionStorage): string | null =>
  storage.getItem(STORAGE_KEY);
