import { describe, expect, it } from 'vitest';
import { Backoff } from '../../electron/services/sources/backoff';
import { RecentIds } from '../../electron/services/sources/recentIds';

describe('reconnect backoff', () => {
  it('grows exponentially to the cap, with full jitter from 0 to the ceiling', () => {
    const top = new Backoff({ baseMs: 500, capMs: 30_000, random: () => 0.999_999 });
    expect(Array.from({ length: 9 }, () => top.next())).toEqual([
      500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000,
    ]);
    const bottom = new Backoff({ baseMs: 500, capMs: 30_000, random: () => 0 });
    expect(Array.from({ length: 5 }, () => bottom.next())).toEqual([0, 0, 0, 0, 0]);
    const half = new Backoff({ baseMs: 500, capMs: 30_000, random: () => 0.5 });
    expect([half.next(), half.next(), half.next()]).toEqual([250, 500, 1000]);
  });

  it('starts again from the base after a success, and never overflows', () => {
    const backoff = new Backoff({ baseMs: 10, capMs: 100, random: () => 0.999_999 });
    for (let i = 0; i < 100; i++) expect(backoff.next()).toBeLessThanOrEqual(100);
    expect(backoff.attempts).toBe(100);
    backoff.reset();
    expect(backoff.next()).toBe(10);
  });
});

describe('recent message ids', () => {
  it('reports repeats and forgets the oldest beyond its capacity', () => {
    const ids = new RecentIds(3);
    expect(['a', 'b', 'c'].map((id) => ids.add(id))).toEqual([true, true, true]);
    expect(ids.add('a')).toBe(false); // seen; refreshed as the newest
    expect(ids.add('d')).toBe(true); // evicts b, the oldest
    expect(ids.size).toBe(3);
    expect(ids.add('b')).toBe(true);
    expect(ids.add('a')).toBe(false);
  });
});
