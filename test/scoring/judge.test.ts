import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError } from '../../core/errors.js';
import { summarizeJudgements, sampleJudgement } from '../../scoring/judge/judge-summary.js';
import { openLlmJudge } from '../../evals/judge-runner.js';
import { judgeRequest, type JudgeItem } from '../../scoring/judge/llm-judge.js';
import { parseJudgement } from '../../scoring/judge/parse-judgement.js';
import { JUDGE_SYSTEM_PROMPT, judgeUserPrompt } from '../../scoring/judge/video-chatgpt-prompt.js';
import { startOpenAITestServer, type TestServer } from '../helpers/openai-test-server.js';

describe('judge reply parsing', () => {
  it("reads Video-ChatGPT's Python dict and its JSON twin", () => {
    assert.deepEqual(parseJudgement("{'pred': 'yes', 'score': 4}"), { ok: true, judgement: { pred: 'yes', score: 4 } });
    assert.deepEqual(parseJudgement('{"pred": "no", "score": 0}'), { ok: true, judgement: { pred: 'no', score: 0 } });
    assert.deepEqual(parseJudgement("```python\n{'score': 4.8, 'pred': 'Yes'}\n```"), { ok: true, judgement: { pred: 'yes', score: 4.8 } });
  });

  it('anything else is a failed judgement with the reason, never a "no"', () => {
    for (const reply of ['', 'yes', "The answer is correct. {'pred': 'yes', 'score': 5}", "{'pred': 'maybe', 'score': 3}", "{'pred': 'yes', 'score': 7}", "{'pred': 'yes'}", "{'pred': 'yes', 'score': '5'}", "{'pred': 'no', 'pred': 'yes', 'score': 1}"]) {
      const parsed = parseJudgement(reply);
      assert.equal(parsed.ok, false, reply);
    }
    const parsed = parseJudgement('I cannot judge this.');
    assert.deepEqual(parsed, { ok: false, reason: `not a {'pred': ..., 'score': ...} dictionary: "I cannot judge this."` });
  });
});

describe('Video-ChatGPT judge prompt', () => {
  it('is the published wording, quirks included', () => {
    assert.match(JUDGE_SYSTEM_PROMPT, /^You are an intelligent chatbot designed for evaluating the correctness of generative outputs for question-answer pairs\. /);
    assert.match(JUDGE_SYSTEM_PROMPT, /accomplish the task:------##INSTRUCTIONS: - Focus on the meaningful match/);
    const prompt = judgeUserPrompt('what is the man doing?', 'cooking', 'he is cooking');
    assert.ok(prompt.startsWith('Please evaluate the following video-based question-answer pair:\n\nQuestion: what is the man doing?\nCorrect Answer: cooking\nPredicted Answer: he is cooking\n\n'));
    assert.match(prompt, /where value of 'pred' is {2}a string of 'yes' or 'no'/);
    assert.ok(prompt.endsWith("For example, your response should look like this: {'pred': 'yes', 'score': 4.8}."));
    const request = judgeRequest({ sampleId: 'q1', question: 'q?', answer: 'a', prediction: '  a \n' });
    assert.equal(request.system, JUDGE_SYSTEM_PROMPT);
    assert.deepEqual(request.parts, [{ type: 'text', text: judgeUserPrompt('q?', 'a', 'a') }]);
  });
});

describe('LLM judge through the OpenAI runner and its cache', () => {
  let server: TestServer;
  const cacheDirectory = mkdtempSync(path.join(tmpdir(), 'emu-eval-judge-cache-'));
  const items: JudgeItem[] = [
    { sampleId: '1', question: 'what color is the ball?', answer: 'red', prediction: 'red' },
    { sampleId: '2', question: 'what shape moves?', answer: 'circle', prediction: 'square' },
    { sampleId: '3', question: 'how many shapes are there?', answer: 'two', prediction: 'boom' },
    { sampleId: '4', question: 'where does it end up?', answer: 'left', prediction: 'garble' },
  ];

  before(async () => {
    server = await startOpenAITestServer({
      models: ['judge-model-2024'],
      answer: (call) => {
        const predicted = /Predicted Answer: (.*)\n/.exec(call.text)![1];
        const correct = /Correct Answer: (.*)\n/.exec(call.text)![1];
        if (predicted === 'garble') return 'Sure! The prediction looks right to me.';
        return predicted === correct ? "{'pred': 'yes', 'score': 5}" : "{'pred': 'no', 'score': 1}";
      },
      fault: (call) => (call.text.includes('Predicted Answer: boom') ? { kind: 'status', status: 500, message: 'judge overloaded' } : undefined),
    });
  });
  after(async () => {
    await server.close();
    rmSync(cacheDirectory, { recursive: true, force: true });
  });

  it('judges each item; a failed call and an unusable reply are failures, not "no"', async () => {
    const judge = await openLlmJudge({ spec: `openai:${server.url}`, model: 'judge-model-2024', cacheDirectory, maxRetries: 0 });
    try {
      assert.deepEqual(judge.identity, { protocol: 'video-chatgpt', promptVersion: 1, model: 'judge-model-2024', endpoints: [server.url] });
      const outcomes = await judge.judge(items, new AbortController().signal);
      assert.deepEqual(outcomes.slice(0, 2), [
        { status: 'judged', sampleId: '1', cached: false, pred: 'yes', score: 5 },
        { status: 'judged', sampleId: '2', cached: false, pred: 'no', score: 1 },
      ]);
      assert.equal(outcomes[2]!.status, 'failed');
      assert.match((outcomes[2] as { error: string }).error, /^judge call failed: .*HTTP 500: judge overloaded/);
      assert.equal(outcomes[3]!.status, 'failed');
      assert.match((outcomes[3] as { error: string }).error, /^judge reply unusable: not a \{'pred'/);
      const call = server.calls[0]!;
      assert.equal(call.body.model, 'judge-model-2024');
      assert.equal(call.body.temperature, 0);
      assert.deepEqual(call.body.messages[0], { role: 'system', content: JUDGE_SYSTEM_PROMPT });
    } finally {
      await judge.close();
    }
  });

  it('a second judging is answered from its own cache; only failed calls go out again', async () => {
    const before = server.calls.length;
    const judge = await openLlmJudge({ spec: `openai:${server.url}`, model: 'judge-model-2024', cacheDirectory, maxRetries: 0 });
    try {
      const outcomes = await judge.judge(items, new AbortController().signal);
      assert.deepEqual(outcomes[0], { status: 'judged', sampleId: '1', cached: true, pred: 'yes', score: 5 });
      assert.deepEqual(outcomes[1], { status: 'judged', sampleId: '2', cached: true, pred: 'no', score: 1 });
      assert.deepEqual(server.calls.slice(before).map((call) => /Predicted Answer: (.*)\n/.exec(call.text)![1]), ['boom']);
    } finally {
      await judge.close();
    }
  });

  it('requires a pinned judge model and an openai: spec', async () => {
    await assert.rejects(openLlmJudge({ spec: `openai:${server.url}`, model: '' }), (error: unknown) => error instanceof ConfigError && /--judge-model/.test(error.message));
    await assert.rejects(openLlmJudge({ spec: server.url, model: 'judge-model-2024' }), (error: unknown) => error instanceof ConfigError && /--judge takes openai:/.test(error.message));
  });
});

describe('judge figures', () => {
  const identity = { protocol: 'video-chatgpt' as const, promptVersion: 1, model: 'judge-model-2024', endpoints: [] };

  it('VALID is yes / (yes + no); ALL counts failed calls and model errors as not-yes; both clustered by video', () => {
    const summary = summarizeJudgements(
      [
        { videoId: 'video1', judgement: sampleJudgement({ status: 'judged', sampleId: 'a', cached: false, pred: 'yes', score: 5 }) },
        { videoId: 'video1', judgement: sampleJudgement({ status: 'judged', sampleId: 'b', cached: true, pred: 'no', score: 2 }) },
        { videoId: 'video2', judgement: sampleJudgement({ status: 'failed', sampleId: 'c', error: 'judge call failed: timeout' }) },
        { videoId: 'video2' },
        { videoId: 'video3', judgement: { pred: 'yes', score: 4 } },
      ],
      identity,
    );
    assert.equal(summary.model, 'judge-model-2024');
    assert.equal(summary.judged, 3);
    assert.equal(summary.failedCalls, 1);
    assert.equal(summary.all.value, 40);
    assert.equal(summary.all.n, 5);
    assert.equal(summary.all.nErrors, 2);
    assert.ok(Math.abs(summary.valid.value! - 200 / 3) < 1e-9);
    assert.equal(summary.valid.n, 3);
    assert.ok(Math.abs(summary.meanScore! - 11 / 3) < 1e-12);
    assert.equal(summary.all.clustered!.clusters, 3);
    assert.equal(summary.valid.clustered!.clusters, 2);
    assert.deepEqual(sampleJudgement({ status: 'judged', sampleId: 'b', cached: true, pred: 'no', score: 2 }), { pred: 'no', score: 2, cached: true });
  });
});
