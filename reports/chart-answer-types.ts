import type { ChartConfiguration, ChartDataset } from 'chart.js';
import type { OurResult } from './collect.js';
import { SYNTHETIC_MARK } from './compare-rows.js';
import { palette, pointLabels } from './chart-render.js';

/** More bars per answer type than this and their value labels collide: the y axis has to do. */
const MOST_LABELLED_BARS = 5;

const preferredOrder = ['yes/no', 'number', 'other', 'unanswerable'];

/**
 * Score per answer type (yes/no, number, other ...) for one task: a bar per result (run × shots), so
 * the few-shot gain can be read per type. The category label carries n, which is the same question
 * set for every bar of one task and split.
 */
export function answerTypeChart(task: string, ours: readonly OurResult[]): ChartConfiguration<'bar', Array<number | null>> | undefined {
  const results = ours.filter((result) => result.task === task && result.answerTypes && Object.keys(result.answerTypes).length > 0);
  if (results.length === 0) return undefined;
  const types = [...new Set(results.flatMap((result) => Object.keys(result.answerTypes!)))].sort(
    (a, b) => (preferredOrder.indexOf(a) + 1 || 99) - (preferredOrder.indexOf(b) + 1 || 99) || a.localeCompare(b),
  );
  const counts = types.map((type) => results.find((result) => result.answerTypes![type])!.answerTypes![type]!.n);
  const labelled = results.length <= MOST_LABELLED_BARS;
  const synthetic = results.some((result) => result.bundledSample);
  const datasets: Array<ChartDataset<'bar', Array<number | null>>> = results.map((result, index) => {
    // Synthetic results keep distinguishable colours but faded; the legend says what they are.
    const color = `${palette.series[index % palette.series.length]!}${result.bundledSample ? '88' : ''}`;
    const trials = result.trials > 1 ? `, mean of ${result.trials} trials` : '';
    const demos = result.shots > 0 ? ` (${result.protocol.demoSelection} demos${trials})` : '';
    return {
      label: `${result.model} · ${result.split} · ${result.shots}-shot${demos}${result.bundledSample ? ` — ${SYNTHETIC_MARK}` : ''}`,
      data: types.map((type) => result.answerTypes![type]?.value ?? null),
      ...(labelled ? { valueLabels: types.map((type) => result.answerTypes![type]?.value.toFixed(1)) } : {}),
      backgroundColor: color,
      borderColor: '#333',
      borderWidth: 1,
      labelAbove: true,
    } as ChartDataset<'bar', Array<number | null>>;
  });
  const benchmark = results[0]!.benchmark;
  return {
    type: 'bar',
    data: { labels: types.map((type, index) => [type, `(n=${counts[index]})`]) as unknown as string[], datasets },
    options: {
      plugins: {
        title: { display: true, text: `${benchmark}: score by answer type`, font: { size: 24, weight: 'bold' } },
        subtitle: { display: true, text: synthetic ? `bundled synthetic sample — not comparable with published numbers` : 'one bar per result (run × shots)', padding: { bottom: 12 } },
        legend: { position: 'bottom', labels: { padding: 14 } },
      },
      scales: {
        x: { title: { display: true, text: 'answer type (from the dataset annotations), n questions' } },
        y: { min: 0, max: 105, title: { display: true, text: 'score (%)' }, ticks: { callback: (value) => (Number(value) <= 100 ? String(value) : '') } },
      },
    },
    plugins: [pointLabels],
  };
}
