import type { CDPSession } from 'playwright-core';

/**
 * CDP heap snapshots of a page, parsed: what benchmark 4 uses to say what the heap grew by, and
 * what `heapDiff.ts` uses to say where.
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

/** One node of a heap snapshot. */
export interface HeapNode {
  index: number;
  type: string;
  name: string;
  id: number;
  selfSize: number;
}

/** A parsed heap snapshot, with retainers for reading paths. */
export class Heap {
  readonly nodes: HeapNode[] = [];
  readonly byId = new Map<number, HeapNode>();
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
      const node: HeapNode = {
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

/** A heap snapshot of the page (after a forced GC). */
export async function takeHeapSnapshot(cdp: CDPSession): Promise<Heap> {
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

/** What a snapshot node is, for the heap figures. */
export type HeapKind =
  'V8 code, feedback and shapes' | 'JS values' | 'blink/native (outside JSHeapUsedSize)';

/** Which part of the page's memory a node is counted in. */
export function heapKind(n: HeapNode): HeapKind {
  // "native system / …" nodes (function templates, dependent-code lists) live in V8's heap;
  // other native nodes are Blink's (Oilpan), outside JSHeapUsedSize.
  if (n.type === 'native' && !n.name.startsWith('system /')) {
    return 'blink/native (outside JSHeapUsedSize)';
  }
  return n.type === 'code' || n.type === 'object shape' || n.name.startsWith('system /')
    ? 'V8 code, feedback and shapes'
    : 'JS values';
}

/** Bytes by kind of the objects in `after` that are not in `before`, less those that went. */
export function netGrowthByKind(before: Heap, after: Heap): Map<HeapKind, number> {
  const out = new Map<HeapKind, number>();
  const add = (n: HeapNode, sign: number): void => {
    const kind = heapKind(n);
    out.set(kind, (out.get(kind) ?? 0) + sign * n.selfSize);
  };
  for (const n of after.nodes) if (!before.byId.has(n.id)) add(n, 1);
  for (const n of before.nodes) if (!after.byId.has(n.id)) add(n, -1);
  return out;
}
