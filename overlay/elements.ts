import { isAllowedImage, viewerName } from './viewerText';

/**
 * The overlay's element builders. Viewer text only ever enters through `textContent`; icons are
 * Gemlight's own SVG, drawn with the theme's colors (no TikTok artwork is shipped).
 */

/** A `<bdi>` holding text as text, never markup. */
export function bdi(text: string, className: string): HTMLElement {
  const el = document.createElement('bdi');
  el.className = className;
  el.textContent = text;
  return el;
}

/** An element with a class and, optionally, plain text. */
export function el(tag: string, className: string, text?: string): HTMLElement {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

function svg(viewBox: string, paths: readonly [string, string][], className: string): SVGElement {
  const root = document.createElementNS(SVG_NS, 'svg');
  root.setAttribute('viewBox', viewBox);
  root.setAttribute('class', className);
  root.setAttribute('aria-hidden', 'true');
  for (const [d, fill] of paths) {
    const path = document.createElementNS(SVG_NS, 'path');
    path.setAttribute('d', d);
    // Through the CSSOM, so theme variables apply and a strict CSP (no inline styles) allows it.
    path.style.setProperty('fill', fill);
    root.appendChild(path);
  }
  return root;
}

/** Gemlight's own generic gift box (no TikTok artwork), drawn in the theme's accent colors. */
export function genericGiftIcon(className: string): SVGElement {
  return svg(
    '0 0 64 64',
    [
      ['M8 26h48v10H8z', 'var(--accent)'],
      ['M12 36h40v22a2 2 0 0 1-2 2H14a2 2 0 0 1-2-2z', 'var(--accent)'],
      ['M28 26h8v34h-8z', 'var(--accent2)'],
      [
        'M32 26c-6-10-18-14-20-6-1.5 6 10 6 20 6zm0 0c6-10 18-14 20-6 1.5 6-10 6-20 6z',
        'var(--accent2)',
      ],
      ['M12 36h40v4H12z', '#0003'],
    ],
    className,
  );
}

/** A crown for the top gifter. */
export function crownIcon(className: string): SVGElement {
  return svg(
    '0 0 64 64',
    [
      ['M6 20l14 12 12-20 12 20 14-12-6 32H12z', '#ffd24a'],
      ['M12 52h40v6H12z', '#f5a623'],
    ],
    className,
  );
}

/** A diamond glyph for diamond amounts. */
export function diamondIcon(className: string): SVGElement {
  return svg(
    '0 0 64 64',
    [
      ['M16 8h32l12 16-28 34L4 24z', 'var(--accent2)'],
      ['M16 8l8 16h16l8-16zM4 24h56L32 58z', '#ffffff40'],
    ],
    className,
  );
}

/** A coin glyph for coin amounts. */
export function coinIcon(className: string): SVGElement {
  return svg(
    '0 0 64 64',
    [
      ['M32 4a28 28 0 1 1 0 56 28 28 0 0 1 0-56z', '#ffc531'],
      ['M32 12a20 20 0 1 1 0 40 20 20 0 0 1 0-40z', '#ffdf7a'],
      ['M28 20h8v24h-8z', '#e0a100'],
    ],
    className,
  );
}

/** An avatar: the viewer's picture from an allowed host, else their initial on a colored disc. */
export function avatar(v: { name: string; handle: string; avatar?: string }): HTMLElement {
  const box = el('span', 'avatar');
  const initial = [...viewerName(v).replace(/^@/, '')][0] ?? '?';
  const letter = bdi(initial.toUpperCase(), 'avatar-initial');
  box.appendChild(letter);
  if (isAllowedImage(v.avatar)) {
    const img = document.createElement('img');
    img.alt = '';
    img.decoding = 'async';
    img.referrerPolicy = 'no-referrer';
    // A broken or blocked picture leaves the initial showing.
    img.addEventListener('error', () => img.remove(), { once: true });
    img.src = v.avatar;
    box.appendChild(img);
  }
  return box;
}
