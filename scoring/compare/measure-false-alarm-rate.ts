// Measures the false-alarm rate of `emu-eval compare` by simulation (see false-alarm-simulation.ts):
//   node --import tsx scoring/compare/measure-false-alarm-rate.ts [repetitions]
// Prints one table; bench/RESULTS.md ("Regression detection") records the latest figures.
import { simulateFalseAlarms } from './false-alarm-simulation.js';

export function measureFalseAlarmRates(repetitions: number): Array<Record<string, string | number>> {
  const rows: Array<Record<string, string | number>> = [];
  for (const scores of ['binary', 'vqa'] as const) {
    for (const threshold of [0, 1]) {
      const started = performance.now();
      const result = simulateFalseAlarms({ repetitions, samples: 2000, scores, alpha: 0.05, threshold, seed: 2024 });
      rows.push({
        scores: scores === 'binary' ? '0/1 (McNemar exact)' : 'VQA levels (permutation)',
        samples: 2000,
        alpha: 0.05,
        'threshold (points)': threshold,
        repetitions,
        'flagged as regression': `${result.flagged} (${(100 * result.flaggedRate).toFixed(2)}%)`,
        'p < alpha, either direction': `${result.significant} (${(100 * result.significantRate).toFixed(2)}%)`,
        'largest noise |Δ| (points)': result.largestNoiseDelta.toFixed(2),
        seconds: ((performance.now() - started) / 1000).toFixed(1),
      });
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const repetitions = Number(process.argv[2] ?? 2000);
  if (!Number.isInteger(repetitions) || repetitions < 1) throw new RangeError(`repetitions must be a positive integer, got ${process.argv[2]}`);
  const rows = measureFalseAlarmRates(repetitions);
  const columns = Object.keys(rows[0]!);
  process.stdout.write(`| ${columns.join(' | ')} |\n|${columns.map(() => ' --- ').join('|')}|\n`);
  for (const row of rows) process.stdout.write(`| ${columns.map((column) => row[column]).join(' | ')} |\n`);
}
