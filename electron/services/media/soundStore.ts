import { randomBytes } from 'node:crypto';
import {
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  type Stats,
} from 'node:fs';
import { join } from 'node:path';
import type { SoundFile, SoundType } from '../../../shared/api';
import { err, ok, type Result } from '../../../shared/result';

/**
 * The creator's alert sounds, uploaded from the dashboard and served to the overlay pages from
 * the app itself (the overlay's Content-Security-Policy allows media only from the app). Files
 * are accepted by their content (magic bytes), never by their name, and stored under a name the
 * app generates, so nothing a browser sends ever becomes a path.
 */

/** Largest sound file accepted. */
export const MAX_SOUND_BYTES = 2 * 1024 * 1024;
/** Most sound files kept (an alert set needs a handful). */
export const MAX_SOUNDS = 50;

const EXTENSION: Record<SoundType, string> = {
  'audio/mpeg': 'mp3',
  'audio/ogg': 'ogg',
  'audio/wav': 'wav',
};
const TYPE_OF_EXTENSION: Record<string, SoundType> = {
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  wav: 'audio/wav',
};

/** A stored sound's name: a slug of the original name, a random part, the type's extension. */
const STORED_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*\.(mp3|ogg|wav)$/;

/** Whether `name` is a name this store generates (checked before it is used as a path). */
export const isSoundName = (name: string): boolean => name.length <= 80 && STORED_NAME.test(name);

/** The sound's type from its first bytes, or null when it is not MP3, Ogg or WAV. */
export function sniffSound(data: Uint8Array): SoundType | null {
  const ascii = (from: number, to: number) => String.fromCharCode(...data.subarray(from, to));
  if (data.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WAVE') return 'audio/wav';
  if (data.length >= 4 && ascii(0, 4) === 'OggS') return 'audio/ogg';
  if (data.length >= 10 && ascii(0, 3) === 'ID3') return 'audio/mpeg';
  // An MPEG audio frame without an ID3 tag: 11 sync bits, then a layer that is not "reserved".
  const [b0, b1] = [data[0] ?? 0, data[1] ?? 0];
  if (data.length >= 4 && b0 === 0xff && (b1 & 0xe0) === 0xe0 && (b1 & 0x06) !== 0) {
    return 'audio/mpeg';
  }
  return null;
}

/** A readable, safe slug of an uploaded file's name ("My Chime!.mp3" → "my-chime"). */
function slugOf(fileName: string): string {
  const base = fileName.replace(/\.[A-Za-z0-9]{1,5}$/, '');
  const slug = base
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return slug || 'sound';
}

/** The stored sounds of one data folder. */
export class SoundStore {
  readonly dir: string;

  constructor(dataDir: string) {
    this.dir = join(dataDir, 'sounds');
  }

  /** Every stored sound, newest first. */
  list(): SoundFile[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const files: SoundFile[] = [];
    for (const name of names) {
      if (!isSoundName(name)) continue;
      let st: Stats;
      try {
        st = statSync(join(this.dir, name));
      } catch {
        continue;
      }
      if (st.isFile()) files.push(this.describe(name, st));
    }
    return files.sort((a, b) => b.uploadedAt - a.uploadedAt || a.name.localeCompare(b.name));
  }

  /** Validates and stores an upload; refusals say what is accepted. */
  add(fileName: string, data: Uint8Array): Result<SoundFile> {
    if (data.length === 0) return err({ code: 'invalid_request', message: 'The file is empty.' });
    if (data.length > MAX_SOUND_BYTES) {
      return err({
        code: 'too_large',
        message: 'The sound file is larger than 2 MiB. Use a shorter clip (alerts last seconds).',
      });
    }
    const type = sniffSound(data);
    if (!type) {
      return err({
        code: 'invalid_request',
        message: 'This file is not an MP3, Ogg or WAV sound. Choose an audio file of one of these.',
      });
    }
    if (this.list().length >= MAX_SOUNDS) {
      return err({
        code: 'conflict',
        message: `There are already ${MAX_SOUNDS} sounds. Delete one you no longer use first.`,
      });
    }
    mkdirSync(this.dir, { recursive: true });
    const name = `${slugOf(fileName)}-${randomBytes(4).toString('hex')}.${EXTENSION[type]}`;
    const file = join(this.dir, name);
    // Written beside and renamed, so the overlay never reads half a file.
    const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(temp, data, { mode: 0o600 });
    renameSync(temp, file);
    return ok(this.describe(name, statSync(file)));
  }

  /** Deletes a stored sound; false when there is none with this name. */
  delete(name: string): boolean {
    const file = this.pathOf(name);
    if (!file) return false;
    rmSync(file);
    return true;
  }

  /** The file of a stored sound and its content type, or null. */
  pathOf(name: string): string | null {
    if (!isSoundName(name)) return null;
    const file = join(this.dir, name);
    try {
      return statSync(file).isFile() ? file : null;
    } catch {
      return null;
    }
  }

  private describe(name: string, st: Stats): SoundFile {
    const ext = name.slice(name.lastIndexOf('.') + 1);
    return {
      name,
      type: TYPE_OF_EXTENSION[ext] ?? 'audio/mpeg',
      bytes: st.size,
      uploadedAt: Math.trunc(st.mtimeMs),
      path: `/media/sounds/${name}`,
    };
  }
}
