import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAppLog, LOG_ROLL_BYTES } from '../../electron/app/appLog';

describe('app log file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'gemlight-log-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('echoes each line and appends it with a timestamp, keeping a small log', () => {
    const file = join(dir, 'logs', 'gemlight.log');
    const echoed: string[] = [];
    const log = createAppLog(file, { echo: (l) => echoed.push(l), now: () => new Date(0) });
    log('Ready');
    log('Shutting down');
    expect(echoed).toEqual(['[gemlight] Ready', '[gemlight] Shutting down']);
    expect(readFileSync(file, 'utf8')).toBe(
      '1970-01-01T00:00:00.000Z Ready\n1970-01-01T00:00:00.000Z Shutting down\n',
    );
    // A second start appends to a small log.
    createAppLog(file, { echo: () => {}, now: () => new Date(0) })('again');
    expect(readFileSync(file, 'utf8').split('\n')).toHaveLength(4);
    expect(existsSync(`${file}.1`)).toBe(false);
  });

  it('rolls a large log over at start', () => {
    const file = join(dir, 'gemlight.log');
    writeFileSync(file, 'x'.repeat(LOG_ROLL_BYTES + 1));
    createAppLog(file, { echo: () => {} })('fresh');
    expect(readFileSync(`${file}.1`, 'utf8')).toHaveLength(LOG_ROLL_BYTES + 1);
    expect(readFileSync(file, 'utf8')).toMatch(/ fresh\n$/);
  });

  it('keeps echoing when the file cannot be written', () => {
    const blocker = join(dir, 'not-a-dir');
    writeFileSync(blocker, '');
    const echoed: string[] = [];
    const log = createAppLog(join(blocker, 'gemlight.log'), { echo: (l) => echoed.push(l) });
    log('still here');
    expect(echoed).toEqual(['[gemlight] still here']);
  });
});
