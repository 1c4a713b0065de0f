import { useEffect, useState } from 'react';
import { assertNever } from '../../shared/result';

/** The dashboard's routes, parsed from the hash so the page works from file:// and http alike. */
export type Route =
  | { view: 'live' }
  | { view: 'sessions' }
  | { view: 'session'; id: string }
  | { view: 'gifters'; userId: string | null }
  | { view: 'payout' }
  | { view: 'settings'; section: SettingsSection };

export const SETTINGS_SECTIONS = ['earnings', 'sources', 'overlays', 'app'] as const;
/** One tab of the Settings view. */
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

const isSection = (s: string | undefined): s is SettingsSection =>
  (SETTINGS_SECTIONS as readonly string[]).includes(s ?? '');

/** Parses `#/sessions/abc` into a route; anything unknown is the Live view. */
export function parseRoute(hash: string): Route {
  const parts = hash
    .replace(/^#\/?/, '')
    .split('/')
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  const [head = '', arg] = parts;
  switch (head) {
    case 'sessions':
      return arg ? { view: 'session', id: arg } : { view: 'sessions' };
    case 'gifters':
      return { view: 'gifters', userId: arg || null };
    case 'payout':
      return { view: 'payout' };
    case 'settings':
      return { view: 'settings', section: isSection(arg) ? arg : 'earnings' };
    default:
      return { view: 'live' };
  }
}

/** The hash for a route. */
export function hrefOf(route: Route): string {
  switch (route.view) {
    case 'live':
      return '#/live';
    case 'sessions':
      return '#/sessions';
    case 'session':
      return `#/sessions/${encodeURIComponent(route.id)}`;
    case 'gifters':
      return route.userId ? `#/gifters/${encodeURIComponent(route.userId)}` : '#/gifters';
    case 'payout':
      return '#/payout';
    case 'settings':
      return `#/settings/${route.section}`;
    default:
      return assertNever(route, 'route');
  }
}

/** The current route, following hash changes. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
