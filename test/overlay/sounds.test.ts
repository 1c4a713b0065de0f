import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SoundFile } from '../../shared/api';
import { sniffSound } from '../../electron/services/media/soundStore';
import { apiCall, startTestServer, type TestServer } from '../support/server';
import { wavFile } from './wavFile';

/** Alert sounds: uploaded through the API, validated by content, served to overlay-key holders. */

let server: TestServer;
const upload = (fileName: string, data: Buffer) =>
  apiCall<SoundFile & { code?: string; message?: string }>(
    server.baseUrl,
    server.token,
    'POST',
    '/api/sounds',
    { fileName, dataBase64: data.toString('base64') },
  );
const get = (path: string) => fetch(`${server.baseUrl}${path}`);

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server?.stop();
});

describe('alert sounds', () => {
  it('recognises MP3, Ogg and WAV by their bytes, nothing else', () => {
    const bytes = (...b: number[]) => Uint8Array.from([...b, ...new Array<number>(12).fill(0)]);
    expect(sniffSound(wavFile(10))).toBe('audio/wav');
    expect(sniffSound(Buffer.from('OggS\0\x02rest-of-page'))).toBe('audio/ogg');
    expect(sniffSound(Buffer.from('ID3\x04\0\0\0\0\0\0mp3data'))).toBe('audio/mpeg');
    expect(sniffSound(bytes(0xff, 0xfb, 0x90, 0x64))).toBe('audio/mpeg');
    // Reserved layer bits, a RIFF that is not WAVE, HTML, an SVG: refused.
    expect(sniffSound(bytes(0xff, 0xf9, 0x90, 0x64))).toBeNull();
    expect(sniffSound(Buffer.from('RIFF\0\0\0\0AVI LIST'))).toBeNull();
    expect(sniffSound(Buffer.from('<script>alert(1)</script>'))).toBeNull();
    expect(sniffSound(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'))).toBeNull();
  });

  it('stores an upload under a generated name, serves it to the overlay key, deletes it', async () => {
    const wav = wavFile();
    const stored = await upload('../../My Chime!.wav', wav);
    expect(stored.status).toBe(200);
    expect(stored.body.name).toMatch(/^my-chime-[0-9a-f]{8}\.wav$/);
    expect(stored.body).toMatchObject({ type: 'audio/wav', bytes: wav.length });
    expect(stored.body.path).toBe(`/media/sounds/${stored.body.name}`);
    expect(readdirSync(join(server.dataDir, 'sounds'))).toEqual([stored.body.name]);

    const list = await apiCall<SoundFile[]>(server.baseUrl, server.token, 'GET', '/api/sounds');
    expect(list.body.map((s) => s.name)).toEqual([stored.body.name]);

    const served = await get(`${stored.body.path}?key=${server.overlayKey}`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('audio/wav');
    expect(served.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await served.arrayBuffer()).equals(wav)).toBe(true);
    expect((await get(stored.body.path)).status).toBe(401);
    expect((await get(`${stored.body.path}?key=wrong`)).status).toBe(401);
    expect((await get(`/media/sounds/..%2Fgemlight.db?key=${server.overlayKey}`)).status).toBe(404);
    expect((await get(`/media/sounds/nope-00000000.mp3?key=${server.overlayKey}`)).status).toBe(
      404,
    );

    const deleted = await apiCall(
      server.baseUrl,
      server.token,
      'DELETE',
      `/api/sounds/${stored.body.name}`,
    );
    expect(deleted).toEqual({ status: 200, body: { deleted: true } });
    expect(existsSync(join(server.dataDir, 'sounds', stored.body.name))).toBe(false);
    expect((await get(`${stored.body.path}?key=${server.overlayKey}`)).status).toBe(404);
    const again = await apiCall(
      server.baseUrl,
      server.token,
      'DELETE',
      `/api/sounds/${stored.body.name}`,
    );
    expect(again.status).toBe(404);
  });

  it('refuses a non-audio file, an empty one and one over 2 MiB with {code, message}', async () => {
    const html = await upload('chime.mp3', Buffer.from('<html><script>alert(1)</script></html>'));
    expect(html.status).toBe(400);
    expect(html.body).toEqual({
      code: 'invalid_request',
      message: expect.stringContaining('not an MP3, Ogg or WAV') as unknown,
    });
    const big = Buffer.concat([wavFile(10), Buffer.alloc(2 * 1024 * 1024)]);
    const tooBig = await upload('long.wav', big);
    expect(tooBig.status).toBe(413);
    expect(tooBig.body.code).toBe('too_large');
    const empty = await upload('empty.wav', Buffer.alloc(0));
    expect(empty.status).toBe(400);
    const notBase64 = await apiCall<{ code: string }>(
      server.baseUrl,
      server.token,
      'POST',
      '/api/sounds',
      { fileName: 'x.wav', dataBase64: '<not base64>' },
    );
    expect(notBase64.body.code).toBe('invalid_request');
    expect(readdirSync(join(server.dataDir, 'sounds'))).toEqual([]);
  });
});
