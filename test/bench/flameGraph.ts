import type { CpuProfile } from './profile';
import { frameLabel } from './profile';
import { escapeXml, svgDocument } from './svg';

/**
 * Draws a V8 CPU profile as a flame graph (SVG): one box per call path, as wide as the time spent
 * in it and everything it called, callers below callees. Siblings with the same label are merged
 * and sorted widest first, so the left edge reads as "where most of the time goes".
 */

/** One call path with its time (µs): its own, and its own plus its callees'. */
export interface FlameNode {
  label: string;
  selfUs: number;
  totalUs: number;
  children: FlameNode[];
}

/** Folds a profile into a tree of call paths (the root is the profile's own root node). */
export function flameTree(profile: CpuProfile): FlameNode {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const id = samples[i] as number;
    selfUs.set(id, (selfUs.get(id) ?? 0) + (deltas[i] ?? 0));
  }
  const childIds = new Set<number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) childIds.add(c);
  const rootNode = profile.nodes.find((n) => !childIds.has(n.id));
  if (!rootNode) throw new Error('flame graph: the profile has no root node');

  // Iterative, children before parents: deep recursion in a profile must not overflow our stack.
  const built = new Map<number, FlameNode>();
  const stack: { id: number; visited: boolean }[] = [{ id: rootNode.id, visited: false }];
  while (stack.length > 0) {
    const top = stack.pop() as { id: number; visited: boolean };
    const node = byId.get(top.id);
    if (!node) continue;
    if (!top.visited) {
      stack.push({ id: top.id, visited: true });
      for (const c of node.children ?? []) stack.push({ id: c, visited: false });
      continue;
    }
    const own = selfUs.get(node.id) ?? 0;
    const merged = new Map<string, FlameNode>();
    for (const c of node.children ?? []) {
      const child = built.get(c);
      if (!child) continue;
      const same = merged.get(child.label);
      merged.set(child.label, same ? mergeNodes(same, child) : child);
    }
    const children = [...merged.values()].sort((a, b) => b.totalUs - a.totalUs);
    built.set(node.id, {
      label: node.id === rootNode.id ? 'all' : frameLabel(node.callFrame),
      selfUs: own,
      totalUs: own + children.reduce((sum, c) => sum + c.totalUs, 0),
      children,
    });
  }
  return built.get(rootNode.id) as FlameNode;
}

/** Two call paths with the same label under one caller, as one. */
function mergeNodes(a: FlameNode, b: FlameNode): FlameNode {
  const byLabel = new Map<string, FlameNode>();
  for (const c of [...a.children, ...b.children]) {
    const same = byLabel.get(c.label);
    byLabel.set(c.label, same ? mergeNodes(same, c) : c);
  }
  return {
    label: a.label,
    selfUs: a.selfUs + b.selfUs,
    totalUs: a.totalUs + b.totalUs,
    children: [...byLabel.values()].sort((x, y) => y.totalUs - x.totalUs),
  };
}

/** What kind of code a frame is, for its colour. */
export type FrameKind = 'gemlight' | 'package' | 'node' | 'native' | 'vm';

export function frameKind(label: string): FrameKind {
  if (/^\(.*\)$/.test(label)) return 'vm';
  if (label.endsWith(' (native)')) return 'native';
  if (/ (electron|shared)\//.test(label)) return 'gemlight';
  if (label.includes('node_modules/')) return 'package';
  return 'node';
}

const HUES: Record<FrameKind, [number, number]> = {
  gemlight: [14, 40], // orange to amber
  package: [190, 215], // teal to blue
  node: [260, 285], // violet
  native: [95, 130], // green
  vm: [0, 0], // grey
};

/** A stable colour per label within its kind's band, so one function has one colour. */
function colourOf(label: string): string {
  const kind = frameKind(label);
  if (kind === 'vm') return label === '(idle)' ? 'hsl(0,0%,82%)' : 'hsl(0,0%,62%)';
  let h = 0;
  for (let i = 0; i < label.length; i++) h = (h * 31 + label.charCodeAt(i)) >>> 0;
  const [from, to] = HUES[kind];
  const hue = from + (h % (to - from + 1));
  const light = 58 + ((h >>> 8) % 12);
  return `hsl(${hue},75%,${light}%)`;
}

export interface FlameOptions {
  title: string;
  width?: number;
  /** Paths narrower than this share of the whole are left out (and so are their callees). */
  minShare?: number;
}

const ROW = 17;
const CHAR_PX = 6.6;
const HEAD = 44;
const FOOT = 26;

/** The flame graph of `root` as a standalone SVG document. */
export function flameSvg(root: FlameNode, options: FlameOptions): string {
  const width = options.width ?? 1200;
  const minShare = options.minShare ?? 0.002;
  const total = Math.max(root.totalUs, 1);
  const scale = (width - 20) / total;
  const boxes: { x: number; depth: number; w: number; node: FlameNode }[] = [];
  let maxDepth = 0;
  const walk = (node: FlameNode, x: number, depth: number): void => {
    if (node.totalUs / total < minShare) return;
    boxes.push({ x, depth, w: node.totalUs * scale, node });
    maxDepth = Math.max(maxDepth, depth);
    let cx = x;
    for (const c of node.children) {
      walk(c, cx, depth + 1);
      cx += c.totalUs * scale;
    }
  };
  walk(root, 10, 0);
  const height = HEAD + (maxDepth + 1) * ROW + FOOT;
  const ms = (us: number): string => `${(us / 1000).toFixed(us < 10_000 ? 1 : 0)} ms`;
  const out: string[] = [
    `<text x="10" y="20" font-size="15" font-family="system-ui,sans-serif" font-weight="600">${escapeXml(options.title)}</text>`,
    `<text x="10" y="36" font-family="system-ui,sans-serif" fill="#555">${escapeXml(
      `${ms(root.totalUs)} sampled. Width is time in a function and what it called; callers below callees. ` +
        'Orange: Gemlight; blue: packages; violet: Node; green: native (SQLite, sockets); grey: V8 (GC, idle).',
    )}</text>`,
  ];
  for (const b of boxes) {
    const y = HEAD + (maxDepth - b.depth) * ROW;
    const share = ((b.node.totalUs / total) * 100).toFixed(1);
    const tip = `${b.node.label} — ${ms(b.node.totalUs)} (${share}%), self ${ms(b.node.selfUs)}`;
    out.push(
      `<g><title>${escapeXml(tip)}</title>` +
        `<rect x="${b.x.toFixed(2)}" y="${y}" width="${Math.max(b.w - 0.6, 0.4).toFixed(2)}" height="${ROW - 1}" rx="2" fill="${colourOf(b.node.label)}"/>`,
    );
    const fits = Math.floor((b.w - 6) / CHAR_PX);
    if (fits >= 3) {
      const text =
        b.node.label.length <= fits ? b.node.label : `${b.node.label.slice(0, fits - 1)}…`;
      out.push(`<text x="${(b.x + 3).toFixed(2)}" y="${y + ROW - 5}">${escapeXml(text)}</text>`);
    }
    out.push('</g>');
  }
  out.push(
    `<text x="10" y="${height - 8}" font-family="system-ui,sans-serif" fill="#777">` +
      `${escapeXml(`Paths under ${(minShare * 100).toFixed(1)}% of the time are left out. Hover a box for its time.`)}</text>`,
  );
  return svgDocument(
    width,
    height,
    { family: 'ui-monospace,Menlo,Consolas,monospace', size: 11 },
    out,
  );
}
