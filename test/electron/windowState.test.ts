import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DEFAULT_WINDOW_STATE,
  fitToDisplays,
  loadWindowState,
  parseWindowState,
  saveWindowState,
} from '../../electron/app/windowState';

describe('parseWindowState', () => {
  it('reads a valid file', () => {
    expect(parseWindowState('{"x":10,"y":-20,"width":1000,"height":700,"maximized":true}')).toEqual(
      {
        x: 10,
        y: -20,
        width: 1000,
        height: 700,
        maximized: true,
      },
    );
  });

  it('drops a half position and defaults maximized', () => {
    expect(parseWindowState('{"x":10,"width":1000,"height":700}')).toEqual({
      width: 1000,
      height: 700,
      maximized: false,
    });
  });

  it.each([
    ['not JSON', '{'],
    ['empty', ''],
    ['an array', '[1,2]'],
    ['a string size', '{"width":"1000","height":700}'],
    ['a fractional size', '{"width":1000.5,"height":700}'],
    ['a tiny window', '{"width":1,"height":1}'],
    ['a huge window', '{"width":1e9,"height":700}'],
    ['a far-away position', '{"x":1e12,"y":0,"width":800,"height":600}'],
    ['null', 'null'],
  ])('gives the defaults for %s', (_what, text) => {
    expect(parseWindowState(text)).toEqual(DEFAULT_WINDOW_STATE);
  });
});

describe('fitToDisplays', () => {
  const laptop = { x: 0, y: 0, width: 1440, height: 900 };
  const monitor = { x: 1440, y: 0, width: 2560, height: 1440 };

  it('keeps a window that is on a display', () => {
    const state = { x: 1600, y: 100, width: 1200, height: 800, maximized: false };
    expect(fitToDisplays(state, [laptop, monitor])).toEqual(state);
  });

  it('drops the position of a window left on an unplugged monitor', () => {
    const state = { x: 1600, y: 100, width: 1200, height: 800, maximized: true };
    expect(fitToDisplays(state, [laptop])).toEqual({ width: 1200, height: 800, maximized: true });
  });

  it('drops the position when the title bar is above every display', () => {
    expect(
      fitToDisplays({ x: 100, y: -300, width: 800, height: 600, maximized: false }, [laptop]).x,
    ).toBeUndefined();
  });

  it('shrinks a window larger than the largest display', () => {
    expect(fitToDisplays({ width: 5000, height: 3000, maximized: false }, [laptop])).toEqual({
      width: 1440,
      height: 900,
      maximized: false,
    });
  });

  it('leaves the state alone when no display is known', () => {
    const state = { x: 5, y: 5, width: 800, height: 600, maximized: false };
    expect(fitToDisplays(state, [])).toBe(state);
  });
});

describe('window state file', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gemlight-window-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips through a real file and leaves no temp file behind', async () => {
    const file = join(dir, 'nested', 'window-state.json');
    const state = { x: 40, y: 50, width: 1300, height: 850, maximized: false };
    await saveWindowState(file, state);
    expect(await loadWindowState(file)).toEqual(state);
    expect(await readdir(join(dir, 'nested'))).toEqual(['window-state.json']);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(state);
  });

  it('survives overlapping saves (the last one wins, no temp file left)', async () => {
    const file = join(dir, 'window-state.json');
    await Promise.all(
      [1, 2, 3, 4, 5].map((i) =>
        saveWindowState(file, { x: i, y: i, width: 800, height: 600, maximized: false }),
      ),
    );
    expect(await readdir(dir)).toEqual(['window-state.json']);
    expect((await loadWindowState(file)).width).toBe(800);
  });

  it('falls back to the defaults for a missing or corrupt file', async () => {
    expect(await loadWindowState(join(dir, 'missing.json'))).toEqual(DEFAULT_WINDOW_STATE);
    const file = join(dir, 'window-state.json');
    await writeFile(file, '{"width": "wide"');
    expect(await loadWindowState(file)).toEqual(DEFAULT_WINDOW_STATE);
  });

  it('refuses to write an invalid state', async () => {
    await expect(
      saveWindowState(join(dir, 'w.json'), { width: Number.NaN, height: 600, maximized: false }),
    ).rejects.toThrow();
    expect(await readdir(dir)).toEqual([]);
  });
});
