import { escapeXml, svgDocument } from './svg';

/**
 * Latency tails as a picture: for each series, the share of samples slower than x (log scale), so
 * a p99 is where a line crosses 1%. Samples are kept as histograms of fixed-width bins (small,
 * and runs add up bin by bin).
 */

/** Bin width of latency histograms (ms). */
export const HIST_BIN_MS = 0.25;
/** Bins up to this latency; the last bin counts everything slower. */
export const HIST_MAX_MS = 40;

/** Counts of samples per HIST_BIN_MS bin, the last bin holding everything at or past HIST_MAX_MS. */
export function histogram(samples: readonly number[]): number[] {
  const bins = Math.round(HIST_MAX_MS / HIST_BIN_MS);
  const counts = new Array<number>(bins + 1).fill(0);
  for (const s of samples) {
    const i = Math.min(bins, Math.max(0, Math.floor(s / HIST_BIN_MS)));
    counts[i] = (counts[i] ?? 0) + 1;
  }
  return counts;
}

/** Histograms of several runs as one. */
export function addHistograms(all: readonly (readonly number[])[]): number[] {
  const out: number[] = [];
  for (const h of all) h.forEach((c, i) => (out[i] = (out[i] ?? 0) + c));
  return out;
}

/**
 * What the frame clock alone makes of latencies to the page: the q-quantile of `counts` (a
 * histogram of "in the page" latencies, each bin taken at its centre, the overflow bin at its
 * lower edge) plus a wait for the next frame, the page's moment in its frame uniform over one
 * frame of `frameMs`. Computed exactly from the histogram (no sampling), to 1 µs.
 */
export function framePhaseQuantile(
  counts: readonly number[],
  q: number,
  frameMs = 1000 / 60,
): number {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return Number.NaN;
  const last = counts.length - 1;
  const at = (i: number): number => (i === last ? i : i + 0.5) * HIST_BIN_MS;
  // Share of samples slower than x: a sample at t waits U(0, frameMs), so it is slower than x
  // with probability (t + frameMs - x) / frameMs, clamped to [0, 1].
  const slower = (x: number): number => {
    let share = 0;
    counts.forEach((c, i) => {
      if (c > 0) share += c * Math.min(1, Math.max(0, (at(i) + frameMs - x) / frameMs));
    });
    return share / total;
  };
  let lo = 0;
  let hi = at(last) + frameMs;
  while (hi - lo > 0.001) {
    const mid = (lo + hi) / 2;
    if (slower(mid) > 1 - q) lo = mid;
    else hi = mid;
  }
  return hi;
}

/** The share of samples at or above each bin's upper edge: point i is (upper edge of bin i, share). */
export function tailShares(counts: readonly number[]): { x: number; share: number }[] {
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return [];
  let below = 0;
  return counts.slice(0, -1).map((c, i) => {
    below += c;
    return { x: (i + 1) * HIST_BIN_MS, share: (total - below) / total };
  });
}

export interface TailSeries {
  label: string;
  colour: string;
  dashed?: boolean;
  counts: readonly number[];
}

export interface TailChart {
  title: string;
  subtitle: string;
  series: TailSeries[];
  /** Vertical lines: a latency worth marking (a frame, a target). */
  marks: { x: number; label: string; colour: string }[];
  xMaxMs: number;
}

/** The chart as a standalone SVG document. */
export function tailChartSvg(chart: TailChart): string {
  const W = 900;
  const H = 460;
  const left = 70;
  const right = 20;
  const top = 64;
  const bottom = 52;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const decades = 4; // 100% down to 0.01%
  const xOf = (ms: number): number => left + (Math.min(ms, chart.xMaxMs) / chart.xMaxMs) * plotW;
  const yOf = (share: number): number => {
    const d = Math.min(decades, -Math.log10(Math.max(share, 10 ** -decades)));
    return top + (d / decades) * plotH;
  };
  const out: string[] = [
    `<text x="${left}" y="22" font-size="15" font-weight="600">${escapeXml(chart.title)}</text>`,
    `<text x="${left}" y="40" fill="#555">${escapeXml(chart.subtitle)}</text>`,
  ];
  // Grid: decades across, every 2 ms down.
  for (let d = 0; d <= decades; d++) {
    const y = top + (d / decades) * plotH;
    const label = `${10 ** (2 - d)}%`;
    out.push(
      `<line x1="${left}" x2="${W - right}" y1="${y}" y2="${y}" stroke="${d === 2 ? '#888' : '#e3e3e3'}"${d === 2 ? ' stroke-dasharray="4 3"' : ''}/>`,
      `<text x="${left - 8}" y="${y + 4}" text-anchor="end" fill="#555">${label}</text>`,
    );
  }
  out.push(
    `<text x="${left + plotW * 0.2}" y="${top + plotH / 2 - 6}" fill="#666">1% slower: the p99</text>`,
  );
  for (let ms = 0; ms <= chart.xMaxMs; ms += 2) {
    const x = xOf(ms);
    out.push(
      `<line x1="${x}" x2="${x}" y1="${top}" y2="${top + plotH}" stroke="#efefef"/>`,
      `<text x="${x}" y="${top + plotH + 18}" text-anchor="middle" fill="#555">${ms}</text>`,
    );
  }
  out.push(
    `<text x="${left + plotW / 2}" y="${H - 10}" text-anchor="middle" fill="#333">latency from the frame leaving the sender (ms)</text>`,
    `<text transform="translate(16 ${top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#333">gifts slower than that</text>`,
  );
  chart.marks.forEach((m, i) => {
    const x = xOf(m.x);
    out.push(
      `<line x1="${x}" x2="${x}" y1="${top}" y2="${top + plotH}" stroke="${m.colour}" stroke-width="1.5"/>`,
      `<text x="${x + (i % 2 === 0 ? -4 : 4)}" y="${top + 14 + 16 * i}" text-anchor="${i % 2 === 0 ? 'end' : 'start'}" fill="${m.colour}">${escapeXml(m.label)}</text>`,
    );
  });
  for (const s of chart.series) {
    const points = tailShares(s.counts).filter((p) => p.x <= chart.xMaxMs);
    if (points.length === 0) continue;
    // Steps: the share holds across a bin and drops at its upper edge; a line that reaches no
    // gifts at all ends at the bottom of the scale.
    let d = `M${xOf(0).toFixed(1)},${yOf(1).toFixed(1)}`;
    let last = 1;
    for (const p of points) {
      if (p.share === last) continue;
      d += ` H${xOf(p.x).toFixed(1)} V${yOf(p.share).toFixed(1)}`;
      last = p.share;
      if (p.share === 0) break;
    }
    if (last > 0) d += ` H${xOf(chart.xMaxMs).toFixed(1)}`;
    out.push(
      `<path d="${d}" fill="none" stroke="${s.colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
    );
  }
  // Legend on a white card in the right part of the 10%–1% band, where latency tails have
  // already fallen below it.
  const lx = left + plotW * 0.66;
  const ly = top + plotH / decades + 10;
  out.push(
    `<rect x="${lx - 8}" y="${ly - 4}" width="${plotW * 0.34 - 4}" height="${18 * chart.series.length + 8}" fill="#fff" stroke="#ddd" rx="4"/>`,
  );
  chart.series.forEach((s, i) => {
    const y = ly + 14 + 18 * i;
    out.push(
      `<line x1="${lx}" x2="${lx + 30}" y1="${y - 4}" y2="${y - 4}" stroke="${s.colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      `<text x="${lx + 38}" y="${y}" fill="#222">${escapeXml(s.label)}</text>`,
    );
  });
  return svgDocument(W, H, { family: 'system-ui,sans-serif', size: 12 }, out);
}
