import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flameSvg, flameTree, frameKind, type FlameNode } from '../bench/flameGraph';
import { frameLabel, topFrames, type CpuProfile, type ProfileNode } from '../bench/profile';
import { readSvg } from '../support/svg';

const HOSTILE = '<img src=x onerror="alert(1)"> & co';

const frame = (id: number, functionName: string, url: string, children: number[] = []) =>
  ({
    id,
    callFrame: { functionName, url, lineNumber: 40 },
    children,
  }) satisfies ProfileNode;

/**
 * root ─┬─ applyGift (100 µs self) ── run (300)
 *       ├─ (garbage collector) (400)
 *       ├─ applyGift (50 self, a second node of the same function) ── flushPending (50)
 *       ├─ HOSTILE (60)
 *       └─ tiny (1: under the 0.2% cut)
 */
const PROFILE: CpuProfile = {
  nodes: [
    frame(1, '(root)', '', [2, 4, 5, 7, 8]),
    frame(2, 'applyGift', 'file:///work/main/electron/services/ledger/writer.ts', [3]),
    frame(3, 'run', 'file:///work/main/node_modules/better-sqlite3/lib/methods/wrappers.js'),
    frame(4, '(garbage collector)', ''),
    frame(5, 'applyGift', 'file:///work/main/electron/services/ledger/writer.ts', [6]),
    frame(6, 'flushPending', 'file:///work/main/electron/services/ledger/writer.ts'),
    frame(7, HOSTILE, 'node:internal/streams/readable'),
    frame(8, 'tiny', 'node:internal/timers'),
  ],
  // Sample i is the node's, for timeDeltas[i] µs.
  samples: [2, 3, 3, 4, 5, 6, 7, 8],
  timeDeltas: [100, 150, 150, 400, 50, 50, 60, 1],
  startTime: 0,
  endTime: 961,
};

describe('flame graph of a CPU profile', () => {
  it('folds samples into call paths, merging one function called twice from one caller', () => {
    const root = flameTree(PROFILE);
    expect(root.totalUs).toBe(961);
    const labels = root.children.map((c) => c.label);
    // Widest first: applyGift (100 + 300 + 50 + 50 = 500), then the GC (400), ...
    expect(labels[0]).toBe('applyGift electron/services/ledger/writer.ts');
    expect(labels[1]).toBe('(garbage collector)');
    expect(labels.filter((l) => l.startsWith('applyGift'))).toHaveLength(1);
    const apply = root.children[0] as FlameNode;
    expect(apply).toMatchObject({ selfUs: 150, totalUs: 500 });
    expect(apply.children.map((c) => [c.label, c.totalUs])).toEqual([
      ['run node_modules/better-sqlite3/lib/methods/wrappers.js:41', 300],
      ['flushPending electron/services/ledger/writer.ts', 50],
    ]);
    // The top-frames table reads the same samples by self time.
    expect(topFrames(PROFILE, 2).map((f) => [f.frame, f.selfMs])).toEqual([
      ['(garbage collector)', 0.4],
      ['run node_modules/better-sqlite3/lib/methods/wrappers.js:41', 0.3],
    ]);
  });

  it('names frames by function and file; tsx-compiled files without their misleading line', () => {
    expect(
      frameLabel({ functionName: '', url: 'file:///x/y/shared/streaks.ts', lineNumber: 9 }),
    ).toBe('(anonymous) shared/streaks.ts');
    expect(frameLabel({ functionName: 'emit', url: 'node:events', lineNumber: 470 })).toBe(
      'emit node:events:471',
    );
    expect(frameLabel({ functionName: '(idle)', url: '', lineNumber: -1 })).toBe('(idle)');
    expect(frameLabel({ functionName: 'run', url: '', lineNumber: -1 })).toBe('run (native)');
    expect(frameKind('run (native)')).toBe('native');
    expect(frameKind('flush electron/services/ingest/pipeline.ts')).toBe('gemlight');
    expect(frameKind('run node_modules/better-sqlite3/lib/methods/wrappers.js:41')).toBe('package');
    expect(frameKind('emit node:events:471')).toBe('node');
    expect(frameKind('(garbage collector)')).toBe('vm');
  });

  it('a folded tree keeps every sampled microsecond, whatever the call tree', () => {
    // Random trees: each node's parent is an earlier node; random samples over them.
    const arbitraryProfile = fc
      .array(fc.tuple(fc.nat(), fc.constantFrom('a', 'b', 'c'), fc.nat(1000)), {
        minLength: 1,
        maxLength: 40,
      })
      .map((spec): CpuProfile => {
        const nodes: ProfileNode[] = [frame(1, '(root)', '')];
        const samples: number[] = [];
        const timeDeltas: number[] = [];
        spec.forEach(([parentPick, name, us], i) => {
          const id = i + 2;
          const parent = nodes[parentPick % nodes.length] as ProfileNode;
          (parent.children ??= []).push(id);
          nodes.push(frame(id, name, 'file:///r/shared/x.ts'));
          samples.push(id);
          timeDeltas.push(us);
        });
        return { nodes, samples, timeDeltas, startTime: 0, endTime: 0 };
      });
    fc.assert(
      fc.property(arbitraryProfile, (profile) => {
        const root = flameTree(profile);
        const sampled = (profile.timeDeltas ?? []).reduce((a, b) => a + b, 0);
        expect(root.totalUs).toBe(sampled);
        const check = (n: FlameNode): void => {
          const kids = n.children.reduce((a, c) => a + c.totalUs, 0);
          expect(n.totalUs).toBe(n.selfUs + kids);
          // Merged: no two children of one node share a label.
          expect(new Set(n.children.map((c) => c.label)).size).toBe(n.children.length);
          n.children.forEach(check);
        };
        check(root);
      }),
    );
  });

  it('draws as SVG that Chromium parses: boxes as wide as their time, hostile names as text', async () => {
    const root = flameTree(PROFILE);
    const read = await readSvg(flameSvg(root, { title: `Profile of ${HOSTILE}`, width: 1020 }));
    expect(read.parseError).toBeNull();
    expect(read.active).toBe(0);
    expect(read.texts[0]).toBe(`Profile of ${HOSTILE}`);
    const width = (label: string): number =>
      read.boxes.find((b) => b.tip.startsWith(`${label} —`))?.width ?? Number.NaN;
    const all = width('all');
    // 1020 px wide with 10 px margins: the root spans 1000 px (less the 0.6 px gap).
    expect(all).toBeCloseTo(999.4, 1);
    expect(width('applyGift electron/services/ledger/writer.ts') / all).toBeCloseTo(500 / 961, 2);
    expect(width('(garbage collector)') / all).toBeCloseTo(400 / 961, 2);
    expect(width(`${HOSTILE} node:internal/streams/readable:41`) / all).toBeCloseTo(60 / 961, 2);
    // 1 µs of 961 is under the 0.2% cut: left out.
    expect(read.boxes.some((b) => b.tip.startsWith('tiny'))).toBe(false);
    expect(read.boxes).toHaveLength(6);
  });
});
