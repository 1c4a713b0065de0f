import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One bar/line series of a chart. */
export interface ChartSeries {
  label: string;
  values: (number | null)[];
  /** CSS custom property holding the color, e.g. "--accent". */
  colorVar: string;
  kind: 'bars' | 'line';
}

/** A highlighted x-range (a gap in the data). */
export interface ChartBand {
  from: number;
  to: number;
}

interface ChartProps {
  /** Accessible name of the chart. */
  label: string;
  /** X values in ms since the epoch. */
  x: number[];
  series: ChartSeries[];
  bands?: ChartBand[];
  height?: number;
  /** Formats y-axis values. */
  formatY?: (v: number) => string;
  /** The x axis shows at least this span (ms), so a chart with one bar is not stretched. */
  minSpanMs?: number;
  /** Formats x-axis values (ms since the epoch); default: short local time. */
  formatX?: (ms: number) => string;
}

const shortTime = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });

const cssVar = (el: Element, name: string): string =>
  getComputedStyle(el).getPropertyValue(name).trim() || '#888';

/**
 * A small uPlot chart that follows its container's width and the theme's colors. Bands (data gaps)
 * are painted behind the series, so "observed, with a gap" is visible at a glance.
 */
export function Chart({
  label,
  x,
  series,
  bands = [],
  height = 220,
  formatY,
  formatX,
  minSpanMs = 0,
}: ChartProps) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const bandsRef = useRef(bands);
  bandsRef.current = bands;
  const formatRef = useRef({ formatX, formatY });
  formatRef.current = { formatX, formatY };
  const shape = series.map((s) => `${s.label}:${s.kind}:${s.colorVar}`).join('|');

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const axisColor = cssVar(el, '--text-dim');
    const gridColor = cssVar(el, '--grid');
    const gapColor = cssVar(el, '--gap');
    const bars = uPlot.paths.bars?.({ size: [0.7, 40] });
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height,
      ms: 1,
      legend: { show: series.length > 1 },
      cursor: { drag: { x: false, y: false } },
      scales: {
        x: {
          time: true,
          range: (_u: uPlot, min: number, max: number): uPlot.Range.MinMax =>
            minSpanMs > 0 ? [Math.min(min, max - minSpanMs), max + 60_000] : [min, max],
        },
      },
      axes: [
        {
          stroke: axisColor,
          grid: { stroke: gridColor, width: 1 },
          ticks: { show: false },
          space: 80,
          values: (_u: uPlot, vals: number[]) =>
            vals.map((v) =>
              (formatRef.current.formatX ?? ((ms: number) => shortTime.format(ms)))(v),
            ),
        },
        {
          stroke: axisColor,
          grid: { stroke: gridColor, width: 1 },
          ticks: { show: false },
          size: 56,
          space: 36,
          values: (_u: uPlot, vals: number[]) =>
            vals.map((v) => (formatRef.current.formatY ? formatRef.current.formatY(v) : String(v))),
        },
      ],
      series: [
        {},
        ...series.map((s) => {
          const color = cssVar(el, s.colorVar);
          return s.kind === 'bars'
            ? {
                label: s.label,
                stroke: color,
                fill: `${color}cc`,
                width: 0,
                points: { show: false },
                ...(bars ? { paths: bars } : {}),
              }
            : { label: s.label, stroke: color, width: 2, points: { show: false } };
        }),
      ],
      hooks: {
        drawClear: [
          (u: uPlot) => {
            const ctx = u.ctx;
            ctx.save();
            ctx.fillStyle = gapColor;
            for (const b of bandsRef.current) {
              const left = u.valToPos(b.from, 'x', true);
              const right = u.valToPos(b.to, 'x', true);
              ctx.fillRect(left, u.bbox.top, Math.max(2, right - left), u.bbox.height);
            }
            ctx.restore();
          },
        ],
      },
    };
    const chart = new uPlot(opts, [[], ...series.map(() => [])], el);
    plot.current = chart;
    const resize = new ResizeObserver(() =>
      chart.setSize({ width: Math.max(200, el.clientWidth), height }),
    );
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
    // The chart is rebuilt only when its shape changes; data updates go through setData below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [shape, height, minSpanMs]);

  useEffect(() => {
    plot.current?.setData([x, ...series.map((s) => s.values)]);
  });

  return <div className="chart" ref={host} role="img" aria-label={label} />;
}
