import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Design, JournalRun } from '../bench/journal';
import { runTsx } from '../support/runTsx';

// BENCHMARKS.md §1 quotes this experiment; its figures mean something only if every design acks
// what it logged and the projector applies every logged event once. Timings are never asserted.
describe('the journal experiment (BENCHMARKS.md §1)', () => {
  it('runs every design; the journal servers log every acked event and the projector applies each once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gemlight-journal-test-'));
    try {
      const file = join(dir, 'results.json');
      const { code, output } = await runTsx(['test/bench/journal.ts', '1', '0.5', file]);
      expect(code, output.slice(-3000)).toBe(0);
      const results = JSON.parse(readFileSync(file, 'utf8')) as Record<Design, JournalRun[]>;
      const designs = ['inline', 'raw', 'journal', 'projected', 'app', 'app-journal', 'app-raw'];
      for (const design of designs as Design[]) {
        const [run] = results[design];
        expect(run?.acked, design).toBeGreaterThan(0);
        if (design === 'inline' || design.startsWith('app')) continue;
        // Acks go out only after the commit, so the log holds at least every acked event (the
        // client stops counting with some still in flight).
        expect(run?.stats?.journaled ?? 0, design).toBeGreaterThanOrEqual(run?.acked ?? 1);
      }
      const projected = results.projected[0]?.stats;
      expect(projected?.appliedAtEnd).toBe(projected?.journaled);
      // The worker's derived rows are those the app's own rebuild makes from the same raw log.
      expect(projected?.projectionMatchesReplay).toBe(true);
      expect(projected?.projectedAtStop ?? -1).toBeLessThanOrEqual(projected?.journaled ?? 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
