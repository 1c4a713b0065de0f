import type { CDPSession } from 'playwright-core';
import { HEAP_SETTLE_MS } from '../bench/overlayCost';
import { openMeasuredOverlay, sendStorm, settledHeapBytes } from './overlayStorm';

/**
 * Finds what the overlay page keeps after an alert storm: CDP heap snapshots before and after
 * benchmark 4's storm (same gifts, same rate), diffed by object id (ids are stable within one
 * page), grouped by node type and constructor, with one retainer path per big group.
 *
 *   [JS_FLAGS=…] npx tsx test/overlay/heapDiff.ts [alerts=2000] [rate=100] [idle ms after each storm=HEAP_SETTLE_MS]
 */

interface Snapshot {
  snapshot: {
    meta: {
      node_fields: string[];
      node_types: unknown[];
      edge_fields: string[];
      edge_types: unknown[];
      location_fields?: string[];
    };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
  /** Source positions of closures: [node offset, script id, line, column] per entry. */
  locations?: number[];
}

interface Node {
  index: number;
  type: string;
  name: string;
  id: number;
  selfSize: number;
}

class Heap {
  readonly nodes: Node[] = [];
  readonly byId = new Map<number, Node>();
  /** Retainers: node index → [from node index, edge name]. */
  readonly retainers = new Map<number, [number, string][]>();
  /** Where a closure's source is: node index → "script#id:line:column". */
  readonly locations = new Map<number, string>();

  constructor(s: Snapshot) {
    const nf = s.snapshot.meta.node_fields;
    const ef = s.snapshot.meta.edge_fields;
    const nodeTypes = s.snapshot.meta.node_types[0] as string[];
    const edgeTypes = s.snapshot.meta.edge_types[0] as string[];
    const nl = nf.length;
    const el = ef.length;
    const [iType, iName, iId, iSize, iEdges] = [
      'type',
      'name',
      'id',
      'self_size',
      'edge_count',
    ].map((f) => nf.indexOf(f)) as [number, number, number, number, number];
    const [eType, eName, eTo] = ['type', 'name_or_index', 'to_node'].map((f) => ef.indexOf(f)) as [
      number,
      number,
      number,
    ];
    let edge = 0;
    for (let i = 0; i < s.nodes.length; i += nl) {
      const node: Node = {
        index: i / nl,
        type: nodeTypes[s.nodes[i + iType] ?? 0] ?? '?',
        name: s.strings[s.nodes[i + iName] ?? 0] ?? '?',
        id: s.nodes[i + iId] ?? 0,
        selfSize: s.nodes[i + iSize] ?? 0,
      };
      this.nodes.push(node);
      this.byId.set(node.id, node);
      const count = s.nodes[i + iEdges] ?? 0;
      for (let k = 0; k < count; k++, edge += el) {
        const type = edgeTypes[s.edges[edge + eType] ?? 0] ?? '?';
        if (type === 'weak') continue;
        const raw = s.edges[edge + eName] ?? 0;
        const name = type === 'element' || type === 'hidden' ? `[${raw}]` : (s.strings[raw] ?? '?');
        const to = (s.edges[edge + eTo] ?? 0) / nl;
        const list = this.retainers.get(to) ?? [];
        list.push([node.index, name]);
        this.retainers.set(to, list);
      }
    }
    const lf = s.snapshot.meta.location_fields ?? [];
    const loc = s.locations ?? [];
    const [lNode, lScript, lLine, lCol] = ['object_index', 'script_id', 'line', 'column'].map((f) =>
      lf.indexOf(f),
    ) as [number, number, number, number];
    for (let i = 0; lf.length > 0 && i < loc.length; i += lf.length) {
      this.locations.set(
        (loc[i + lNode] ?? 0) / nl,
        `script#${loc[i + lScript]}:${loc[i + lLine]}:${loc[i + lCol]}`,
      );
    }
  }

  /** A closure's name, or for an anonymous one its source position (script, line, column). */
  private closureLabel(index: number): string {
    const where = this.locations.get(index) ?? '?';
    return `${this.nodes[index]?.name || '(anonymous)'} @${where}`;
  }

  /** The nearest holder of a node: its first retainer, looking through arrays and system data. */
  owner(index: number): string {
    let at = index;
    let trail = '';
    for (let depth = 0; depth < 4; depth++) {
      const first = this.retainers.get(at)?.[0];
      if (!first) return `(none)${trail}`;
      const [from, edge] = first;
      const node = this.nodes[from];
      if (!node) return '?';
      trail = `.${/^\[\d+\]$/.test(edge) ? '[]' : edge}${trail}`;
      if (node.type !== 'array' && !node.name.startsWith('system /')) {
        return `${node.type}:${node.name.slice(0, 50)}${trail}`;
      }
      at = from;
    }
    return `…${trail}`;
  }

  /** The function a piece of compiled code or feedback belongs to, if one is near. */
  functionOf(index: number): string | null {
    let frontier = [index];
    const seen = new Set(frontier);
    for (let depth = 0; depth < 4; depth++) {
      const next: number[] = [];
      for (const at of frontier) {
        for (const [from] of this.retainers.get(at) ?? []) {
          const node = this.nodes[from];
          if (!node || seen.has(from)) continue;
          seen.add(from);
          if (node.type === 'closure') return this.closureLabel(from);
          const sfi = /^system \/ SharedFunctionInfo(?: \/ (.*))?$/.exec(node.name);
          if (sfi) {
            // Named by a closure sharing it, which also knows the source position.
            const closure = (this.retainers.get(from) ?? []).find(
              ([c]) => this.nodes[c]?.type === 'closure',
            );
            return closure ? this.closureLabel(closure[0]) : (sfi[1] ?? '(anonymous)');
          }
          next.push(from);
        }
      }
      frontier = next;
    }
    return null;
  }

  /** One shortest-looking retainer path (BFS towards a root-ish node), for reading. */
  path(index: number): string {
    const seen = new Set<number>([index]);
    let frontier: [number, string][] = [[index, '']];
    for (let depth = 0; depth < 14 && frontier.length > 0; depth++) {
      const next: [number, string][] = [];
      for (const [at, trail] of frontier) {
        const node = this.nodes[at];
        if (!node) continue;
        const label = `${node.type}:${node.name.slice(0, 40)}`;
        if (node.type === 'synthetic' || /^Window|^system \/ NativeContext/.test(node.name)) {
          return `${label}${trail}`;
        }
        for (const [from, edge] of this.retainers.get(at) ?? []) {
          if (seen.has(from)) continue;
          seen.add(from);
          next.push([from, ` .${edge} → ${label}${trail}`]);
        }
      }
      frontier = next;
    }
    return '(no short path)';
  }
}

async function snapshot(cdp: CDPSession): Promise<Heap> {
  const chunks: string[] = [];
  const onChunk = (e: { chunk: string }): void => {
    chunks.push(e.chunk);
  };
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk);
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
  cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk);
  return new Heap(JSON.parse(chunks.join('')) as Snapshot);
}

const usedHeap = settledHeapBytes;

/**
 * The same reading after a critical memory-pressure notification: V8 then runs its last-resort GC,
 * which also flushes compiled code and bytecode of functions not running, so what it frees is V8's
 * code cache, not state the page keeps.
 */
async function usedHeapUnderPressure(cdp: CDPSession): Promise<number> {
  await cdp.send('Memory.simulatePressureNotification', { level: 'critical' });
  return usedHeap(cdp);
}

function diff(before: Heap, after: Heap, label: string): void {
  const groups = new Map<string, { size: number; count: number; sample: number }>();
  for (const n of after.nodes) {
    if (before.byId.has(n.id)) continue;
    const key = `${n.type} ${n.type === 'string' || n.type === 'concatenated string' ? '' : n.name.slice(0, 60)}`;
    const g = groups.get(key) ?? { size: 0, count: 0, sample: n.index };
    g.size += n.selfSize;
    g.count++;
    groups.set(key, g);
  }
  const freed = new Map<string, number>();
  for (const n of before.nodes) {
    if (after.byId.has(n.id)) continue;
    freed.set(n.type, (freed.get(n.type) ?? 0) + n.selfSize);
  }
  const rows = [...groups.entries()].sort((a, b) => b[1].size - a[1].size);
  const total = rows.reduce((s, [, g]) => s + g.size, 0);
  console.log(
    `\n== ${label}: new objects ${(total / 1024).toFixed(1)} KiB; freed by type:`,
    Object.fromEntries([...freed].map(([t, s]) => [t, Math.round(s / 1024)])),
  );
  const byType = new Map<string, number>();
  for (const [key, g] of rows)
    byType.set(key.split(' ')[0] ?? '', (byType.get(key.split(' ')[0] ?? '') ?? 0) + g.size);
  console.log(
    'new KiB by node type:',
    Object.fromEntries([...byType].map(([t, s]) => [t, Math.round(s / 1024)])),
  );
  const kinds = new Map<string, number>();
  const owners = new Map<string, number>();
  const functions = new Map<string, number>();
  for (const n of after.nodes) {
    if (before.byId.has(n.id)) continue;
    const kind =
      // "native system / …" nodes (function templates, dependent-code lists) live in V8's heap;
      // other native nodes are Blink's (Oilpan), outside JSHeapUsedSize.
      n.type === 'native' && !n.name.startsWith('system /')
        ? 'blink/native (outside JSHeapUsedSize)'
        : n.type === 'code' || n.type === 'object shape' || n.name.startsWith('system /')
          ? 'V8 code, feedback and shapes'
          : 'JS values';
    kinds.set(kind, (kinds.get(kind) ?? 0) + n.selfSize);
    if (n.type === 'code') {
      const fn = after.functionOf(n.index) ?? '(not tied to one function)';
      functions.set(fn, (functions.get(fn) ?? 0) + n.selfSize);
    }
    if (kind !== 'JS values') continue;
    owners.set(after.owner(n.index), (owners.get(after.owner(n.index)) ?? 0) + n.selfSize);
  }
  console.log(
    'new KiB by kind:',
    Object.fromEntries([...kinds].map(([t, v]) => [t, Math.round(v / 1024)])),
  );
  console.log('new JS values by holder (KiB):');
  for (const [owner, size] of [...owners].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    console.log(`${(size / 1024).toFixed(1).padStart(8)}  ${owner}`);
  }
  const scripts = new Map<string, number>();
  for (const [fn, size] of functions) {
    const script = /@(script#\d+)/.exec(fn)?.[1] ?? '(no position)';
    scripts.set(script, (scripts.get(script) ?? 0) + size);
  }
  console.log(
    'new compiled code/feedback by script (KiB):',
    Object.fromEntries([...scripts].map(([k, v]) => [k, Math.round(v / 1024)])),
  );
  const fnRows = [...functions].sort((a, b) => b[1] - a[1]);
  console.log(
    `new compiled code/feedback by function (${fnRows.length} functions, KiB):`,
    fnRows
      .slice(0, 40)
      .map(([fn, size]) => `${fn} ${(size / 1024).toFixed(1)}`)
      .join(', '),
  );
  for (const [key, g] of rows.slice(0, 30)) {
    console.log(
      `${(g.size / 1024).toFixed(1).padStart(8)} KiB ${String(g.count).padStart(6)}×  ${key}`,
    );
    if (g.size > 8 * 1024) console.log(`           e.g. ${after.path(g.sample)}`);
  }
}

async function main(): Promise<void> {
  const alerts = Number(process.argv[2] ?? 2000);
  const rate = Number(process.argv[3] ?? 100);
  // JS_FLAGS is for diagnosis only, e.g. "--stress-flush-code --flush-baseline-code" shows what
  // is left once V8 has flushed every function's code it is allowed to.
  const { serve, page, cdp, close } = await openMeasuredOverlay(console.log, process.env.JS_FLAGS);
  try {
    await page.waitForTimeout(2_000);
    const mib = (b: number): string => (b / 2 ** 20).toFixed(3);
    const idleMs = Number(process.argv[4] ?? HEAP_SETTLE_MS);
    const h0 = await usedHeap(cdp);
    const s0 = await snapshot(cdp);
    await sendStorm(cdp, serve, 1, { alerts, rate });
    const h1 = await usedHeap(cdp);
    const s1 = await snapshot(cdp);
    // Longer than the scheduler's key window plus one heartbeat, so remembered keys age out.
    await page.waitForTimeout(idleMs);
    const h2 = await usedHeap(cdp);
    const s2 = await snapshot(cdp);
    const p2 = await usedHeapUnderPressure(cdp);
    await sendStorm(cdp, serve, 2, { alerts, rate });
    await page.waitForTimeout(idleMs);
    const h3 = await usedHeap(cdp);
    const s3 = await snapshot(cdp);
    const ratio = (b: number): string => `${mib(b)} MiB (${(b / h0).toFixed(3)}×)`;
    console.log(`JSHeapUsedSize after forced GC: before the storm ${mib(h0)} MiB`);
    console.log(`  right after storm 1 (cards gone): ${ratio(h1)}`);
    console.log(
      `  after ${idleMs} ms idle: ${ratio(h2)}; then critical memory pressure: ${ratio(p2)}`,
    );
    console.log(`  after storm 2 and ${idleMs} ms idle: ${ratio(h3)}`);
    diff(s0, s1, 'before → right after storm 1');
    diff(s0, s2, `before → storm 1 + ${idleMs} ms idle`);
    diff(s2, s3, `storm 1 + idle → storm 2 + idle`);
  } finally {
    await close();
  }
}

await main();
