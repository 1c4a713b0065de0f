import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resultsJson } from '../bench/report';

describe('the benchmark results file', () => {
  it('keeps number arrays on one line', () => {
    const text = resultsJson({ hist: [0, 3, 12.5, -1, 1e-7], rows: [{ a: 1 }], empty: [] });
    expect(text).toContain('"hist": [0, 3, 12.5, -1, 1e-7]');
    // Arrays of anything else stay indented, one item per line.
    expect(text).toContain('"rows": [\n    {\n      "a": 1');
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('reads back as exactly what was written, whatever the values', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(JSON.parse(resultsJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 500 },
    );
  });
});
