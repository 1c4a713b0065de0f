import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';

/*
 * The dashboard window's remembered size and position: a small JSON file in the user-data folder,
 * validated on load (a hand-edited or corrupt file falls back to defaults) and fitted to the
 * displays that exist now (a monitor may have been unplugged).
 */

/** A rectangle in screen coordinates. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** What is remembered of the dashboard window. */
export interface WindowState {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

/** The first-run window. */
export const DEFAULT_WINDOW_STATE: WindowState = { width: 1200, height: 800, maximized: false };

const coordinate = z.number().int().min(-100_000).max(100_000);
const size = z.number().int().min(200).max(20_000);

/** The file's schema: unknown keys are ignored, wrong types reject the whole file. */
export const WindowStateSchema = z.object({
  x: coordinate.optional(),
  y: coordinate.optional(),
  width: size,
  height: size,
  maximized: z.boolean().default(false),
});

/** Parses the file's text; anything invalid gives the defaults. */
export function parseWindowState(text: string): WindowState {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return DEFAULT_WINDOW_STATE;
  }
  const parsed = WindowStateSchema.safeParse(json);
  if (!parsed.success) return DEFAULT_WINDOW_STATE;
  const { x, y, width, height, maximized } = parsed.data;
  // A position needs both coordinates.
  return x !== undefined && y !== undefined
    ? { x, y, width, height, maximized }
    : { width, height, maximized };
}

/** Pixels of the title bar that must be on a screen for the window to be reachable. */
const GRAB_MARGIN = 48;

/**
 * Fits a remembered state to the current displays' work areas: a window whose top strip is on no
 * display loses its position (the OS centers it), and no window is larger than the largest area.
 */
export function fitToDisplays(state: WindowState, workAreas: readonly Rect[]): WindowState {
  if (workAreas.length === 0) return state;
  const maxWidth = Math.max(...workAreas.map((a) => a.width));
  const maxHeight = Math.max(...workAreas.map((a) => a.height));
  const width = Math.min(state.width, maxWidth);
  const height = Math.min(state.height, maxHeight);
  const { x, y } = state;
  if (x === undefined || y === undefined) return { width, height, maximized: state.maximized };
  const reachable = workAreas.some(
    (a) =>
      x + width - GRAB_MARGIN >= a.x &&
      x + GRAB_MARGIN <= a.x + a.width &&
      y >= a.y &&
      y + GRAB_MARGIN <= a.y + a.height,
  );
  return reachable
    ? { x, y, width, height, maximized: state.maximized }
    : { width, height, maximized: state.maximized };
}

/** Reads the state file; a missing or invalid file gives the defaults. */
export async function loadWindowState(file: string): Promise<WindowState> {
  try {
    return parseWindowState(await readFile(file, 'utf8'));
  } catch {
    return DEFAULT_WINDOW_STATE;
  }
}

let tempCounter = 0;

/** Writes the state file atomically (temp file + rename), so a crash never leaves half a file. */
export async function saveWindowState(file: string, state: WindowState): Promise<void> {
  const valid = WindowStateSchema.parse(state);
  await mkdir(dirname(file), { recursive: true });
  // A temp name per write: a debounced save and the save on close may overlap.
  const temp = `${file}.${process.pid}.${++tempCounter}.tmp`;
  await writeFile(temp, `${JSON.stringify(valid, null, 2)}\n`, 'utf8');
  await rename(temp, file);
}
