import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { escapeHtml } from '../../reports/html-escape.js';
import { escapeMarkdownCell } from '../../reports/markdown.js';
import { runCli, temporaryFolder, writeGoldPredictions } from '../helpers/cli.js';

const script = '<script>alert("owned")</script>';

test('escapeHtml escapes the five characters that matter in content and attributes', () => {
  assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  assert.equal(escapeMarkdownCell('a | b\n<i>'), 'a \\| b<br>&lt;i&gt;');
});

test('the HTML report is one self-contained file and escapes <script> in model outputs and names', async () => {
  const out = temporaryFolder();
  const predictions = path.join(out, 'hostile.json');
  await writeGoldPredictions('vqav2', predictions);
  const entries = JSON.parse(readFileSync(predictions, 'utf8')) as Array<{ answer: string }>;
  entries[0]!.answer = script;
  entries[1]!.answer = '</td></tr></table><img src=x onerror=alert(1)>';
  writeFileSync(predictions, JSON.stringify(entries));
  const run = await runCli(['run', 'vqav2', '--model', `replay:${predictions}`, '--extraction', 'raw', '--out', out, '--json', '--quiet']);
  assert.equal(run.code, 0, run.stderr);
  const runDirectory = JSON.parse(run.stdout).runDirectory as string;
  const file = path.join(out, 'report.html');
  const report = await runCli(['report', runDirectory, '--params', '37B', '--label', `Emu ${script}`, '--out', file]);
  assert.equal(report.code, 0, report.stderr);
  const html = readFileSync(file, 'utf8');
  assert.doesNotMatch(html, /<script/i);
  assert.doesNotMatch(html, /<img src=x/);
  assert.ok(html.includes('&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;'), 'the output is shown, escaped');
  assert.ok(html.includes('Emu &lt;script&gt;'), 'the model name is escaped');
  assert.ok(html.includes('synthetic sample — not comparable'));
  assert.match(html, /<img alt="[^"]+" src="data:image\/png;base64,[A-Za-z0-9+/]{1000,}/);
  // Self-contained: nothing fetched from elsewhere.
  assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//);
  assert.doesNotMatch(html, /<link /);
});
