// seed-bench and mmbench end to end on their bundled samples: through an OpenAI-compatible server
// (`emu-eval run seed-bench mmbench --model openai:...`), scored by their rules and checked against
// counts made here from the dataset files themselves; SEED-Bench by likelihood through the server's prompt
// log-probabilities and through tiny-emu; MMBench's test split as the .xlsx its server takes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { sampleRecordSchema } from '../../artifact/schema.js';
import { readMmbenchTsv } from '../../tasks/formats/mmbench-tsv.js';
import { ProblemSink } from '../../tasks/formats/problem-sink.js';
import { bundledDataDir, getTask } from '../../tasks/registry.js';
import { runCli, temporaryFolder } from '../helpers/cli.js';
import { startOpenAITestServer, type ChatCall } from '../helpers/openai-test-server.js';
import { readZip } from '../helpers/read-zip.js';

interface SeedQuestion {
  question_id: string;
  data_id: string;
  question: string;
  question_type_id: number;
  answer: string;
  choice_a: string;
  choice_b: string;
  choice_c: string;
  choice_d: string;
}

const seedDir = bundledDataDir(getTask('seed-bench'));
const seedQuestions = (JSON.parse(readFileSync(path.join(seedDir, 'SEED-Bench.json'), 'utf8')) as { questions: SeedQuestion[] }).questions.filter(
  (question) => question.question_type_id <= 9,
);
const { rows: mmbenchRows } = await readMmbenchTsv(path.join(bundledDataDir(getTask('mmbench')), 'MMBench_DEV_EN.tsv'), new ProblemSink());

const INSTRUCTION = "Answer with the option's letter from the given choices directly.";

/** LLaVA-1.5's layout, written out here independently of the task code. */
function llavaPrompt(question: string, options: string[], hint?: string): string {
  return [hint !== undefined ? `${hint}\n${question}` : question, ...options.map((option, position) => `${'ABCD'[position]}. ${option}`), INSTRUCTION].join('\n');
}

// What the server sees of a question: its image (base64, as sent) and its prompt text. Two synthetic
// questions may share their text and differ only in the picture.
const seedByPrompt = new Map(
  seedQuestions.map((question) => [
    `${readFileSync(path.join(seedDir, 'SEED-Bench-image', question.data_id)).toString('base64')}\u0000${llavaPrompt(question.question, [question.choice_a, question.choice_b, question.choice_c, question.choice_d])}`,
    question,
  ]),
);
const mmbenchByPrompt = new Map(mmbenchRows.map((row) => [`${Buffer.from(row.image.bytes).toString('base64')}\u0000${llavaPrompt(row.question, Object.values(row.options), row.hint)}`, row]));

// MMBench questions answered badly on purpose: group → how.
const mmbenchGroups = [...new Set(mmbenchRows.map((row) => row.group))];
const [wrongLetterGroup, unreadableGroup, optionTextGroup] = [mmbenchGroups[1]!, mmbenchGroups[4]!, mmbenchGroups[6]!];

function answer(call: ChatCall): string {
  const key = `${call.images[0]?.split(',')[1] ?? ''}\u0000${call.text}`;
  const seed = seedByPrompt.get(key);
  if (seed) {
    // The first four questions get a wrong letter; the others the right one, in words.
    const wrong = seedQuestions.indexOf(seed) < 4;
    return wrong ? `The answer is ${seed.answer === 'A' ? 'B' : 'A'}.` : `The answer is ${seed.answer}.`;
  }
  const row = mmbenchByPrompt.get(key);
  assert.ok(row, `the server got a prompt for no known question: ${JSON.stringify(call.text)}`);
  const letters = Object.keys(row.options);
  // One rotation of one question gets a wrong letter, one rotation of another an answer nothing can be read from,
  // and every pass of a third question answers with the option's text (can_infer_text).
  if (row.group === wrongLetterGroup && row.index !== row.group) return letters.find((letter) => letter !== row.answer)!;
  if (row.group === unreadableGroup && row.index === row.group) return 'I cannot tell.';
  if (row.group === optionTextGroup) return row.options[row.answer!]!;
  return `${row.answer}.`;
}

describe('multiple-choice tasks end to end', () => {
  it('emu-eval run seed-bench mmbench through an OpenAI-compatible server: LLaVA prompts, can_infer, CircularEval', async () => {
    const server = await startOpenAITestServer({ answer });
    try {
      const out = temporaryFolder('emu-eval-mc-');
      const { code, stdout, stderr } = await runCli(['run', 'seed-bench', 'mmbench', '--model', `openai:${server.url}`, '--protocol', 'llava', '--out', out, '--no-cache', '--quiet', '--json']);
      assert.equal(code, 0, stderr);
      const result = JSON.parse(stdout) as { runDirectory: string };
      assert.equal(server.calls.length, seedQuestions.length + mmbenchRows.length, 'one request per SEED-Bench question and per MMBench pass');

      const metrics = JSON.parse(readFileSync(path.join(result.runDirectory, 'metrics.json'), 'utf8')) as { results: Array<{ task: string; rule: string; all: { value: number; n: number }; breakdowns: Record<string, Record<string, { value: number; n: number }>> }> };
      const seed = metrics.results.find((entry) => entry.task === 'seed-bench')!;
      assert.equal(seed.rule, 'seed-bench-choice');
      assert.equal(seed.all.n, seedQuestions.length);
      assert.equal(seed.all.value, 100 * ((seedQuestions.length - 4) / seedQuestions.length));
      // Per dimension: the wrong four counted where they belong.
      const names: Record<number, string> = { 1: 'Scene Understanding', 2: 'Instance Identity', 3: 'Instance Location', 4: 'Instance Attributes', 5: 'Instances Counting', 6: 'Spatial Relation' };
      const expectedDimensions: Record<string, { value: number; n: number }> = {};
      for (const [id, name] of Object.entries(names)) {
        const inDimension = seedQuestions.filter((question) => question.question_type_id === Number(id));
        if (inDimension.length === 0) continue;
        const right = inDimension.filter((question) => seedQuestions.indexOf(question) >= 4).length;
        expectedDimensions[name] = { value: (100 * right) / inDimension.length, n: inDimension.length };
      }
      assert.deepEqual(seed.breakdowns.dimension, Object.fromEntries(Object.entries(expectedDimensions).sort(([a], [b]) => (a < b ? -1 : 1))));

      const mmbench = metrics.results.find((entry) => entry.task === 'mmbench')!;
      assert.equal(mmbench.rule, 'mmbench-circular');
      assert.equal(mmbench.all.n, mmbenchGroups.length, 'CircularEval counts questions, not passes');
      assert.equal(mmbench.all.value, 100 * ((mmbenchGroups.length - 2) / mmbenchGroups.length), 'the wrong-letter and unreadable questions fail; the option-text one passes');
      const failed = new Set([wrongLetterGroup, unreadableGroup]);
      const mains = mmbenchRows.filter((row) => row.index === row.group);
      for (const key of ['category', 'l2Category'] as const) {
        const expected: Record<string, { value: number; n: number }> = {};
        for (const name of [...new Set(mains.map((row) => row[key]!))].sort()) {
          const inGroup = mains.filter((row) => row[key] === name);
          expected[name] = { value: (100 * inGroup.filter((row) => !failed.has(row.group)).length) / inGroup.length, n: inGroup.length };
        }
        assert.deepEqual(mmbench.breakdowns[key], expected, key);
      }

      const records = readFileSync(path.join(result.runDirectory, 'samples.jsonl'), 'utf8').trim().split('\n').map((line) => sampleRecordSchema.parse(JSON.parse(line)));
      const unreadable = records.find((record) => record.task === 'mmbench' && record.sampleId === String(unreadableGroup))!;
      assert.deepEqual([unreadable.output, unreadable.extracted, unreadable.score], ['I cannot tell.', '', 0]);
      const byText = records.find((record) => record.task === 'mmbench' && record.sampleId === String(optionTextGroup))!;
      assert.equal(byText.score, 1, 'the option text is matched to its letter');
    } finally {
      await server.close();
    }
  });

  it('mmbench --split test writes the .xlsx submission: every TSV column but image, then the raw prediction', async () => {
    const server = await startOpenAITestServer({ answer: (call) => `B (${call.index})` });
    try {
      const out = temporaryFolder('emu-eval-mc-');
      const { code, stdout, stderr } = await runCli(['run', 'mmbench', '--split', 'test', '--model', `openai:${server.url}`, '--protocol', 'llava', '--out', out, '--no-cache', '--quiet', '--json']);
      assert.equal(code, 0, stderr);
      const result = JSON.parse(stdout) as { runDirectory: string };
      const { rows } = await readMmbenchTsv(path.join(bundledDataDir(getTask('mmbench')), 'MMBench_TEST_EN.tsv'), new ProblemSink());
      const sheet = readZip(readFileSync(path.join(result.runDirectory, 'submission-mmbench-test.xlsx'))).get('xl/worksheets/sheet1.xml')!.toString();
      const header = ['index', 'question', 'hint', 'A', 'B', 'C', 'D', 'category', 'source', 'l2-category', 'comment', 'split', 'prediction'];
      assert.ok(sheet.includes(header.map((name, column) => `<c r="${String.fromCharCode(65 + column)}1" t="inlineStr"><is><t xml:space="preserve">${name}</t></is></c>`).join('')));
      assert.equal(sheet.match(/<row /g)!.length, rows.length + 1, 'one row per pass, after the header');
      assert.equal(sheet.match(/<c r="M\d+" t="inlineStr"><is><t xml:space="preserve">B \(\d+\)<\/t>/g)!.length, rows.length, 'every prediction, raw');
      assert.ok(sheet.includes(`<c r="A${rows.length + 1}"><v>${rows[rows.length - 1]!.index}</v></c>`), 'the index as a number, rows in file order');
    } finally {
      await server.close();
    }
  });

  it("seed-bench --answer-by likelihood through the server's prompt log-probabilities: eval.py's prompt, the most likely option", async () => {
    // Every token of the answer costs one nat: the option with the fewest words is the most likely, the earlier one on a tie.
    const server = await startOpenAITestServer({ tokenLogprob: (before) => (before.includes('ASSISTANT:') ? -1 : -0.5) });
    try {
      const out = temporaryFolder('emu-eval-mc-');
      const { code, stdout, stderr } = await runCli(['run', 'seed-bench', '--answer-by', 'likelihood', '--model', `openai:${server.url}`, '--model-name', 'test-model', '--protocol', 'llava', '--out', out, '--no-cache', '--quiet', '--json']);
      assert.equal(code, 0, stderr);
      const result = JSON.parse(stdout) as { runDirectory: string };
      const fewestWords = (question: SeedQuestion): string => {
        const words = [question.choice_a, question.choice_b, question.choice_c, question.choice_d].map((option) => option.split(' ').length);
        return 'ABCD'[words.indexOf(Math.min(...words))]!;
      };
      const right = seedQuestions.filter((question) => fewestWords(question) === question.answer).length;
      assert.ok(right > 0 && right < seedQuestions.length, `a non-trivial score (${right} of ${seedQuestions.length})`);
      const metrics = JSON.parse(readFileSync(path.join(result.runDirectory, 'metrics.json'), 'utf8')) as { results: Array<{ rule: string; all: { value: number } }> };
      assert.equal(metrics.results[0]!.rule, 'seed-bench-likelihood');
      assert.equal(metrics.results[0]!.all.value, 100 * (right / seedQuestions.length));
      const run = JSON.parse(readFileSync(path.join(result.runDirectory, 'run.json'), 'utf8')) as { config: { answerBy?: string } };
      assert.equal(run.config.answerBy, 'likelihood');

      const records = readFileSync(path.join(result.runDirectory, 'samples.jsonl'), 'utf8').trim().split('\n').map((line) => sampleRecordSchema.parse(JSON.parse(line)));
      const first = seedQuestions[0]!;
      const record = records.find((candidate) => candidate.sampleId === first.question_id)!;
      const options = [first.choice_a, first.choice_b, first.choice_c, first.choice_d];
      assert.deepEqual(record.loglik!.continuations, options.map((option) => ` ${option}`));
      assert.deepEqual(record.loglik!.logprobs, options.map((option) => -option.split(' ').length));
      assert.equal(record.extracted, fewestWords(first));
      // eval.py's prompt, without the options, whatever the preset.
      assert.ok(server.calls.some((call) => call.text.startsWith(`Question: ${first.question}\nAnswer:`)));
      assert.ok(server.calls.every((call) => !call.text.includes('\nA. ')));
    } finally {
      await server.close();
    }
  });

  it('--answer-by likelihood is refused for a task answered by generation only, and with --suite, before anything runs', async () => {
    const { code, stderr } = await runCli(['run', 'mmbench', '--answer-by', 'likelihood', '--out', temporaryFolder('emu-eval-mc-')]);
    assert.equal(code, 2);
    assert.match(stderr, /mmbench: --answer-by likelihood applies to multiple-choice tasks that can rank their options/);
    const suite = await runCli(['run', '--suite', 'nightly', '--answer-by', 'likelihood', '--out', temporaryFolder('emu-eval-mc-')]);
    assert.equal(suite.code, 2);
    assert.match(suite.stderr, /suite entries answer multiple-choice tasks by generation; run --answer-by likelihood without --suite/);
  });
});

describe('multiple-choice tasks through tiny-emu', () => {
  it('emu-eval run seed-bench mmbench --limit 7: finished, every pass recorded, whole MMBench questions', async () => {
    const out = temporaryFolder('emu-eval-mc-');
    const { code, stdout, stderr } = await runCli(['run', 'seed-bench', 'mmbench', '--limit', '7', '--out', out, '--quiet', '--json']);
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout) as { runDirectory: string; status: string };
    assert.equal(result.status, 'finished');
    const records = readFileSync(path.join(result.runDirectory, 'samples.jsonl'), 'utf8').trim().split('\n').map((line) => sampleRecordSchema.parse(JSON.parse(line)));
    assert.equal(records.filter((record) => record.task === 'seed-bench').length, 7);
    const passes = records.filter((record) => record.task === 'mmbench');
    assert.equal(passes.length, 7);
    assert.ok(passes.every((record) => record.finishReason !== 'error' && (record.extracted === '' || /^[A-DZ]$/.test(record.extracted))));
    // The first seven rows in question order: every pass of the first questions, the last one cut short.
    const groups = new Map<string, number>();
    for (const record of passes) groups.set(record.meta.circularGroup as string, (groups.get(record.meta.circularGroup as string) ?? 0) + 1);
    const expected = new Map<string, number>();
    let left = 7;
    for (const group of mmbenchGroups) {
      const count = Math.min(left, mmbenchRows.filter((row) => row.group === group).length);
      if (count === 0) break;
      expected.set(String(group), count);
      left -= count;
    }
    assert.deepEqual(groups, expected);
  });

  it('emu-eval run seed-bench --answer-by likelihood: the most likely option of each record is its answer', async () => {
    const out = temporaryFolder('emu-eval-mc-');
    const { code, stdout, stderr } = await runCli(['run', 'seed-bench', '--answer-by', 'likelihood', '--limit', '6', '--out', out, '--quiet', '--json']);
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout) as { runDirectory: string };
    const records = readFileSync(path.join(result.runDirectory, 'samples.jsonl'), 'utf8').trim().split('\n').map((line) => sampleRecordSchema.parse(JSON.parse(line)));
    assert.equal(records.length, 6);
    const gold = new Map(seedQuestions.map((question) => [question.question_id, question.answer]));
    for (const record of records) {
      const logprobs = record.loglik!.logprobs;
      assert.equal(logprobs.length, 4);
      assert.equal(record.extracted, 'ABCD'[logprobs.indexOf(Math.max(...logprobs))]);
      assert.equal(record.score, record.extracted === gold.get(record.sampleId) ? 1 : 0);
    }
  });
});
