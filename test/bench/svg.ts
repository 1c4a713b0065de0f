/** What the benchmark pictures (flame graph, latency tails) share: escaping and the document. */

/** Text for SVG content and attributes: names in profiles and labels are never markup. */
export const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A standalone SVG document of this size on a light background, around `body`'s elements. */
export function svgDocument(
  width: number,
  height: number,
  font: { family: string; size: number },
  body: readonly string[],
): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${font.family}" font-size="${font.size}">`,
    `<rect width="100%" height="100%" fill="#fcfcfa"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
