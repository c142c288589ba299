import type { ChartConfiguration, ChartDataset, LegendItem, ChartData } from 'chart.js';
import type { Trend, TrendSeries } from '../artifact/history/trend.js';
import { renderChart, palette, pointLabels, type ReportChartConfiguration } from './chart-render.js';
import { metricAxisTitle } from './chart-scaling.js';
import type { RenderedChart } from './charts.js';

// Score over time per task for one history series: a line per entry × shots with its 95% CI as a
// shaded band, and a red ▼ on every night the comparison with its baseline flagged a regression.

const REGRESSION_COLOUR = '#C00000';
const MARKER_LABEL = 'regression flagged';

/** A model label can be a long path (`onnx:/checkpoints/...`): keep its end, which names the model. */
function shortened(text: string, length = 32): string {
  return text.length > length ? `…${text.slice(text.length - length + 1)}` : text;
}

type TrendDataset = ChartDataset<'line', Array<number | null>> & { hideInLegend?: boolean; valueLabels?: Array<string | undefined> };

function withAlpha(hex: string, alpha: number): string {
  const value = Number.parseInt(hex.slice(1), 16);
  return `rgba(${(value >> 16) & 255}, ${(value >> 8) & 255}, ${value & 255}, ${alpha})`;
}

/** Night labels for the x axis: the date, with the night id where one date has several nights. */
export function nightLabels(trend: Trend): string[] {
  const counts = new Map<string, number>();
  for (const night of trend.nights) counts.set(night.date, (counts.get(night.date) ?? 0) + 1);
  return trend.nights.map((night) => ((counts.get(night.date) ?? 0) > 1 ? night.id : night.date));
}

function seriesDatasets(series: TrendSeries, colour: string, several: boolean, firstMarker: boolean): TrendDataset[] {
  const name = several ? `${series.entry} · ${series.shots}-shot` : `${series.task} ${series.shots}-shot`;
  const regressed = series.points.map((point) => (point?.comparison?.status === 'regressed' ? point.score : null));
  const datasets: TrendDataset[] = [
    {
      label: `${name} 95% CI`,
      data: series.points.map((point) => point?.ci95?.[1] ?? null),
      borderWidth: 0,
      pointRadius: 0,
      backgroundColor: withAlpha(colour, 0.18),
      // Fills down to the next dataset (the lower bound): the band.
      fill: '+1',
      spanGaps: true,
      hideInLegend: true,
    },
    { label: `${name} CI low`, data: series.points.map((point) => point?.ci95?.[0] ?? null), borderWidth: 0, pointRadius: 0, fill: false, spanGaps: true, hideInLegend: true },
    {
      label: name,
      data: series.points.map((point) => point?.score ?? null),
      borderColor: colour,
      backgroundColor: colour,
      borderWidth: 3,
      pointRadius: 6,
      fill: false,
      spanGaps: true,
      // The score beside each point: a trend read off a grid is read wrong.
      valueLabels: series.points.map((point) => (point?.score === null || point?.score === undefined ? undefined : point.score.toFixed(1))),
    },
  ];
  if (regressed.some((value) => value !== null)) {
    datasets.push({
      label: MARKER_LABEL,
      data: regressed,
      showLine: false,
      pointStyle: 'triangle',
      pointRotation: 180,
      pointRadius: 14,
      pointBorderWidth: 2,
      borderColor: REGRESSION_COLOUR,
      backgroundColor: REGRESSION_COLOUR,
      fill: false,
      hideInLegend: !firstMarker,
      // Drawn last, over the score point it marks.
      order: -1,
    });
  }
  return datasets;
}

/** Scores and bands with 5 points of headroom, never past 0–100: an accuracy axis at 110 is noise. */
function percentRange(series: readonly TrendSeries[]): { min: number; max: number } {
  const values = series.flatMap((entry) => entry.points.flatMap((point) => (point ? [point.score, ...(point.ci95 ?? [])] : []))).filter((value): value is number => value !== null);
  if (values.length === 0) return { min: 0, max: 100 };
  const low = Math.max(0, Math.floor((Math.min(...values) - 5) / 5) * 5);
  const high = Math.min(100, Math.ceil((Math.max(...values) + 5) / 5) * 5);
  return { min: low, max: Math.max(high, low + 5) };
}

/** One chart per task of the trend: its series (entry × shots) over the nights. */
export function historyChartConfigurations(trend: Trend, settings: { threshold: number; alpha: number }): Array<{ task: string; fileName: string; title: string; configuration: ChartConfiguration<'line', Array<number | null>> }> {
  const tasks = [...new Set(trend.series.map((series) => series.task))];
  return tasks.map((task) => {
    const seriesOfTask = trend.series.filter((series) => series.task === task);
    const several = seriesOfTask.length > 1;
    let markerShown = false;
    const datasets = seriesOfTask.flatMap((series, index) => {
      const first = !markerShown && series.points.some((point) => point?.comparison?.status === 'regressed');
      markerShown ||= first;
      return seriesDatasets(series, palette.series[index % palette.series.length]!, several, first);
    });
    const data: ChartData<'line', Array<number | null>> = { labels: nightLabels(trend), datasets };
    const range = percentRange(seriesOfTask);
    const title = `${task}: score over time — ${shortened(trend.label)} (${trend.suite} suite)`;
    return {
      task,
      fileName: `trend-${task.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`,
      title,
      configuration: {
        type: 'line',
        data,
        options: {
          plugins: {
            title: { display: true, text: title, font: { size: 24, weight: 'bold' } },
            subtitle: {
              display: true,
              text: `shaded: 95% CI · ▼ regression flagged (drop > ${settings.threshold} points, p < ${settings.alpha}, paired over the samples both nights scored)`,
              padding: { bottom: 12 },
            },
            legend: {
              position: 'bottom',
              labels: {
                usePointStyle: true,
                padding: 16,
                filter: (item: LegendItem, chart: ChartData) => !(chart.datasets[item.datasetIndex ?? 0] as TrendDataset).hideInLegend,
                // Series first, the marker last, whatever order they are drawn in.
                sort: (a: LegendItem, b: LegendItem) => Number(a.text === MARKER_LABEL) - Number(b.text === MARKER_LABEL) || (a.datasetIndex ?? 0) - (b.datasetIndex ?? 0),
              },
            },
          },
          scales: {
            // Half a night of space at each end, so the first and last points are not cut by the frame.
            x: { offset: true, title: { display: true, text: 'night' } },
            y: { ...range, title: { display: true, text: metricAxisTitle(seriesOfTask[0]!.metric) } },
          },
        },
        plugins: [pointLabels],
      },
    };
  });
}

export async function renderHistoryCharts(trend: Trend, settings: { threshold: number; alpha: number }): Promise<RenderedChart[]> {
  const rendered: RenderedChart[] = [];
  for (const chart of historyChartConfigurations(trend, settings)) {
    rendered.push({ fileName: chart.fileName, title: chart.title, png: await renderChart(chart.configuration as unknown as ReportChartConfiguration) });
  }
  return rendered;
}
