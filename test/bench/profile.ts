import { readFileSync } from 'node:fs';

/** Summarizes V8 CPU profiles (`node --cpu-prof`) as the top self-time frames. */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

/** One frame's share of the samples. */
export interface HotFrame {
  frame: string;
  selfMs: number;
  share: number;
}

/** The `top` frames by self time of a .cpuprofile file. */
export function topFrames(file: string, top = 12): HotFrame[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let total = 0;
  samples.forEach((id, i) => {
    const node = byId.get(id);
    if (!node) return;
    const us = deltas[i] ?? 0;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url
      ? `${url.replace(/^.*\/work\/main\//, '').replace(/^file:\/\//, '')}:${lineNumber + 1}`
      : '';
    const key = `${functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + us);
    total += us;
  });
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([frame, us]) => ({ frame, selfMs: us / 1000, share: total > 0 ? us / total : 0 }));
}

if (process.argv[1]?.endsWith('profile.ts') && process.argv[2]) {
  for (const f of topFrames(process.argv[2], Number(process.argv[3] ?? 20))) {
    process.stdout.write(
      `${(f.share * 100).toFixed(1).padStart(5)}%  ${f.selfMs.toFixed(0).padStart(6)} ms  ${f.frame}\n`,
    );
  }
}
