/**
 * The raw log keeps each event of a frame exactly as it was received. A frame is one event or an
 * array of them; after `JSON.parse` has accepted the frame, its text is cut at the array's
 * top-level commas, which is both truer to "as received" and cheaper than serializing each parsed
 * event again.
 */

/** Nesting deeper than this is left to the caller's own serialization (and its refusal). */
export const MAX_RAW_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * The text of each event in a frame that `JSON.parse(text)` accepted and returned as `parsed`: the
 * elements of a top-level array, or the whole frame for a single event. Null when the frame nests
 * deeper than MAX_RAW_DEPTH or does not have the shape `parsed` says (never for valid input).
 */
export function frameElementTexts(text: string, parsed: unknown): string[] | null {
  const isArray = Array.isArray(parsed);
  const out: string[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
      continue;
    }
    if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
      depth++;
      if (depth > MAX_RAW_DEPTH) return null;
      if (isArray && depth === 1) start = i + 1;
    } else if (c === CLOSE_ARRAY || c === CLOSE_OBJECT) {
      if (isArray && depth === 1) {
        const last = text.slice(start, i).trim();
        if (last !== '') out.push(last);
      }
      depth--;
    } else if (c === COMMA && isArray && depth === 1) {
      out.push(text.slice(start, i).trim());
      start = i + 1;
    }
  }
  if (!isArray) return [text.trim()];
  return out.length === (parsed as unknown[]).length ? out : null;
}
