import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, temporaryFolder, writeGoldPredictions } from '../helpers/cli.js';
import { startOpenAITestServer, type TestServer } from '../helpers/openai-test-server.js';

// `run --judge openai:URL --judge-model NAME` through the engine: the judge's runner comes from the
// backend registry, its replies are cached under $EMU_EVAL_CACHE/judge (apart from model answers), and
// run.json pins the judge.

describe('emu-eval run msrvtt-qa --judge', () => {
  const saved = process.env.EMU_EVAL_CACHE;
  const cache = temporaryFolder('emu-eval-cache-');
  const predictions = path.join(temporaryFolder(), 'gold.json');
  let server: TestServer;

  before(async () => {
    process.env.EMU_EVAL_CACHE = cache;
    await writeGoldPredictions('msrvtt-qa', predictions);
    server = await startOpenAITestServer({ models: ['judge-model-2024'], answer: () => "{'pred': 'yes', 'score': 5}" });
  });
  after(async () => {
    await server.close();
    if (saved === undefined) delete process.env.EMU_EVAL_CACHE;
    else process.env.EMU_EVAL_CACHE = saved;
  });

  async function judgedRun(): Promise<{ record: Record<string, any>; judgements: Array<Record<string, unknown>> }> {
    const args = ['run', 'msrvtt-qa', '--limit', '3', '--frames', '2', '--model', `replay:${predictions}`, '--judge', `openai:${server.url}`, '--judge-model', 'judge-model-2024'];
    const { code, stdout, stderr } = await runCli([...args, '--out', temporaryFolder(), '--json', '--quiet']);
    assert.equal(code, 0, stderr);
    const { runDirectory } = JSON.parse(stdout) as { runDirectory: string };
    const record = JSON.parse(readFileSync(path.join(runDirectory, 'run.json'), 'utf8')) as Record<string, any>;
    const lines = readFileSync(path.join(runDirectory, 'samples.jsonl'), 'utf8').trim().split('\n');
    return { record, judgements: lines.map((line) => (JSON.parse(line) as { judge: Record<string, unknown> }).judge) };
  }

  it('judges every answer, pins the judge in run.json and caches its replies in a folder of their own', async () => {
    const first = await judgedRun();
    assert.deepEqual(first.record.config.judge, { protocol: 'video-chatgpt', promptVersion: 1, model: 'judge-model-2024', endpoints: [server.url] });
    assert.deepEqual(first.judgements, [{ pred: 'yes', score: 5 }, { pred: 'yes', score: 5 }, { pred: 'yes', score: 5 }]);
    assert.equal(server.calls.length, 3);
    assert.equal(server.calls[0]!.body.model, 'judge-model-2024');
    assert.ok(readdirSync(path.join(cache, 'judge')).length > 0);
    assert.ok(!existsSync(path.join(cache, 'responses')));

    const second = await judgedRun();
    assert.deepEqual(second.judgements, [{ pred: 'yes', score: 5, cached: true }, { pred: 'yes', score: 5, cached: true }, { pred: 'yes', score: 5, cached: true }]);
    assert.equal(server.calls.length, 3);
  });
});
