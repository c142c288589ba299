// How mm-vet_evaluator.py reads the grader's reply: the text before the first space, stripped, must
// be a Python float from 0.0 to 1.0 ("0.5", "1", ".5", "0.7\n" and "0.5 because ..." pass; " 0.5",
// "0.5." and "Score: 1" do not). One deliberate difference: Python's float("nan") passes the
// evaluator's range check (every comparison with NaN is false) and would poison the average; here
// it is not a score.
import { pythonFloat, pythonStrip } from '../../metrics/python-text.js';

export type ParsedGrade = { ok: true; score: number } | { ok: false; reason: string };

export function parseMmVetGrade(reply: string): ParsedGrade {
  const head = pythonStrip(reply.split(' ')[0]!);
  const score = pythonFloat(head);
  if (score === undefined) return { ok: false, reason: `not a number: ${preview(reply)}` };
  if (Number.isNaN(score)) return { ok: false, reason: `not a number (nan): ${preview(reply)}` };
  if (score < 0 || score > 1) return { ok: false, reason: `outside 0.0–1.0: ${preview(reply)}` };
  // -0.0 is a zero score.
  return { ok: true, score: score === 0 ? 0 : score };
}

function preview(text: string): string {
  if (text.trim() === '') return '(empty reply)';
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 77)}...` : text);
}
