import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The two secrets of an install: the full-access token and the read-only overlay key. */
export interface Secrets {
  token: string;
  overlayKey: string;
}

const SECRET = /^[A-Za-z0-9_-]{16,256}$/;

/** A fresh URL-safe random secret (192 bits). */
export const newSecret = (): string => randomBytes(24).toString('base64url');

function readOrCreate(file: string): string {
  if (existsSync(file)) {
    const value = readFileSync(file, 'utf8').trim();
    if (SECRET.test(value)) return value;
  }
  const value = newSecret();
  writeFileSync(file, value + '\n', { mode: 0o600 });
  // The mode option is ignored when the file already existed; make sure.
  chmodSync(file, 0o600);
  return value;
}

/**
 * The install's secrets: given ones win; otherwise they are read from the data dir, or generated
 * there on first run (files `token` and `overlay-key`, mode 0600).
 */
export function loadSecrets(dataDir: string, given: Partial<Secrets> = {}): Secrets {
  mkdirSync(dataDir, { recursive: true });
  for (const [name, value] of Object.entries(given)) {
    if (value !== undefined && !SECRET.test(value)) {
      throw new Error(`The ${name} must be 16 to 256 characters of letters, digits, "-" or "_".`);
    }
  }
  return {
    token: given.token ?? readOrCreate(join(dataDir, 'token')),
    overlayKey: given.overlayKey ?? readOrCreate(join(dataDir, 'overlay-key')),
  };
}

/** Compares a presented secret with the expected one in constant time. */
export function secretMatches(presented: string | null | undefined, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  // Hashing first makes both sides the same length, so the length is not leaked either.
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}
