import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileNameSlug } from '../core/slug.js';
import { answerTypeChart } from './chart-answer-types.js';
import { renderChart, type ReportChartConfiguration } from './chart-render.js';
import { scalingChart } from './chart-scaling.js';
import { shotsChart } from './chart-shots.js';
import type { PreparedReport } from './prepare-report.js';

export interface RenderedChart {
  /** kebab-case PNG file name, stable for the same inputs. */
  fileName: string;
  title: string;
  png: Buffer;
}

/** Which charts a report has: one size chart per protocol group, one shots chart per benchmark, answer types. */
export function reportChartConfigurations(report: PreparedReport): Array<{ fileName: string; title: string; configuration: ReportChartConfiguration }> {
  const charts: Array<{ fileName: string; title: string; configuration: ReportChartConfiguration }> = [];
  for (const group of report.comparison.groups) {
    const key = group.key;
    const style = key.shotStyle === 'few' ? `${key.shots}-shot-${key.demoSelection}` : `${key.shots}-shot-${key.shotStyle}`;
    charts.push({
      fileName: `size-${fileNameSlug(key.benchmark)}-${fileNameSlug(key.split)}-${fileNameSlug(style)}${key.trainedOnTrainSplit ? '-trained' : ''}.png`,
      title: `${group.title}: score vs parameters`,
      configuration: scalingChart(group),
    });
  }
  const benchmarks = [...new Set(report.ours.map((result) => result.benchmark))];
  for (const benchmark of benchmarks) {
    const configuration = shotsChart(benchmark, report.baselines, report.ours);
    if (configuration) charts.push({ fileName: `shots-${fileNameSlug(benchmark)}.png`, title: `${benchmark}: score vs shots`, configuration });
  }
  for (const task of [...new Set(report.ours.map((result) => result.task))]) {
    const configuration = answerTypeChart(task, report.ours);
    if (configuration) charts.push({ fileName: `answer-types-${fileNameSlug(task)}.png`, title: `${task}: score by answer type`, configuration });
  }
  return charts;
}

export async function renderReportCharts(report: PreparedReport): Promise<RenderedChart[]> {
  const rendered: RenderedChart[] = [];
  for (const chart of reportChartConfigurations(report)) rendered.push({ fileName: chart.fileName, title: chart.title, png: await renderChart(chart.configuration) });
  return rendered;
}

export function writeCharts(charts: readonly RenderedChart[], directory: string): string[] {
  mkdirSync(directory, { recursive: true });
  return charts.map((chart) => {
    const file = path.join(directory, chart.fileName);
    writeFileSync(file, chart.png);
    return file;
  });
}
