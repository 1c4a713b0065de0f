/**
 * Viewer text and images are hostile. This module holds the rules (no DOM, so they are unit
 * tested in Node): text is cleaned and cut here, and goes into the page only through
 * `textContent` inside a `<bdi>` (elements.ts); CSS then clamps lines and hides overflow so zalgo
 * and towering emoji stay in their box. Images load only from TikTok's CDN hosts over https.
 */

/** Hosts whose images the overlay loads (the CSP allows the same list). */
export const IMAGE_HOSTS = [
  'tiktokcdn.com',
  'tiktokcdn-us.com',
  'tiktokcdn-eu.com',
  'ibyteimg.com',
] as const;

/** Whether an image URL is https on an allowed TikTok CDN host (or a subdomain of one). */
export function isAllowedImage(url: string | undefined): url is string {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password || parsed.port) {
    return false;
  }
  const host = parsed.hostname.toLowerCase();
  return IMAGE_HOSTS.some((h) => host === h || host.endsWith(`.${h}`));
}

/** Most code points of viewer text ever put on screen. */
export const MAX_SHOWN_CODE_POINTS = 32;
/** Combining marks allowed to stack on one base character (zalgo defence). */
const MAX_MARKS = 2;
const MARK = /\p{M}/u;
/** Bidi controls: embeddings, overrides and isolates. The <bdi> isolates anyway; these go. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069\u200E\u200F\u061C]/g;
const OTHER_CONTROLS = /[\p{Cc}\u2028\u2029]/gu;

/** Cleans viewer text for display: no controls, no mark towers, at most `max` code points. */
export function displayText(raw: string, max = MAX_SHOWN_CODE_POINTS): string {
  const stripped = raw.replace(BIDI_CONTROLS, '').replace(OTHER_CONTROLS, ' ');
  let out = '';
  let kept = 0;
  let marks = 0;
  for (const ch of stripped) {
    if (MARK.test(ch)) {
      if (++marks > MAX_MARKS) continue;
    } else {
      marks = 0;
      if (kept >= max) {
        out += '…';
        break;
      }
      kept++;
    }
    out += ch;
  }
  return out.trim();
}

/** The name to show for a viewer: display name, else @handle, else a neutral word. */
export function viewerName(v: { name: string; handle: string }): string {
  const name = displayText(v.name);
  if (name) return name;
  const handle = displayText(v.handle);
  return handle ? `@${handle}` : 'Someone';
}
