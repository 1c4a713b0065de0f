import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addHistograms,
  framePhaseQuantile,
  HIST_BIN_MS,
  HIST_MAX_MS,
  histogram,
  tailChartSvg,
  tailShares,
} from '../bench/latencyChart';
import { readSvg } from '../support/svg';

const latencies = fc.array(fc.double({ min: 0, max: 60, noNaN: true }), { maxLength: 300 });

describe('latency tails', () => {
  it('a histogram keeps every sample; slow ones land in the last bin', () => {
    const h = histogram([0, 0.1, 0.25, 16.7, 39.99, 40, 1e6, -1]);
    expect(h).toHaveLength(HIST_MAX_MS / HIST_BIN_MS + 1);
    expect(h[0]).toBe(3); // 0, 0.1 and the clock-skewed -1
    expect(h[1]).toBe(1); // 0.25
    expect(h[Math.floor(16.7 / HIST_BIN_MS)]).toBe(1);
    expect(h.at(-2)).toBe(1); // 39.99
    expect(h.at(-1)).toBe(2); // 40 and beyond
  });

  it('the share slower than each bin edge is what counting the samples gives', () => {
    fc.assert(
      fc.property(latencies, latencies, (a, b) => {
        const counts = addHistograms([histogram(a), histogram(b)]);
        const all = [...a, ...b];
        expect(counts.reduce((x, y) => x + y, 0)).toBe(all.length);
        for (const { x, share } of tailShares(counts)) {
          const slower = all.filter((s) => s >= x).length / all.length;
          expect(share).toBeCloseTo(slower, 12);
        }
      }),
    );
  });

  it('the frame-phase model adds a uniform wait of up to one frame to each latency', () => {
    const frame = 1000 / 60;
    // Every gift in the page after 0.125 ms: the first frame comes 0.125 ms to one frame later.
    const quick = histogram(new Array<number>(100).fill(0.1));
    expect(framePhaseQuantile(quick, 0.99)).toBeCloseTo(0.125 + 0.99 * frame, 2);
    expect(framePhaseQuantile(quick, 0.5)).toBeCloseTo(0.125 + 0.5 * frame, 2);
    // Half at 0.125 ms, half at 5.125 ms: past 0.125 + one frame only the slow half is left,
    // and 1% of all gifts is 2% of it.
    const split = histogram([
      ...new Array<number>(50).fill(0.1),
      ...new Array<number>(50).fill(5.1),
    ]);
    expect(framePhaseQuantile(split, 0.99)).toBeCloseTo(5.125 + 0.98 * frame, 2);
    expect(framePhaseQuantile(histogram([]), 0.99)).toBeNaN();
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 20, noNaN: true }), { minLength: 1, maxLength: 200 }),
        fc.integer({ min: 0, max: 40 }),
        (samples, bins) => {
          // Every latency later by `bins` bins: the quantile is later by as much.
          const base = framePhaseQuantile(histogram(samples), 0.99);
          const later = histogram(samples.map((t) => t + bins * HIST_BIN_MS));
          expect(framePhaseQuantile(later, 0.99) - base).toBeCloseTo(bins * HIST_BIN_MS, 2);
          // Never sooner than the fastest gift's wait, never later than the slowest's.
          expect(base).toBeGreaterThanOrEqual(
            Math.floor(Math.min(...samples) / HIST_BIN_MS) * HIST_BIN_MS,
          );
          expect(base).toBeLessThanOrEqual(Math.max(...samples) + HIST_BIN_MS + frame);
        },
      ),
    );
  });

  it('draws as SVG that Chromium parses: one line per series, labels as text', async () => {
    const hostile = '<script>alert(1)</script> & "relay"';
    const svg = tailChartSvg({
      title: 'Alert latency',
      subtitle: 'test',
      xMaxMs: 30,
      series: [
        { label: hostile, colour: '#d9480f', counts: histogram([1, 2, 3, 17.5]) },
        { label: 'empty', colour: '#1c7ed6', dashed: true, counts: histogram([]) },
      ],
      marks: [{ x: 17, label: 'target', colour: '#c92a2a' }],
    });
    const read = await readSvg(svg);
    expect(read.parseError).toBeNull();
    expect(read.active).toBe(0);
    expect(read.texts).toContain(hostile);
    // The empty series draws nothing; the other ends at the bottom after its slowest gift.
    expect(read.paths).toHaveLength(1);
    // Of 1, 2, 3 and 17.5 ms: 3/4 are slower than 1.25 ms (x = 70 + 1.25 × 27 px/ms, y = 64 +
    // 344 px × -log10(3/4) / 4 decades), 1/2 than 2.25, 1/4 than 3.25 and none than 17.75
    // (the upper edge of 17.5's bin), where the line ends at the bottom of the scale.
    expect(read.paths[0]).toBe('M70.0,64.0 H103.8 V74.7 H130.8 V89.9 H157.8 V115.8 H549.3 V408.0');
  });
});
