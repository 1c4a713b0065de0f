#!/usr/bin/env node
/**
 * `npm run lint:electron`: runs @doyensec/electronegativity over the project's sources and fails on
 * any finding above INFORMATIONAL that is neither disabled inline (`// eng-disable CHECK` beside
 * the code, with the reason) nor accepted below with its reason. docs/electron.md lists both.
 * Works offline: the tool's release and translation look-ups fail quietly and the scan goes on.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(process.argv[2] ?? join(import.meta.dirname, '..'));
const require = createRequire(join(import.meta.dirname, '..', 'package.json'));

/** Global findings the tool cannot see past, with the reason each is fine. */
const ACCEPTED = {
  CSP_GLOBAL_CHECK:
    'The CSP is a response header, set by the services on every page and again by the app ' +
    '(electron/app/sessionSecurity.ts); the tool only looks for <meta> tags and literal headers.',
};

/**
 * Not scanned: dependencies, build output (its sources are scanned; bundles lose the inline
 * `eng-disable` comments and parsing them doubles the time) and data folders.
 */
const SKIPPED = new Set([
  'node_modules',
  '.git',
  'out',
  'dist',
  'coverage',
  'native',
  'bench-results',
  'test-results',
  '.gemlight-dev',
]);

/**
 * Preloaded into the tool's process. The tool writes its CSV report with two unordered
 * `fs.writeFile` calls: the header, which truncates the file, and the rows, appended. When the
 * header's write lands second, it cuts the rows mid-field or drops them all (a report with no
 * findings that reads as clean). Synchronous writes land in the order the tool makes them.
 */
const ORDERED_WRITES = `
const fs = require('node:fs');
fs.writeFile = (file, data, options, callback) => {
  const done = typeof options === 'function' ? options : callback;
  let error = null;
  try {
    fs.writeFileSync(file, data, typeof options === 'function' ? undefined : options);
  } catch (e) {
    error = e;
  }
  if (done) process.nextTick(done, error);
};
`;

/** Splits one CSV line of the tool's output (quoted fields may hold commas). */
function csvFields(line) {
  const fields = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else field += c;
  }
  fields.push(field);
  return fields;
}

const electronVersion = require('electron/package.json').version;
const cli = join(
  require.resolve('@doyensec/electronegativity/package.json'),
  '..',
  'dist',
  'index.js',
);
const work = mkdtempSync(join(tmpdir(), 'gemlight-eneg-'));
try {
  const csv = join(work, 'findings.csv');
  const preload = join(work, 'ordered-writes.cjs');
  writeFileSync(preload, ORDERED_WRITES);
  // The tool has no exclude option: scan a copy of the sources.
  const sources = join(work, 'src');
  for (const entry of readdirSync(root)) {
    if (!SKIPPED.has(entry)) cpSync(join(root, entry), join(sources, entry), { recursive: true });
  }
  const rows = scanRows(sources, csv, preload);
  if (rows === null) {
    console.error('[electronegativity] the scan wrote an unreadable report twice.');
    process.exit(1);
  }

  const unexplained = [];
  for (const f of rows) {
    const where = f.file === 'N/A' ? 'project' : `${f.file}:${f.location}`;
    if (f.severity === 'INFORMATIONAL') {
      console.log(`[electronegativity] info      ${f.id} at ${where}`);
    } else if (ACCEPTED[f.id]) {
      console.log(
        `[electronegativity] accepted  ${f.id} (${f.severity}) at ${where}: ${ACCEPTED[f.id]}`,
      );
    } else {
      unexplained.push(f);
      console.log(
        `[electronegativity] FINDING   ${f.id} (${f.severity}, ${f.confidence}) at ${where}: ${f.description} — ${f.sample}`,
      );
    }
  }
  console.log(
    `[electronegativity] Electron ${electronVersion}: ${rows.length} finding(s), ${unexplained.length} unexplained.`,
  );
  process.exitCode = unexplained.length === 0 ? 0 : 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}

/**
 * Runs the scan (with `preload`, see ORDERED_WRITES) and reads its CSV report. A report whose
 * check ids are not ids (a row cut mid-field) is thrown away and the scan run once more.
 */
function scanRows(sources, csv, preload) {
  for (let attempt = 0; attempt < 2; attempt++) {
    rmSync(csv, { force: true });
    const run = spawnSync(
      process.execPath,
      [
        '--require',
        preload,
        cli,
        '-i',
        sources,
        '-r',
        '-v',
        'false',
        '-e',
        electronVersion,
        '-o',
        csv,
      ],
      { encoding: 'utf8', timeout: 240_000 },
    );
    if (run.status !== 0) {
      console.error(run.stdout, run.stderr);
      console.error(
        `[electronegativity] the scan itself failed (${run.error?.message ?? `exit ${run.status}`}).`,
      );
      process.exit(1);
    }
    const rows = readFileSync(csv, 'utf8')
      .split('\n')
      .slice(1)
      .filter((line) => line.trim() !== '')
      .map(csvFields)
      .map(
        ([
          id = '',
          severity = '',
          confidence = '',
          file = '',
          location = '',
          sample = '',
          description = '',
        ]) => ({
          id,
          severity,
          confidence,
          file,
          location,
          sample,
          description,
        }),
      );
    if (rows.every((r) => /^[A-Z][A-Z0-9_]*$/.test(r.id))) return rows;
    console.log('[electronegativity] the report was garbled; scanning again.');
  }
  return null;
}
