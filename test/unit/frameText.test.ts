import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameElementTexts, MAX_RAW_DEPTH } from '../../electron/services/ingest/frameText';

// Strings full of the characters the cutter must not be fooled by.
const tricky = fc.string({
  unit: fc.constantFrom('a', ',', '[', ']', '{', '}', '"', '\\', ':', ' ', '\n', 'é', '💎'),
});
const value = fc.letrec((tie) => ({
  any: fc.oneof(
    { depthSize: 'small' },
    tricky,
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('any'), { maxLength: 4 }),
    fc.dictionary(tricky, tie('any'), { maxKeys: 4 }),
  ),
})).any;

describe('frameElementTexts', () => {
  it('cuts an array frame into its elements exactly as sent, whatever the spacing', () => {
    fc.assert(
      fc.property(
        fc.array(value, { maxLength: 8 }),
        fc.constantFrom(undefined, 1, 2, '\t'),
        fc.constantFrom('', ' ', '\n  '),
        (items, indent, pad) => {
          const text = `${pad}${JSON.stringify(items, null, indent)}${pad}`;
          const parsed = JSON.parse(text) as unknown[];
          const texts = frameElementTexts(text, parsed);
          expect(texts).not.toBeNull();
          expect(texts?.map((t) => JSON.parse(t) as unknown)).toEqual(parsed);
          for (const t of texts ?? []) expect(text).toContain(t);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('keeps a single-event frame whole, and an empty array has no events', () => {
    const one = ' {"type":"gift","id":"a,b]}","count":2} ';
    expect(frameElementTexts(one, JSON.parse(one))).toEqual([one.trim()]);
    expect(frameElementTexts('[ ]', [])).toEqual([]);
    expect(frameElementTexts('[{"id":"x"} , 7 ]', [{ id: 'x' }, 7])).toEqual(['{"id":"x"}', '7']);
  });

  it('leaves nesting deeper than the limit to the caller', () => {
    const deep = `[${'['.repeat(MAX_RAW_DEPTH)}${']'.repeat(MAX_RAW_DEPTH)}]`;
    expect(frameElementTexts(deep, JSON.parse(deep))).toBeNull();
    const fine = `[${'['.repeat(MAX_RAW_DEPTH - 1)}${']'.repeat(MAX_RAW_DEPTH - 1)}]`;
    expect(frameElementTexts(fine, JSON.parse(fine))).toHaveLength(1);
  });
});
