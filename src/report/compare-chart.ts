import { View, parse } from 'vega';
import { compile } from 'vega-lite';

/** One run of a comparison: its policy and its memory after each operation (pages). */
export interface MemorySeries {
  readonly policy: string;
  readonly points: ReadonlyArray<{ readonly i: number; readonly resident: number; readonly noData: number | null }>;
}

/** Points per line at most: a longer run is drawn as the maxima of equal bins of operations. */
export const MAX_CHART_POINTS = 1000;

/** `points` binned to at most `MAX_CHART_POINTS`, each bin its first operation and its maxima. Pure. */
function binned(points: MemorySeries['points']): MemorySeries['points'] {
  if (points.length <= MAX_CHART_POINTS) return points;
  const size = Math.ceil(points.length / MAX_CHART_POINTS);
  const out: Array<MemorySeries['points'][number]> = [];
  for (let k = 0; k < points.length; k += size) {
    const bin = points.slice(k, k + size);
    const noData = bin.some((p) => p.noData !== null) ? Math.max(...bin.map((p) => p.noData ?? 0)) : null;
    out.push({ i: bin[0]!.i, resident: Math.max(...bin.map((p) => p.resident)), noData });
  }
  return out;
}

/**
 * The memory of each policy's run over its operations, as an SVG document drawn by vega-lite
 * (rendered in Node by vega's headless view): two panels, resident pages and pages holding no
 * data, one line per policy. Deterministic in its input.
 *
 * ### Example
 * ```ts
 * const svg = await compareChartSvg('balloon.fl', [{ policy: 'linux-6.18', points: [{ i: 0, resident: 0, noData: 0 }] }])
 * ```
 */
export async function compareChartSvg(title: string, series: readonly MemorySeries[]): Promise<string> {
  const values = series.flatMap((s) => binned(s.points).flatMap((p) => [
    { policy: s.policy, i: p.i, measure: 'resident pages', pages: p.resident },
    ...(p.noData === null ? [] : [{ policy: s.policy, i: p.i, measure: 'pages holding no data', pages: p.noData }]),
  ]));
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values },
    facet: { row: { field: 'measure', type: 'nominal', title: null, sort: ['resident pages', 'pages holding no data'] } },
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 720,
      height: 200,
      mark: { type: 'line', interpolate: 'step-after', strokeWidth: 1.5 },
      encoding: {
        x: { field: 'i', type: 'quantitative', title: 'operation' },
        y: { field: 'pages', type: 'quantitative', title: 'pages (4 KiB)' },
        color: { field: 'policy', type: 'nominal', title: 'policy', sort: series.map((s) => s.policy), legend: { labelLimit: 400 } },
      },
    },
    config: { background: 'white', font: 'sans-serif' },
  };
  const view = new View(parse(compile(spec as never).spec), { renderer: 'none' });
  return view.toSVG();
}
