import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const script = join(root, 'scripts', 'electronegativity.mjs');

/** Runs the electronegativity gate over a folder; resolves with its exit code and output. */
function gate(folder: string): Promise<{ code: number; out: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [script, folder], { timeout: 200_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      done({ code, out: `${stdout}${stderr}` });
    });
  });
}

const insecure = mkdtempSync(join(tmpdir(), 'gemlight-eneg-fixture-'));
writeFileSync(
  join(insecure, 'package.json'),
  JSON.stringify({ name: 'insecure', main: 'main.js' }),
);
writeFileSync(
  join(insecure, 'main.js'),
  [
    "const { app, BrowserWindow } = require('electron');",
    'app.whenReady().then(() => {',
    '  const w = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });',
    "  w.loadURL('https://example.com/');",
    '});',
  ].join('\n'),
);

// Both scans start at once: each spends most of its time waiting on the tool's offline look-ups.
const projectScan = gate(root);
const fixtureScan = gate(insecure);

afterAll(() => {
  rmSync(insecure, { recursive: true, force: true });
});

describe('electronegativity (npm run lint:electron)', () => {
  it('finds nothing above informational in Gemlight that is not explained', async () => {
    const { code, out } = await projectScan;
    if (code !== 0) console.log(out);
    expect(out).toMatch(/finding\(s\), 0 unexplained\./);
    expect(code).toBe(0);
  });

  it('fails on an insecure window, so the gate can fail', async () => {
    const { code, out } = await fixtureScan;
    expect(code).toBe(1);
    expect(out).toContain('FINDING   CONTEXT_ISOLATION_JS_CHECK');
    expect(out).toContain('FINDING   SANDBOX_JS_CHECK');
  });
});
