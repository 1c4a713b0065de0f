import { launchChromium } from './browser';

/** An SVG document as Chromium's XML parser reads it. */
export interface SvgRead {
  /** The parser's complaint, or null when the document is well-formed. */
  parseError: string | null;
  /** Elements that could run or load anything (there should be none). */
  active: number;
  texts: string[];
  /** Each `<g>`: its tooltip (`<title>`) and its box's width. */
  boxes: { tip: string; width: number }[];
  /** The `d` of every `<path>`. */
  paths: string[];
}

// Runs in the page (plain JavaScript: this project's node code has no DOM types).
const READ = `(text) => {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  return {
    parseError: doc.querySelector('parsererror')?.textContent ?? null,
    active: doc.querySelectorAll('script, img, image, foreignObject, iframe').length,
    texts: [...doc.querySelectorAll('text')].map((t) => t.textContent),
    boxes: [...doc.querySelectorAll('g')].map((g) => ({
      tip: g.querySelector('title')?.textContent ?? '',
      width: Number(g.querySelector('rect')?.getAttribute('width')),
    })),
    paths: [...doc.querySelectorAll('path')].map((p) => p.getAttribute('d')),
  };
}`;

/** Parses `svg` in a real Chromium (launched for the call) and reads back what it holds. */
export async function readSvg(svg: string): Promise<SvgRead> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    return await page.evaluate<SvgRead>(`(${READ})(${JSON.stringify(svg)})`);
  } finally {
    await browser.close();
  }
}
