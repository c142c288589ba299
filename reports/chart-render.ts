import type { Chart, ChartConfiguration, ChartType, Plugin } from 'chart.js';
import type { ChartJSNodeCanvas } from 'chartjs-node-canvas';
import { ConfigError } from '../core/errors.js';

export const CHART_WIDTH = 1200;
export const CHART_HEIGHT = 800;

// Sized for a 1200×800 image read on a laptop screen or in a paper: Chart.js's 12px default is too small there.
const FONT_SIZE = 17;

let renderer: ChartJSNodeCanvas | undefined;

/**
 * One renderer for the process: creating one loads Chart.js and canvas afresh (hundreds of ms). Loaded
 * on first use, so commands that draw no chart neither pay for canvas nor need its native build.
 */
async function chartRenderer(): Promise<ChartJSNodeCanvas> {
  if (renderer) return renderer;
  let module: typeof import('chartjs-node-canvas');
  try {
    module = await import('chartjs-node-canvas');
  } catch (error) {
    throw new ConfigError(
      `charts need the native canvas package, which did not load (${(error as Error).message.split('\n')[0]}); ` +
        'install libcairo2-dev libpango1.0-dev libjpeg-dev libgif-dev librsvg2-dev (scripts/setup.sh does) and run npm ci again',
    );
  }
  renderer = new module.ChartJSNodeCanvas({
    width: CHART_WIDTH,
    height: CHART_HEIGHT,
    backgroundColour: 'white',
    chartCallback: (chartJs) => {
      chartJs.defaults.font.size = FONT_SIZE;
      chartJs.defaults.font.family = 'DejaVu Sans, Helvetica, Arial, sans-serif';
      chartJs.defaults.color = '#222';
      chartJs.defaults.animation = false;
      chartJs.defaults.responsive = false;
    },
  });
  return renderer;
}

/** Any of the report's charts: their points carry labels, which Chart.js's default point type does not know. */
export type ReportChartConfiguration = ChartConfiguration<ChartType, Array<LabelledPoint | number | null>>;

export async function renderChart(configuration: ReportChartConfiguration): Promise<Buffer> {
  return (await chartRenderer()).renderToBuffer(configuration as unknown as ChartConfiguration, 'image/png');
}

/**
 * A data point that carries the text drawn next to it (the model name). Category charts (line, bar)
 * take plain numbers with `null` gaps instead, and their labels in the dataset's `valueLabels`.
 */
export interface LabelledPoint {
  x: number | string;
  y: number;
  label?: string;
}

/**
 * Writes each point's `label` beside it. Chart.js has no built-in data labels; a scatter of models
 * is unreadable without their names.
 */
export const pointLabels: Plugin = {
  id: 'emuEvalPointLabels',
  afterDatasetsDraw(chart: Chart) {
    const context = chart.ctx;
    context.save();
    context.font = `${FONT_SIZE - 2}px DejaVu Sans, sans-serif`;
    context.textBaseline = 'middle';
    chart.data.datasets.forEach((dataset, datasetIndex) => {
      const meta = chart.getDatasetMeta(datasetIndex);
      if (meta.hidden) return;
      dataset.data.forEach((value, index) => {
        const style = dataset as { labelColor?: string; labelAbove?: boolean; valueLabels?: Array<string | undefined> };
        const label = (value !== null && typeof value === 'object' ? (value as unknown as LabelledPoint).label : undefined) ?? style.valueLabels?.[index];
        const element = meta.data[index];
        if (!label || !element || value === null) return;
        const { x, y } = element.getProps(['x', 'y'], true) as { x: number; y: number };
        context.fillStyle = style.labelColor ?? '#222';
        if (style.labelAbove) {
          // Bars: the value centred above the bar.
          context.textAlign = 'center';
          context.fillText(label, x, y - 14);
          return;
        }
        const rightSpace = chart.chartArea.right - x;
        const width = context.measureText(label).width;
        // Flip to the left of the point near the right edge so names are not clipped.
        const left = rightSpace < width + 16;
        context.textAlign = left ? 'right' : 'left';
        context.fillText(label, left ? x - 12 : x + 12, y - 12);
      });
    });
    context.restore();
  },
};

/** Colour-blind-safe palette (Okabe–Ito); ours is always the vermillion. */
export const palette = {
  ours: '#D55E00',
  synthetic: '#999999',
  published: '#0072B2',
  trend: '#009E73',
  frontier: '#CC79A7',
  series: ['#0072B2', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000', '#882255'],
};
