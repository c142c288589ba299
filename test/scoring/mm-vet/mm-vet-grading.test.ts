import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';

import { MM_VET_GRADER_PROMPT, mmVetGraderMessage } from '../../../scoring/judge/mm-vet/grader-prompt.js';
import { gradeMmVet, mmVetGraderRequest, type MmVetItem } from '../../../scoring/judge/mm-vet/grade.js';
import { parseMmVetGrade } from '../../../scoring/judge/mm-vet/parse-grade.js';
import { roundHalfEven } from '../../../scoring/metrics/python-round.js';
import { summarizeMmVet } from '../../../scoring/judge/mm-vet/summary.js';
import type { Output, Request, Runner } from '../../../core/contracts/runner.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('MM-Vet grader prompt', () => {
  it('is the evaluator\'s message byte for byte (lengths and hashes printed by mm-vet_evaluator.py\'s own string code)', () => {
    const message = mmVetGraderMessage('What is x?', '-1<AND>-5<OR>3', 'x = 2');
    assert.equal(message.length, 2333);
    assert.equal(sha256(message), '2c84401280cc636fe8f7fb527048a8d573ee8999a6de6a30eee75942ed474881');
    assert.ok(message.endsWith('| 1.0\n\nWhat is x? | -1 <AND> -5 <OR> 3 | x = 2 | '));
    const retry = mmVetGraderMessage('What is x?', '-1<AND>-5<OR>3', 'x = 2', true);
    assert.equal(retry.length, 2381);
    assert.equal(sha256(retry), '187d82c318a70e7b63ab519bf0edf8723c02993cef3d25415867b01be03491d4');
    assert.ok(MM_VET_GRADER_PROMPT.startsWith('Compare the ground truth and prediction from AI models'));
  });
});

describe('MM-Vet grade parsing', () => {
  it('accepts what the evaluator accepts', () => {
    // Verdicts of `float(content.split(" ")[0].strip())` with the 0–1 check, run in Python.
    const accepted: Array<[string, number]> = [['0.5', 0.5], ['1.0 ', 1], ['0.7\n', 0.7], ['1', 1], ['0', 0], ['.5', 0.5], ['-0.0', 0], ['0.5 because', 0.5], ['+1', 1]];
    for (const [reply, score] of accepted) assert.deepEqual(parseMmVetGrade(reply), { ok: true, score }, JSON.stringify(reply));
    for (const reply of [' 0.5', '0.5.', '1.1', '1_0', 'Score: 1', '', '0.3\nx', 'nan']) assert.equal(parseMmVetGrade(reply).ok, false, JSON.stringify(reply));
  });
});

/** A grader that answers from a script keyed by run and attempt, recording every request. */
function scriptedGrader(reply: (request: Request, sampleId: string) => Output): { runner: Runner; requests: Request[] } {
  const requests: Request[] = [];
  return {
    requests,
    runner: {
      id: 'scripted',
      modelId: 'grader',
      async generate(batch) {
        requests.push(...batch);
        return batch.map((request) => reply(request, request.sampleId));
      },
      async close() {},
    },
  };
}
const text = (value: string): Output => ({ text: value, finishReason: 'stop', latencyMs: 1 });
const item = (sampleId: string): MmVetItem => ({ sampleId, question: 'q', answer: 'a', prediction: 'p' });

describe('MM-Vet grading loop', () => {
  it('re-asks with the digit suffix at temperatures 0, 0.5, 1.0, 1.5, then counts a failure instead of a 0.0', async () => {
    const attemptsOf = new Map<string, number>();
    const { runner, requests } = scriptedGrader((request, sampleId) => {
      const key = `${sampleId}:${request.seed}`;
      const attempt = attemptsOf.get(key) ?? 0;
      attemptsOf.set(key, attempt + 1);
      if (sampleId === 'good') return text(['0.4', '0.6'][request.seed!]!);
      if (sampleId === 'late') return text(attempt < 3 ? 'The prediction' : '1.0');
      if (sampleId === 'down') return { text: '', finishReason: 'error', error: 'HTTP 503 after 6 retries', latencyMs: 1 };
      return text('Correctness:');
    });
    const outcomes = await gradeMmVet(runner, [item('good'), item('late'), item('never'), item('down')], 2, new AbortController().signal);
    assert.deepEqual(outcomes[0], [{ run: 0, score: 0.4, attempts: 1 }, { run: 1, score: 0.6, attempts: 1 }]);
    assert.deepEqual(outcomes[1]!.map((grading) => ('score' in grading ? grading.score : grading.error)), [1, 1]);
    assert.equal(outcomes[1]![0]!.attempts, 4);
    assert.equal(outcomes[2]!.length, 2);
    for (const grading of outcomes[2]!) {
      assert.ok('error' in grading);
      assert.match(grading.error, /no score in 5 grader replies; the last: not a number: "Correctness:"/);
    }
    assert.match((outcomes[3]![0] as { error: string }).error, /grader call failed: HTTP 503/);
    const never = requests.filter((request) => request.sampleId === 'never' && request.seed === 0);
    assert.deepEqual(never.map((request) => request.temperature), [0, 0, 0.5, 1, 1.5]);
    assert.deepEqual(never.map((request) => (request.parts[0] as { text: string }).text.endsWith('(digit): ')), [false, true, true, true, true]);
    assert.ok(requests.every((request) => request.maxNewTokens === 3));
  });

  it('each run is its own request (seed = run), so caches and servers keep them apart', () => {
    assert.notDeepEqual(mmVetGraderRequest(item('x'), 0, 0), mmVetGraderRequest(item('x'), 1, 0));
  });
});

describe('MM-Vet figures', () => {
  // Fourteen samples with five grading runs each, and what mm-vet_evaluator.py's export_result printed
  // for them (1 decimal): per capability, per capability integration, total, std and the run totals.
  const samples: Array<{ capabilities: string[]; scores: number[] }> = [
    { capabilities: ['rec', 'know', 'gen'], scores: [0.2, 0.6, 1.0, 0.0, 0.1] },
    { capabilities: ['rec', 'ocr', 'know'], scores: [0.8, 0.1, 0.5, 0.9, 0.0] },
    { capabilities: ['rec', 'spat'], scores: [0.3, 0.0, 0.1, 0.6, 0.6] },
    { capabilities: ['rec'], scores: [0.3, 0.1, 0.8, 0.6, 0.0] },
    { capabilities: ['rec', 'ocr', 'know'], scores: [0.9, 0.1, 0.3, 1.0, 1.0] },
    { capabilities: ['rec', 'spat'], scores: [0.0, 0.9, 0.9, 0.6, 0.0] },
    { capabilities: ['ocr'], scores: [0.0, 0.8, 0.2, 0.4, 0.6] },
    { capabilities: ['ocr'], scores: [0.8, 0.1, 0.9, 0.4, 0.8] },
    { capabilities: ['rec', 'ocr', 'know'], scores: [1.0, 0.2, 0.1, 0.9, 0.9] },
    { capabilities: ['ocr', 'spat', 'math'], scores: [0.3, 0.5, 0.1, 0.8, 0.1] },
    { capabilities: ['rec', 'spat'], scores: [0.0, 0.9, 0.3, 0.7, 1.0] },
    { capabilities: ['rec', 'spat'], scores: [0.6, 0.5, 0.7, 0.9, 0.7] },
    { capabilities: ['rec', 'know', 'gen'], scores: [0.4, 0.3, 0.2, 0.3, 0.1] },
    { capabilities: ['rec', 'spat'], scores: [0.4, 0.8, 0.7, 0.5, 0.7] },
  ];
  const graded = samples.map(({ capabilities, scores }) => ({ capabilities, gradings: scores.map((score, run) => ({ run, score, attempts: 1, cached: false })) }));
  const round1 = (value: number | null | undefined) => (value === null || value === undefined ? value : roundHalfEven(value, 1));

  it('equal the official evaluator\'s', () => {
    const figures = summarizeMmVet(graded, 5);
    assert.equal(round1(figures.total), 48.4);
    assert.equal(round1(figures.runStd), 6.9);
    assert.deepEqual(figures.runTotals.map(round1), [42.9, 42.1, 48.6, 61.4, 47.1]);
    assert.deepEqual(Object.fromEntries(Object.entries(figures.capabilities).map(([key, figure]) => [key, round1(figure.value)])), { rec: 49.3, ocr: 51.7, spat: 50.7, know: 47.6, gen: 32.0, math: 36.0 });
    assert.deepEqual(Object.fromEntries(Object.entries(figures.integrations).map(([key, figure]) => [key, round1(figure.value)])), { rec_spat: 53.6, know_ocr_rec: 58.0, gen_know_rec: 32.0, ocr: 50.0, math_ocr_spat: 36.0, rec: 36.0 });
    assert.deepEqual(Object.keys(figures.capabilities), ['rec', 'ocr', 'spat', 'know', 'gen', 'math']);
    assert.deepEqual(figures.gradings, { requested: 70, graded: 70, failed: 0 });
  });

  it('count failed gradings and ungraded samples instead of scoring them', () => {
    const withFailures = [
      ...graded.slice(0, 2),
      { capabilities: ['ocr'], gradings: [{ run: 0, error: 'no score', attempts: 5 }, { run: 1, score: 1, attempts: 1, cached: false }] },
      { capabilities: ['ocr'], gradings: [{ run: 0, error: 'no score', attempts: 5 }, { run: 1, error: 'grader call failed', attempts: 0 }] },
      { capabilities: ['ocr'] },
    ];
    const figures = summarizeMmVet(withFailures, 5);
    assert.deepEqual(figures.gradings, { requested: 20, graded: 11, failed: 3 });
    assert.equal(figures.ungradedSamples, 1);
    // ocr: the second sample (mean 0.46) and the third (1.0 from its one grading); the ungraded ones are not zeros.
    assert.equal(figures.capabilities.ocr!.n, 2);
    assert.ok(Math.abs(figures.capabilities.ocr!.value - 73) < 1e-9);
  });
});
