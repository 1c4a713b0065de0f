import type { RawData } from 'ws';

/** A WebSocket message's bytes as UTF-8 text, whichever of `ws`'s three shapes they came in. */
export function wsText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
