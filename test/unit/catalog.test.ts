import { describe, expect, it } from 'vitest';
import { bundledCatalog, mergeCatalogs, parseTikTokCatalog } from '../../shared/catalog';

describe('bundled catalog', () => {
  it.each([
    [5655, 'Rose', 1, true],
    [5487, 'Finger Heart', 5, true],
    [5660, 'Hand Hearts', 100, false],
    [6267, 'Corgi', 299, false],
    [7168, 'Money Gun', 500, false],
    [6089, 'Sports Car', 7000, false],
    [6149, 'Interstellar', 10000, false],
    [6369, 'Lion', 29999, false],
    [9072, 'TikTok Universe', 44999, false],
  ])('knows gift %i as %s at %i coins (streakable %s)', (id, name, coins, streakable) => {
    expect(bundledCatalog.get(id)).toEqual({ id, name, coins, streakable });
  });

  it('has well-formed entries keyed by their own id', () => {
    expect(bundledCatalog.size).toBeGreaterThanOrEqual(20);
    for (const [id, g] of bundledCatalog) {
      expect(g.id).toBe(id);
      expect(Number.isSafeInteger(g.coins) && g.coins >= 1).toBe(true);
      expect(g.name.trim()).toBe(g.name);
      expect(g.name.length).toBeGreaterThan(0);
    }
  });
});

describe('mergeCatalogs', () => {
  it('replaces and adds entries without touching the base', () => {
    const merged = mergeCatalogs(bundledCatalog, [
      { id: 5655, name: 'Rose', coins: 2, streakable: true },
      { id: 1, name: 'New', coins: 3, streakable: false },
    ]);
    expect(merged.get(5655)?.coins).toBe(2);
    expect(merged.get(1)?.name).toBe('New');
    expect(merged.size).toBe(bundledCatalog.size + 1);
    expect(bundledCatalog.get(5655)?.coins).toBe(1);
    expect(bundledCatalog.has(1)).toBe(false);
  });
});

describe('parseTikTokCatalog', () => {
  const rose = {
    id: 5655,
    name: ' Rose ',
    diamond_count: 1,
    type: 1,
    image: { url_list: ['https://cdn.example/rose.webp'] },
  };

  it('reads the gift-list API answer, a {gifts} object and a bare list', () => {
    const expected = [
      {
        id: 5655,
        name: 'Rose',
        coins: 1,
        streakable: true,
        image: 'https://cdn.example/rose.webp',
      },
    ];
    expect(parseTikTokCatalog({ data: { gifts: [rose] } })).toEqual({ ok: true, value: expected });
    expect(parseTikTokCatalog({ gifts: [rose] })).toEqual({ ok: true, value: expected });
    expect(parseTikTokCatalog([rose])).toEqual({ ok: true, value: expected });
  });

  it('reads camelCase entries and every image spelling', () => {
    const r = parseTikTokCatalog([
      {
        id: '6369',
        name: 'Lion',
        diamondCount: 29999,
        type: 2,
        image: { urlList: ['https://a/l'] },
      },
      { id: 7, name: 'X', diamondCount: 3, image: { url: ['https://a/x'] } },
      { id: 8, name: 'Y', diamondCount: 3, image: 'https://not-an-object' },
      { id: 9, name: '   ', diamondCount: 3 },
    ]);
    expect(r).toEqual({
      ok: true,
      value: [
        { id: 6369, name: 'Lion', coins: 29999, streakable: false, image: 'https://a/l' },
        { id: 7, name: 'X', coins: 3, streakable: false, image: 'https://a/x' },
        { id: 8, name: 'Y', coins: 3, streakable: false },
        { id: 9, name: 'Gift 9', coins: 3, streakable: false },
      ],
    });
  });

  it('skips malformed entries', () => {
    const r = parseTikTokCatalog([
      rose,
      null,
      'gift',
      [],
      { id: -1, name: 'neg', diamond_count: 1 },
      { id: 1.5, name: 'frac', diamond_count: 1 },
      { id: 2, name: 'no price' },
      { id: 3, name: 'neg price', diamond_count: -1 },
      { id: 4, name: 'str price', diamond_count: '1' },
      { id: 5, diamond_count: 1 },
      { id: '', name: 'empty id', diamond_count: 1 },
      { id: '0x10', name: 'hex id', diamond_count: 1 },
      { id: ' 12 ', name: 'spaced id', diamond_count: 1 },
      { id: '1e3', name: 'exp id', diamond_count: 1 },
      { id: 2 ** 60, name: 'unsafe id', diamond_count: 1 },
    ]);
    expect(r.ok && r.value.map((g) => g.id)).toEqual([5655]);
  });

  it('an answer without a usable gift is an error', () => {
    for (const input of [null, 42, 'x', {}, { data: {} }, { data: { gifts: 'x' } }, [], [{}]]) {
      const r = parseTikTokCatalog(input);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('invalid_request');
    }
  });
});
