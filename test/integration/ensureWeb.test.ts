import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { webBuildReason } from '../../scripts/ensure-web';

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

function file(path: string, mtime: number): void {
  const full = join(root, path);
  mkdirSync(join(full, '..'), { recursive: true });
  writeFileSync(full, 'x');
  utimesSync(full, mtime / 1000, mtime / 1000);
}

describe('npm run serve builds the pages only when needed', () => {
  it('builds when the bundles are missing or older than any source, not otherwise', () => {
    root = mkdtempSync(join(tmpdir(), 'gemlight-web-'));
    const t = Date.UTC(2025, 0, 1);
    file('renderer/src/App.tsx', t);
    file('overlay/main.ts', t);
    file('shared/events.ts', t);
    for (const dir of ['renderer/src', 'renderer', 'overlay', 'shared'])
      utimesSync(join(root, dir), t / 1000, t / 1000);
    expect(webBuildReason(root)).toBe('out/renderer is missing');
    file('out/renderer/renderer/index.html', t + 1000);
    expect(webBuildReason(root)).toBe('out/renderer is missing');
    file('out/renderer/overlay/index.html', t + 1000);
    expect(webBuildReason(root)).toBeNull();
    file('shared/liveState.ts', t + 2000);
    expect(webBuildReason(root)).toBe('sources changed since the last build');
  });
});
