import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { createCanvas, loadImage } from 'canvas';
import { CHART_HEIGHT, CHART_WIDTH, renderChart } from '../../reports/chart-render.js';
import { reportChartConfigurations } from '../../reports/charts.js';
import { prepareReport } from '../../reports/prepare-report.js';
import { runCli, temporaryFolder } from '../helpers/cli.js';
import { addShotResults, asRealData, replayRun } from './helpers.js';

/** Width, height and how much of the image is drawn on (not white), and in how many colours. */
async function inspectPng(png: Buffer) {
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  const image = await loadImage(png);
  const canvas = createCanvas(image.width, image.height);
  const context = canvas.getContext('2d');
  context.drawImage(image, 0, 0);
  const pixels = context.getImageData(0, 0, image.width, image.height).data;
  let inked = 0;
  const colours = new Set<number>();
  for (let index = 0; index < pixels.length; index += 4) {
    const [red, green, blue] = [pixels[index]!, pixels[index + 1]!, pixels[index + 2]!];
    if (red < 240 || green < 240 || blue < 240) inked += 1;
    colours.add(((red >> 4) << 8) | ((green >> 4) << 4) | (blue >> 4));
  }
  return { width: image.width, height: image.height, inkedFraction: inked / (pixels.length / 4), colours: colours.size };
}

test('report charts: score vs parameters with trend and frontier, score vs shots, answer types — non-trivial PNGs', async () => {
  const out = temporaryFolder();
  const run = await replayRun(out, 'vqav2', { wrongEvery: 2 });
  addShotResults(run, { 4: 58.2, 8: 60.1, 16: 61.3 });
  asRealData(run, 'test-dev');
  const report = prepareReport({ runDirectories: [run], paramsOverride: 14e9, modelLabel: 'my-emu' });
  const charts = reportChartConfigurations(report);
  const names = charts.map((chart) => chart.fileName);
  assert.ok(names.includes('size-vqav2-test-dev-8-shot-random.png'));
  assert.ok(names.includes('shots-vqav2.png'));
  assert.ok(names.includes('answer-types-vqav2.png'));

  const size = charts.find((chart) => chart.fileName === 'size-vqav2-test-dev-8-shot-random.png')!.configuration;
  const scales = size.options!.scales as Record<string, { type?: string; title?: { text?: string } }>;
  assert.equal(scales.x!.type, 'logarithmic');
  assert.match(scales.x!.title!.text!, /parameters \(total, billions, log scale\)/);
  assert.match(scales.y!.title!.text!, /VQA accuracy \(%\)/);
  const labels = size.data.datasets.map((dataset) => dataset.label ?? '');
  assert.ok(labels.some((label) => label.startsWith('size trend:')));
  assert.ok(labels.some((label) => label.startsWith('Pareto frontier')));
  assert.ok(labels.includes('my-emu (ours)'));
  const shots = charts.find((chart) => chart.fileName === 'shots-vqav2.png')!.configuration;
  assert.deepEqual(shots.data.labels, ['0', '4', '8', '16']);
  assert.ok(shots.data.datasets.some((dataset) => /Flamingo-80B .*0 = 0\*/.test(dataset.label ?? '')));

  // Render three charts (each a few hundred ms): real PNGs at the promised size with content on them.
  for (const name of ['size-vqav2-test-dev-8-shot-random.png', 'shots-vqav2.png', 'answer-types-vqav2.png']) {
    const png = await renderChart(charts.find((chart) => chart.fileName === name)!.configuration);
    const seen = await inspectPng(png);
    assert.equal(seen.width, CHART_WIDTH, name);
    assert.equal(seen.height, CHART_HEIGHT, name);
    assert.ok(png.length > 20_000, `${name}: ${png.length} bytes`);
    assert.ok(seen.inkedFraction > 0.03 && seen.inkedFraction < 0.6, `${name}: ${seen.inkedFraction} of the image drawn`);
    assert.ok(seen.colours > 20, `${name}: ${seen.colours} colours`);
  }
});

test('report --charts writes the PNG files', async () => {
  const out = temporaryFolder();
  const run = await replayRun(out, 'textvqa', { protocol: 'emu2-chat', wrongEvery: 3 });
  const folder = path.join(out, 'charts');
  const { code, stdout, stderr } = await runCli(['report', run, '--params', '37B', '--trained-on', 'textvqa', '--charts', folder, '--json']);
  assert.equal(code, 0, stderr);
  const written = JSON.parse(stdout).charts as string[];
  assert.deepEqual(written.map((file) => path.basename(file)), ['size-textvqa-val-0-shot-instruction-trained.png']);
  assert.ok(existsSync(written[0]!) && readFileSync(written[0]!).length > 20_000);
});
