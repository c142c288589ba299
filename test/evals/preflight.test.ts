import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DataError } from '../../core/errors.js';
import { evaluate, type EvaluateOptions } from '../../evals/evaluate.js';
import { preflightTasks } from '../../evals/preflight.js';
import { planTask } from '../../evals/plan.js';
import { checkData } from '../../tasks/data-check.js';
import { getTask, taskIds } from '../../tasks/registry.js';
import { runCli } from '../helpers/cli.js';
import { startOpenAITestServer, type TestServer } from '../helpers/openai-test-server.js';
import { copyOfBundledSample, temporaryFolder } from '../tasks/dataset-folders.js';

// A duplicate id late in a dataset file is a data error found before any model call: the runner
// double (a local OpenAI-compatible server that logs every chat call) must see no request, the
// message must name the file, the JSON path and both positions, `data check` must list the same
// problem, and a run directory that already holds results must come out untouched and resumable.

interface Injected {
  file: string;
  field: string;
  message: string;
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));
const writeJson = (file: string, value: unknown) => writeFileSync(file, JSON.stringify(value));

/** Gives the last element of `list` the id of the first; returns the last index. */
function repeatFirstId<T extends Record<string, unknown>>(list: T[], key: keyof T): number {
  const last = list.length - 1;
  list[last] = { ...list[last]!, [key]: list[0]![key] };
  return last;
}

function vqaQuestions(questionsFile: string) {
  return (folder: string): Injected => {
    const file = path.join(folder, questionsFile);
    const content = readJson(file);
    const last = repeatFirstId(content.questions, 'question_id');
    writeJson(file, content);
    return { file, field: `questions[${last}].question_id`, message: `duplicate question_id ${content.questions[0].question_id}, already used by questions[0]` };
  };
}

function videoList(key: 'id' | 'question_id', questionsFile: string, quote: boolean) {
  return (folder: string): Injected => {
    const file = path.join(folder, questionsFile);
    const list = readJson(file);
    const last = repeatFirstId(list, key);
    writeJson(file, list);
    const id = quote ? JSON.stringify(list[0][key]) : String(list[0][key]);
    return { file, field: `[${last}].${key}`, message: `duplicate ${key === 'id' ? 'question id' : 'question_id'} ${id}, already used by [0]` };
  };
}

/** Equal keys in one object (GQA, MM-Vet): JSON.stringify can't write them, so the entry is appended as text. */
function repeatedKey(fileName: string, idName: string) {
  return (folder: string): Injected => {
    const file = path.join(folder, fileName);
    const text = readFileSync(file, 'utf8').trimEnd();
    const content = readJson(file) as Record<string, unknown>;
    const [firstKey, firstEntry] = Object.entries(content)[0]!;
    const count = Object.keys(content).length;
    writeFileSync(file, `${text.slice(0, -1)}, ${JSON.stringify(firstKey)}: ${JSON.stringify(firstEntry)}}`);
    return { file, field: firstKey, message: `duplicate ${idName} ${JSON.stringify(firstKey)}: entries 0 and ${count} of the top-level object use the same key` };
  };
}

/** One late duplicate per registered task, in the file that names its questions. */
const lateDuplicates: Record<string, (folder: string) => Injected> = {
  vqav2: vqaQuestions('v2_OpenEnded_mscoco_val2014_questions.json'),
  okvqa: vqaQuestions('OpenEnded_mscoco_val2014_questions.json'),
  textvqa(folder) {
    const file = path.join(folder, 'TextVQA_0.5.1_val.json');
    const content = readJson(file);
    const last = repeatFirstId(content.data, 'question_id');
    writeJson(file, content);
    return { file, field: `data[${last}].question_id`, message: `duplicate question_id ${content.data[0].question_id}, already used by data[0]` };
  },
  vizwiz(folder) {
    const file = path.join(folder, 'val.json');
    const list = readJson(file);
    const last = repeatFirstId(list, 'image');
    writeJson(file, list);
    return { file, field: `[${last}].image`, message: `duplicate question id ${JSON.stringify(list[0].image)} (VizWiz ids are image names), already used by [0]` };
  },
  gqa: repeatedKey('testdev_balanced_questions.json', 'question id'),
  'hateful-memes'(folder) {
    const file = path.join(folder, 'test_seen.jsonl');
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line));
    const last = repeatFirstId(lines, 'id');
    writeFileSync(file, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    return { file, field: `line ${last + 1}.id`, message: `duplicate id ${lines[0].id} (first on line 1)` };
  },
  'msvd-qa': videoList('id', 'test_qa.json', false),
  'msrvtt-qa': videoList('id', 'test_qa.json', false),
  'activitynet-qa': videoList('question_id', 'test_q.json', true),
  mmmu(folder) {
    const file = path.join(folder, 'validation.json');
    const list = readJson(file);
    const last = repeatFirstId(list, 'id');
    writeJson(file, list);
    return { file, field: `[${last}].id`, message: `duplicate id ${JSON.stringify(list[0].id)}, already used by [0]` };
  },
  'mm-vet': repeatedKey('mm-vet.json', 'sample id'),
  'seed-bench'(folder) {
    // The last image question (dimensions 1–9; the video questions after it are skipped unread).
    const file = path.join(folder, 'SEED-Bench.json');
    const content = readJson(file);
    const last = content.questions.findLastIndex((question: { question_type_id: number }) => question.question_type_id <= 9);
    content.questions[last].question_id = content.questions[0].question_id;
    writeJson(file, content);
    return { file, field: `questions[${last}].question_id`, message: `duplicate question_id ${JSON.stringify(content.questions[0].question_id)}, already used by questions[0]` };
  },
  mmbench(folder) {
    // The first pass again as the file's last row.
    const file = path.join(folder, 'MMBench_DEV_EN.tsv');
    const text = readFileSync(file, 'utf8');
    const firstRow = text.split('\n')[1]!;
    writeFileSync(file, `${text}${firstRow}\n`);
    const line = text.split('\n').length;
    return { file, field: `line ${line}, column index`, message: `index ${firstRow.split('\t')[0]} repeats the row on line 2` };
  },
};

/** LLM-graded tasks need a grader to start at all; the judge server is the test's model server (never called). */
const graderFlags = (taskId: string, url: string): string[] => (taskId === 'mm-vet' ? ['--judge', `openai:${url}`, '--judge-model', 'grader'] : []);

/** Annotations are read in step with the questions, so a surplus duplicate at the end surfaced only after the whole run. */
function appendedVqaAnnotation(folder: string): Injected {
  const file = path.join(folder, 'v2_mscoco_val2014_annotations.json');
  const content = readJson(file);
  content.annotations.push({ ...content.annotations[0] });
  writeJson(file, content);
  return {
    file,
    field: `annotations[${content.annotations.length - 1}].question_id`,
    message: `duplicate question_id ${content.annotations[0].question_id}, already used by annotations[0]`,
  };
}

describe('a duplicate id late in a dataset file', () => {
  const saved = process.env.EMU_EVAL_CACHE;
  let server: TestServer;
  before(async () => {
    process.env.EMU_EVAL_CACHE = temporaryFolder('emu-eval-cache-');
    server = await startOpenAITestServer({ answer: () => 'yes' });
  });
  after(async () => {
    await server.close();
    if (saved === undefined) delete process.env.EMU_EVAL_CACHE;
    else process.env.EMU_EVAL_CACHE = saved;
  });

  it('covers every registered task', () => {
    assert.deepEqual(Object.keys(lateDuplicates).sort(), taskIds().sort());
  });

  const cases: Array<[string, string, (folder: string) => Injected]> = [
    ...Object.entries(lateDuplicates).map(([taskId, inject]): [string, string, (folder: string) => Injected] => [taskId, `${taskId}: the last question repeats the first one's id`, inject]),
    ['vqav2', 'vqav2: a surplus annotation at the end repeats the first one', appendedVqaAnnotation],
  ];
  for (const [taskId, title, inject] of cases) {
    it(`${title}: refused before any model call (exit 1, file, path, both positions); data check lists it`, async () => {
      const folder = copyOfBundledSample(taskId);
      const injected = inject(folder);
      const out = temporaryFolder('emu-eval-preflight-out-');
      const callsBefore = server.calls.length;
      const { code, stdout, stderr } = await runCli(['run', taskId, '--model', `openai:${server.url}`, '--model-name', 'test-model', '--no-cache', '--data', folder, '--out', out, '--batch-size', '2', ...graderFlags(taskId, server.url)]);
      assert.equal(server.calls.length - callsBefore, 0, 'the runner was never called');
      assert.equal(code, 1, stdout + stderr);
      const [first, hint] = stderr.trimEnd().split('\n');
      assert.equal(first, `emu-eval: ${injected.file}: ${injected.field}: ${injected.message}`);
      assert.match(hint!, new RegExp(`^Stopped before any model call; \`emu-eval data check ${taskId} --data \\S+ --split \\S+\` lists every problem in the split\\.$`));
      assert.deepEqual(readdirSync(out), [], 'no run directory was created');

      const report = await checkData(getTask(taskId), folder);
      assert.ok(
        report.problems.some((problem) => problem.file === injected.file && problem.field === injected.field && problem.message === injected.message),
        `data check lists ${injected.field}: ${injected.message}\n${JSON.stringify(report.problems, null, 2)}`,
      );
    });
  }

  it('the preflight counts what the run will evaluate: --limit and --shard applied', async () => {
    const task = await planTask('vqav2', undefined, undefined);
    assert.equal((await preflightTasks([task], {})).get(task), 40);
    assert.equal((await preflightTasks([task], { limit: 7 })).get(task), 7);
    const shards = await Promise.all([0, 1, 2].map(async (index) => (await preflightTasks([task], { shard: { index, count: 3 } })).get(task)!));
    assert.equal(shards.reduce((sum, size) => sum + size, 0), 40);
  });

  it('an existing run directory is left untouched by the refused run, and resumes once the file is fixed', async () => {
    const folder = copyOfBundledSample('vqav2');
    const questionsFile = path.join(folder, 'v2_OpenEnded_mscoco_val2014_questions.json');
    const original = readFileSync(questionsFile);
    const out = temporaryFolder('emu-eval-preflight-resume-');
    const options = (signal?: AbortSignal, onEvent?: EvaluateOptions['onEvent']): EvaluateOptions => ({
      kind: 'run',
      tasks: ['vqav2'],
      model: `openai:${server.url}`,
      data: folder,
      outDir: out,
      protocol: 'emu2',
      normalize: 'official',
      batchSize: 2,
      runnerOptions: { modelName: 'test-model', noCache: true, concurrency: 1 },
      command: ['emu-eval', 'run', 'vqav2'],
      ...(signal ? { signal } : {}),
      ...(onEvent ? { onEvent } : {}),
    });

    // A first attempt stopped part-way (Ctrl-C after the first batch), on good data.
    const stop = new AbortController();
    const totals: Array<number | null> = [];
    const stopped = await evaluate(
      options(stop.signal, (event) => {
        if (event.type === 'task-start') totals.push(event.total);
        if (event.type === 'progress') stop.abort();
      }),
    );
    assert.equal(stopped.record.status, 'interrupted');
    assert.deepEqual(totals, [40], 'the progress total comes from the preflight');
    const runDirectory = stopped.runDirectory;
    const snapshot = () => Object.fromEntries(readdirSync(runDirectory).filter((name) => !name.endsWith('.lock')).map((name) => [name, readFileSync(path.join(runDirectory, name), 'utf8')]));
    const before = snapshot();
    const done = before['samples.jsonl']!.trim().split('\n').length;
    assert.ok(done > 0 && done < 40, `${done} samples done`);

    // The file goes bad late: the rerun is refused without a call and without touching anything.
    const content = JSON.parse(original.toString('utf8'));
    const last = repeatFirstId(content.questions, 'question_id');
    writeJson(questionsFile, content);
    const callsBefore = server.calls.length;
    await assert.rejects(evaluate(options()), (error: unknown) => {
      assert.ok(error instanceof DataError, String(error));
      assert.equal(error.file, questionsFile);
      assert.equal(error.field, `questions[${last}].question_id`);
      assert.match(error.message, new RegExp(`questions\\[${last}\\]\\.question_id: duplicate question_id ${content.questions[0].question_id}, already used by questions\\[0\\]`));
      return true;
    });
    assert.equal(server.calls.length, callsBefore);
    assert.deepEqual(snapshot(), before, 'run.json, samples.jsonl and metrics.json unchanged');
    assert.deepEqual(readdirSync(out), [path.basename(runDirectory)], 'no other run directory');

    // Fixed (the original bytes back): the same command resumes the same directory, nothing lost or twice.
    writeFileSync(questionsFile, original);
    const resumed = await evaluate(options());
    assert.equal(resumed.runDirectory, runDirectory);
    assert.equal(resumed.resumed, true);
    assert.equal(resumed.record.status, 'finished');
    assert.equal(resumed.record.attempts, 2);
    assert.equal(server.calls.length - callsBefore, 40 - done, 'only the missing samples were asked for');
    const lines = readFileSync(path.join(runDirectory, 'samples.jsonl'), 'utf8').trim().split('\n');
    assert.ok(lines.slice(0, done).join('\n') === before['samples.jsonl']!.trim(), 'earlier results kept as written');
    assert.equal(new Set(lines.map((line) => JSON.parse(line).sampleId)).size, 40);
    assert.equal(lines.length, 40);
    assert.ok(existsSync(path.join(runDirectory, 'metrics.json')));
  });
});
