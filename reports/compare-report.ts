import Table from 'cli-table3';
import { unitLabel, type RunComparison, type UnitComparison } from '../scoring/compare/compare-runs.js';
import type { FlippedSample } from '../scoring/compare/flipped-samples.js';
import { escapeHtml } from './html-escape.js';
import { escapeMarkdownCell } from './markdown.js';

// `emu-eval compare` (and the nightly report) as a terminal table, Markdown, HTML and JSON. Outputs
// are model text: escaped for Markdown and HTML, shortened and kept on one line for the terminal.

const statusText: Record<UnitComparison['status'], string> = {
  regressed: 'REGRESSION',
  improved: 'improved',
  unchanged: 'no significant change',
  'not-compared': 'not compared',
};

export function formatPValue(value: number | undefined): string {
  if (value === undefined) return '-';
  if (value < 0.0001) return '<0.0001';
  return value >= 0.1 ? value.toFixed(2) : value.toPrecision(2);
}

function signed(value: number, digits = 2): string {
  const text = Math.abs(value).toFixed(digits);
  return Number(text) === 0 ? text : `${value > 0 ? '+' : '−'}${text}`;
}

const testNames: Record<string, string> = { 'mcnemar-exact': 'McNemar exact', 'paired-permutation': 'paired permutation', 'clustered-permutation': 'permutation by video' };

/** The cells of one row, shared by every format. */
export function unitCells(unit: UnitComparison): { unit: string; n: string; baseline: string; candidate: string; delta: string; ci95: string; test: string; p: string; status: string } {
  const paired = unit.paired;
  return {
    unit: unitLabel(unit),
    n: paired ? String(paired.n) : '-',
    baseline: paired ? paired.baseline.toFixed(2) : '-',
    candidate: paired ? paired.candidate.toFixed(2) : '-',
    delta: paired ? signed(paired.delta) : '-',
    ci95: paired ? `${signed(paired.ci95[0])} … ${signed(paired.ci95[1])}` : '-',
    test: paired ? (testNames[paired.test] ?? paired.test) : '-',
    p: formatPValue(paired?.pValue),
    status: `${statusText[unit.status]}${unit.forced ? ' (forced)' : ''}`,
  };
}

const HEAD = ['task', 'n paired', 'baseline', 'candidate', 'Δ points', '95% CI of Δ', 'test', 'p', 'verdict'];

function oneLine(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat || '(empty)';
}

function describeSides(comparison: RunComparison): string[] {
  const side = (name: string, value: RunComparison['baseline']) => `${name}: ${value.path} (${value.model}${value.suite ? `, suite ${value.suite}` : ''})`;
  return [side('baseline ', comparison.baseline), side('candidate', comparison.candidate)];
}

function settingsLine(comparison: RunComparison): string {
  const { threshold, alpha, view } = comparison.settings;
  return `regression = drop of more than ${threshold} points with p < ${alpha}; ${view === 'all' ? 'errors count as wrong (ALL view)' : 'error samples left out (VALID view)'}`;
}

function unitNotes(comparison: RunComparison): string[] {
  return [
    ...comparison.units.filter((unit) => unit.reasons.length > 0).map((unit) => `${unitLabel(unit)}: ${unit.reasons.join('; ')}`),
    ...(comparison.onlyInBaseline.length > 0 ? [`only in the baseline: ${comparison.onlyInBaseline.join(', ')}`] : []),
    ...(comparison.onlyInCandidate.length > 0 ? [`only in the candidate: ${comparison.onlyInCandidate.join(', ')}`] : []),
    ...comparison.notes,
  ];
}

/** Units whose flipped samples a reader sees: regressions first, then any other unit that lost samples. */
function unitsWithFlips(comparison: RunComparison): UnitComparison[] {
  const order = { regressed: 0, unchanged: 1, improved: 2, 'not-compared': 3 };
  return comparison.units.filter((unit) => unit.flips.samples.length > 0).sort((a, b) => order[a.status] - order[b.status]);
}

function scoreText(side: FlippedSample['baseline']): string {
  return side.error ? `error: ${side.error}` : side.score === null ? '-' : side.score.toFixed(2);
}

export function formatCompareText(comparison: RunComparison, options: { flips?: number } = {}): string {
  const table = new Table({ head: HEAD, style: { head: [], border: [] }, chars: { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' } });
  for (const unit of comparison.units) table.push(Object.values(unitCells(unit)));
  const parts = [...describeSides(comparison), settingsLine(comparison), '', table.toString()];
  const notes = unitNotes(comparison);
  if (notes.length > 0) parts.push('', ...notes.map((note) => `note: ${note}`));
  const shown = options.flips ?? comparison.settings.flips;
  for (const unit of unitsWithFlips(comparison)) {
    if (shown === 0) break;
    parts.push('', `${unitLabel(unit)}: ${unit.flips.total} samples scored lower (${unit.flips.rightToWrong} right → wrong); first ${Math.min(shown, unit.flips.samples.length)}:`);
    const flips = unit.flips.samples.slice(0, shown);
    const width = Math.max(...flips.map((flip) => flip.sampleId.length));
    for (const flip of flips) {
      parts.push(`  ${flip.sampleId.padEnd(width)}  ${scoreText(flip.baseline)} → ${scoreText(flip.candidate)}   "${oneLine(flip.baseline.output, 40)}" → "${oneLine(flip.candidate.output, 40)}"`);
    }
  }
  const verdict = comparison.regressions > 0 ? `REGRESSION in ${comparison.regressions} of ${comparison.units.length}` : `no regression in ${comparison.units.length}`;
  parts.push('', `${verdict} task × shots compared.`);
  return `${parts.join('\n')}\n`;
}

function markdownTable(head: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.map(escapeMarkdownCell).join(' | ')} |`;
  return [line(head), `|${head.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n');
}

/** Markdown section (no document title): the table, notes and flipped samples. */
export function formatCompareMarkdown(comparison: RunComparison, options: { flips?: number; heading?: string } = {}): string {
  const heading = options.heading ?? '##';
  const parts = [
    ...describeSides(comparison).map((line) => `- ${escapeMarkdownCell(line.replace(/\s+/g, ' '))}`),
    `- ${escapeMarkdownCell(settingsLine(comparison))}`,
    '',
    markdownTable(HEAD, comparison.units.map((unit) => Object.values(unitCells(unit)).map((cell, index) => (index === 8 && unit.status === 'regressed' ? `**${cell}**` : cell)))),
    '',
  ];
  for (const note of unitNotes(comparison)) parts.push(`- ${escapeMarkdownCell(note)}`);
  const shown = options.flips ?? comparison.settings.flips;
  for (const unit of unitsWithFlips(comparison)) {
    if (shown === 0) break;
    parts.push('', `${heading}# ${escapeMarkdownCell(unitLabel(unit))}: ${unit.flips.total} samples scored lower (${unit.flips.rightToWrong} right → wrong)`, '');
    parts.push(
      markdownTable(
        ['sample', 'baseline', 'baseline output', 'candidate', 'candidate output'],
        unit.flips.samples.slice(0, shown).map((flip) => [flip.sampleId, scoreText(flip.baseline), oneLine(flip.baseline.output, 120), scoreText(flip.candidate), oneLine(flip.candidate.output, 120)]),
      ),
    );
  }
  return `${parts.join('\n').trimEnd()}\n`;
}

/** HTML section (no document wrapper): the table, notes and flipped samples, every outside string escaped. */
export function formatCompareHtml(comparison: RunComparison, options: { flips?: number } = {}): string {
  const rows = comparison.units.map((unit) => {
    const cells = Object.values(unitCells(unit));
    return `<tr${unit.status === 'regressed' ? ' class="regressed"' : ''}>${cells.map((cell, index) => `<td${index > 0 && index < 6 ? ' class="number"' : ''}>${escapeHtml(cell)}</td>`).join('')}</tr>`;
  });
  const notes = unitNotes(comparison);
  const shown = options.flips ?? comparison.settings.flips;
  const flips = shown === 0 ? [] : unitsWithFlips(comparison).map((unit) => {
    const flipRows = unit.flips.samples.slice(0, shown).map(
      (flip) =>
        `<tr><td>${escapeHtml(flip.sampleId)}</td><td class="number">${escapeHtml(scoreText(flip.baseline))}</td><td><pre>${escapeHtml(flip.baseline.output)}</pre></td><td class="number">${escapeHtml(scoreText(flip.candidate))}</td><td><pre>${escapeHtml(flip.candidate.output)}</pre></td></tr>`,
    );
    return `<h3>${escapeHtml(unitLabel(unit))}: ${unit.flips.total} samples scored lower (${unit.flips.rightToWrong} right → wrong)</h3>
<table><thead><tr><th>sample</th><th>baseline</th><th>baseline output</th><th>candidate</th><th>candidate output</th></tr></thead><tbody>${flipRows.join('\n')}</tbody></table>`;
  });
  return `<ul class="notes">${[...describeSides(comparison), settingsLine(comparison)].map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>
<table><thead><tr>${HEAD.map((name) => `<th>${escapeHtml(name)}</th>`).join('')}</tr></thead><tbody>${rows.join('\n')}</tbody></table>
${notes.length > 0 ? `<ul class="notes">${notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul>` : ''}
${flips.join('\n')}`;
}

/** The comparison as one JSON-ready object (flipped samples limited as configured). */
export function compareJson(comparison: RunComparison): Record<string, unknown> {
  return {
    baseline: comparison.baseline,
    candidate: comparison.candidate,
    settings: comparison.settings,
    regressed: comparison.regressions > 0,
    regressions: comparison.regressions,
    units: comparison.units.map((unit) => ({
      entry: unit.entry,
      task: unit.task,
      shots: unit.shots,
      metric: unit.metric,
      split: unit.split,
      protocol: unit.protocol,
      status: unit.status,
      significant: unit.significant,
      forced: unit.forced,
      reasons: unit.reasons,
      ...(unit.paired ? { paired: unit.paired } : {}),
      flipped: { total: unit.flips.total, rightToWrong: unit.flips.rightToWrong, samples: unit.flips.samples },
      baselineRunId: unit.baselineRunId,
      candidateRunId: unit.candidateRunId,
    })),
    onlyInBaseline: comparison.onlyInBaseline,
    onlyInCandidate: comparison.onlyInCandidate,
    notes: comparison.notes,
  };
}
