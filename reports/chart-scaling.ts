import type { ChartConfiguration, ChartDataset } from 'chart.js';
import { SYNTHETIC_MARK, type ComparisonGroup } from './compare-rows.js';
import { palette, pointLabels, type LabelledPoint } from './chart-render.js';
import { formatBillions, paretoFrontier, trendScore } from './normalize.js';
import { formatShots } from './format-values.js';
import { metricLabel } from '../scoring/metrics/registry.js';

/** The metric's label from its declaration (scoring/metrics/registry.ts). */
export function metricAxisTitle(metric: string): string {
  return metricLabel(metric);
}

/**
 * Score against parameter count (log axis) for one protocol group: published models, the least-squares
 * size trend, the Pareto frontier, and our runs highlighted. Our runs without a parameter count appear
 * as a horizontal line at their score, since they have no place on the x axis.
 */
export function scalingChart(group: ComparisonGroup): ChartConfiguration<'scatter', Array<LabelledPoint | null>> {
  const placed = group.rows.filter((row) => row.params !== undefined && row.score !== null);
  const published = placed.filter((row) => row.kind === 'baseline');
  const ours = placed.filter((row) => row.kind === 'ours');
  const paramsValues = placed.map((row) => row.params!);
  // A decade at least, so a group of similar sizes still shows a readable trend.
  const smallest = paramsValues.length > 0 ? Math.min(...paramsValues) : 1;
  const largest = paramsValues.length > 0 ? Math.max(...paramsValues) : 10;
  const low = Math.min(smallest / 1.6, Math.sqrt(smallest * largest) / Math.sqrt(10));
  const high = Math.max(largest * 1.6, Math.sqrt(smallest * largest) * Math.sqrt(10));
  const datasets: Array<ChartDataset<'scatter', LabelledPoint[]>> = [];
  datasets.push({
    label: 'published models',
    data: published.map((row) => ({ x: row.params!, y: row.score!, label: `${row.model}${row.baseline?.params.certainty === 'published' ? '' : ' (~params)'}` })),
    backgroundColor: palette.published,
    pointRadius: 8,
  });
  if (group.fit.fitted) {
    const fit = group.fit;
    const steps = 24;
    datasets.push({
      label: `size trend: ${fit.intercept.toFixed(1)} ${fit.slope < 0 ? '−' : '+'} ${Math.abs(fit.slope).toFixed(1)}·log10(params in B)`,
      data: Array.from({ length: steps + 1 }, (_, index) => {
        const x = low * (high / low) ** (index / steps);
        return { x, y: trendScore(fit, x) };
      }),
      showLine: true,
      borderColor: palette.trend,
      backgroundColor: palette.trend,
      borderWidth: 3,
      pointRadius: 0,
    });
  }
  const frontier = paretoFrontier(published.concat(ours.filter((row) => !row.result?.bundledSample)).map((row) => ({ label: row.model, params: row.params, score: row.score! })));
  if (frontier.length >= 2) {
    datasets.push({
      label: 'Pareto frontier (no model is both smaller and better)',
      data: frontier.map((point) => ({ x: point.params!, y: point.score })),
      showLine: true,
      stepped: 'before',
      borderColor: palette.frontier,
      backgroundColor: palette.frontier,
      borderDash: [10, 6],
      borderWidth: 2,
      pointRadius: 0,
    });
  }
  for (const row of ours) {
    const synthetic = row.result?.bundledSample ?? false;
    datasets.push({
      label: `${row.model}${synthetic ? ` — ${SYNTHETIC_MARK}` : ''}`,
      data: [{ x: row.params!, y: row.score!, label: synthetic ? `${row.model} (synthetic)` : row.model }],
      backgroundColor: synthetic ? palette.synthetic : palette.ours,
      borderColor: '#000',
      borderWidth: 1.5,
      pointStyle: 'rectRot',
      pointRadius: 14,
      labelColor: synthetic ? '#555' : palette.ours,
    } as ChartDataset<'scatter', LabelledPoint[]>);
  }
  for (const row of group.rows.filter((candidate) => candidate.kind === 'ours' && candidate.params === undefined && candidate.score !== null)) {
    datasets.push({
      label: `${row.model}: ${row.score!.toFixed(1)} (no parameter count)`,
      data: [
        { x: low, y: row.score! },
        { x: high, y: row.score!, label: `${row.model} (size unknown)` },
      ],
      showLine: true,
      borderColor: row.result?.bundledSample ? palette.synthetic : palette.ours,
      backgroundColor: row.result?.bundledSample ? palette.synthetic : palette.ours,
      borderDash: [4, 4],
      pointRadius: 0,
      labelColor: palette.ours,
    } as ChartDataset<'scatter', LabelledPoint[]>);
  }
  return {
    type: 'scatter',
    data: { datasets },
    options: {
      layout: { padding: { right: 24, top: 8 } },
      plugins: {
        title: { display: true, text: `${group.key.benchmark} ${group.key.split}, ${formatShots(group.key)}-shot: score vs model size`, font: { size: 24, weight: 'bold' } },
        subtitle: { display: true, text: group.title, padding: { bottom: 12 } },
        legend: { position: 'bottom', labels: { usePointStyle: true, padding: 18 } },
      },
      scales: {
        x: {
          type: 'logarithmic',
          min: low,
          max: high,
          title: { display: true, text: `parameters (${group.basis}, billions, log scale)` },
          ticks: { callback: (value) => formatBillions(Number(value)) },
          afterBuildTicks: (axis) => {
            axis.ticks = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].filter((value) => value >= low && value <= high).map((value) => ({ value }));
          },
        },
        y: { grace: '5%', title: { display: true, text: metricAxisTitle(group.key.metric) } },
      },
    },
    plugins: [pointLabels],
  };
}
