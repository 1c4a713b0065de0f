import { readFileSync } from 'node:fs';

/** Summarizes V8 CPU profiles (the inspector's `Profiler.stop`) as the top self-time frames. */

/** One node of a V8 CPU profile's call tree. */
export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  hitCount?: number;
  children?: number[];
}

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

/** A V8 CPU profile (`.cpuprofile`). */
export interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

/**
 * A frame as people read it: the function, then where it is. Gemlight's TypeScript runs through
 * tsx, whose compiled line numbers are not the source's, so its files are named without a line;
 * Node's and packages' JavaScript keeps its line. Native functions (better-sqlite3's `run`, a
 * socket's `writev`) have no script and say so.
 */
export function frameLabel({ functionName, url, lineNumber }: CallFrame): string {
  const file = url
    .replace(/^file:\/\//, '')
    .replace(/^.*?\/((electron|shared|test|node_modules)\/)/, '$1');
  const name = functionName || '(anonymous)';
  // No script: V8's own states, "(garbage collector)" and the like, or a native (C++) function.
  if (!file) return /^\(.*\)$/.test(name) ? name : `${name} (native)`;
  return `${name} ${/\.tsx?$/.test(file) ? file : `${file}:${lineNumber + 1}`}`;
}

/** One frame's share of the samples. */
export interface HotFrame {
  frame: string;
  selfMs: number;
  share: number;
}

export const readProfile = (file: string): CpuProfile =>
  JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;

/** The `top` frames by self time of a profile. */
export function topFrames(profile: CpuProfile, top = 12): HotFrame[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const us = deltas[i] ?? 0;
    const key = frameLabel(node.callFrame);
    self.set(key, (self.get(key) ?? 0) + us);
    total += us;
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([frame, us]) => ({ frame, selfMs: us / 1000, share: total > 0 ? us / total : 0 }));
}

if (process.argv[1]?.endsWith('profile.ts') && process.argv[2]) {
  for (const f of topFrames(readProfile(process.argv[2]), Number(process.argv[3] ?? 20))) {
    process.stdout.write(
      `${(f.share * 100).toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(0).padStart(6)} ms  ${f.frame}\n`,
    );
  }
}
