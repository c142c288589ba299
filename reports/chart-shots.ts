import type { ChartConfiguration, ChartDataset } from 'chart.js';
import type { BaselineRow } from './baselines/baseline-row.js';
import type { OurResult } from './collect.js';
import { SYNTHETIC_MARK } from './compare-rows.js';
import { palette, pointLabels } from './chart-render.js';
import { metricAxisTitle } from './chart-scaling.js';

interface Series {
  label: string;
  points: Map<number, { score: number; textOnlyZero: boolean }>;
  ours: boolean;
  synthetic: boolean;
}

/**
 * Accuracy against the number of in-context examples for one benchmark, like the Emu2 paper's
 * few-shot figure: our runs and the published base models (instruction-tuned rows have no shots axis).
 * Undefined when none of our results is on that axis.
 * A Flamingo-style 0* point is drawn as a triangle and named in the legend, never passed off as 0-shot.
 */
export function shotsChart(benchmark: string, baselines: readonly BaselineRow[], ours: readonly OurResult[]): ChartConfiguration<'line', Array<number | null>> | undefined {
  const series = new Map<string, Series>();
  for (const row of baselines) {
    if (row.benchmark !== benchmark || row.shotStyle === 'instruction') continue;
    const entry = series.get(row.model) ?? { label: row.model, points: new Map(), ours: false, synthetic: false };
    entry.points.set(row.shots, { score: row.score, textOnlyZero: row.shotStyle === 'text-two-shot' });
    if (row.shotStyle === 'few') entry.label = `${row.model} (${row.demoSelection} demos)`;
    series.set(row.model, entry);
  }
  // One curve per model × demo selection; a true zero-shot point starts every curve of its model.
  const ourZeroShot = new Map<string, OurResult>();
  const ourCurves = new Map<string, { model: string; results: OurResult[] }>();
  for (const result of ours) {
    // Instruction-prompted zero-shot is a different protocol from the base models' shots axis.
    if (result.benchmark !== benchmark || result.score === null || result.protocol.shotStyle === 'instruction') continue;
    const model = `${result.model}\u0000${result.split}\u0000${result.bundledSample}`;
    if (result.shots === 0) {
      ourZeroShot.set(model, result);
      continue;
    }
    const key = `${model}\u0000${result.protocol.demoSelection}`;
    const curve = ourCurves.get(key) ?? { model, results: [] };
    curve.results.push(result);
    ourCurves.set(key, curve);
  }
  for (const model of ourZeroShot.keys()) if (![...ourCurves.values()].some((curve) => curve.model === model)) ourCurves.set(model, { model, results: [] });
  for (const [key, curve] of ourCurves) {
    const zero = ourZeroShot.get(curve.model);
    const results = [...(zero ? [zero] : []), ...curve.results];
    const first = results[0]!;
    const demos = curve.results[0] ? `, ${curve.results[0].protocol.demoSelection} demos` : '';
    const label = `${first.model} (ours, ${first.split}${demos})${first.bundledSample ? ` — ${SYNTHETIC_MARK}` : ''}`;
    const points = new Map(results.map((result) => [result.shots, { score: result.score!, textOnlyZero: result.protocol.shotStyle === 'text-two-shot' }]));
    series.set(`ours\u0000${key}`, { label, points, ours: true, synthetic: first.bundledSample });
  }
  const all = [...series.values()];
  // Without one of our results this is only a copy of the paper's figure; with no curve it is no figure.
  if (!all.some((entry) => entry.ours) || !all.some((entry) => entry.points.size >= 2)) return undefined;
  const shots = [...new Set(all.flatMap((entry) => [...entry.points.keys()]))].sort((a, b) => a - b);
  const metric = baselines.find((row) => row.benchmark === benchmark)?.metric ?? ours.find((result) => result.benchmark === benchmark)?.metric ?? 'accuracy';
  let colour = 0;
  const datasets: Array<ChartDataset<'line', Array<number | null>>> = all.map((entry) => {
    const color = entry.synthetic ? palette.synthetic : entry.ours ? palette.ours : palette.series[colour++ % palette.series.length]!;
    const textOnly = [...entry.points.values()].some((point) => point.textOnlyZero);
    return {
      label: `${entry.label}${textOnly ? '; 0 = 0* (text-only demos)' : ''}`,
      data: shots.map((count) => entry.points.get(count)?.score ?? null),
      borderColor: color,
      backgroundColor: color,
      borderWidth: entry.ours ? 4 : 2.5,
      pointRadius: shots.map((count) => (entry.points.has(count) ? (entry.ours ? 9 : 7) : 0)),
      pointStyle: shots.map((count) => (entry.points.get(count)?.textOnlyZero ? 'triangle' : entry.ours ? 'rectRot' : 'circle')),
      spanGaps: true,
    };
  });
  return {
    type: 'line',
    data: { labels: shots.map(String), datasets },
    options: {
      plugins: {
        title: { display: true, text: `${benchmark}: score vs number of in-context examples`, font: { size: 24, weight: 'bold' } },
        subtitle: { display: true, text: '▲ = 0*: two text-only demonstrations (Flamingo protocol), not true zero-shot', padding: { bottom: 12 } },
        legend: { position: 'bottom', labels: { usePointStyle: true, padding: 16 } },
      },
      scales: {
        x: { title: { display: true, text: 'shots (in-context examples per question)' } },
        // Headroom so a line at the top of the range is not drawn on the frame.
        y: { grace: '5%', title: { display: true, text: metricAxisTitle(metric) } },
      },
    },
    plugins: [pointLabels],
  };
}
