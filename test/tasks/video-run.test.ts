import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runCli, writeGoldPredictions } from '../helpers/cli.js';
import { startOpenAITestServer } from '../helpers/openai-test-server.js';
import { copyOfBundledSample, temporaryFolder } from './dataset-folders.js';

// `emu-eval run msrvtt-qa` end to end with the replay runner: frames are really decoded (ffmpeg),
// a corrupt video becomes error samples carrying ffprobe's message, metrics carry the clustered
// standard error, and a second run is served from the frame cache without ffmpeg.

interface SampleLine {
  sampleId: string;
  finishReason: string;
  error?: string;
  score: number | null;
  meta: { videoId: string };
}

describe('emu-eval run on a video task', () => {
  const saved = { cache: process.env.EMU_EVAL_CACHE, ffmpeg: process.env.EMU_EVAL_FFMPEG, ffprobe: process.env.EMU_EVAL_FFPROBE };
  const data = copyOfBundledSample('msrvtt-qa');
  const predictions = path.join(temporaryFolder(), 'gold.json');
  const questions = JSON.parse(readFileSync(path.join(data, 'test_qa.json'), 'utf8')) as Array<{ id: number; video_id: number }>;
  const corruptVideo = questions[0]!.video_id;

  before(async () => {
    process.env.EMU_EVAL_CACHE = temporaryFolder('emu-eval-cache-');
    await writeGoldPredictions('msrvtt-qa', predictions, { wrongEvery: 5 });
    writeFileSync(path.join(data, 'TestVideo', `video${corruptVideo}.mp4`), Buffer.alloc(4096, 7));
  });
  after(() => {
    for (const [key, value] of Object.entries({ EMU_EVAL_CACHE: saved.cache, EMU_EVAL_FFMPEG: saved.ffmpeg, EMU_EVAL_FFPROBE: saved.ffprobe })) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  });

  async function run(out: string): Promise<{ runDirectory: string; lines: SampleLine[]; metrics: { results: Array<Record<string, any>> }; run: Record<string, any> }> {
    const { code, stdout, stderr } = await runCli(['run', 'msrvtt-qa', '--model', `replay:${predictions}`, '--data', data, '--extraction', 'raw', '--frames', '4', '--frame-sampler', 'midpoint', '--out', out, '--json']);
    assert.equal(code, 0, stderr);
    const { runDirectory } = JSON.parse(stdout) as { runDirectory: string };
    const lines = readFileSync(path.join(runDirectory, 'samples.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as SampleLine);
    const metrics = JSON.parse(readFileSync(path.join(runDirectory, 'metrics.json'), 'utf8'));
    return { runDirectory, lines, metrics, run: JSON.parse(readFileSync(path.join(runDirectory, 'run.json'), 'utf8')) };
  }

  it('a corrupt video is an error sample with the ffmpeg message; the run goes on and reports clustered errors', async () => {
    const { lines, metrics, run: record } = await run(temporaryFolder());
    assert.deepEqual(record.config.video, { frames: 4, sampler: 'midpoint' });
    const broken = lines.filter((line) => line.meta.videoId === `video${corruptVideo}`);
    assert.ok(broken.length >= 1);
    for (const line of broken) {
      assert.equal(line.finishReason, 'error');
      assert.equal(line.score, null);
      assert.match(line.error!, /ffprobe exited with status 1: .*Invalid data found when processing input/);
    }
    assert.ok(lines.filter((line) => line.finishReason !== 'error').every((line) => line.score === 0 || line.score === 1));
    const [result] = metrics.results;
    assert.equal(result.all.n, questions.length);
    assert.equal(result.all.nErrors, broken.length);
    assert.equal(result.valid.n, questions.length - broken.length);
    const videos = new Set(questions.map((question) => question.video_id));
    assert.equal(result.all.clustered.by, 'videoId');
    assert.equal(result.all.clustered.clusters, videos.size);
    assert.equal(result.valid.clustered.clusters, videos.size - 1);
    assert.ok(result.all.clustered.standardError > 0);
    const [low, high] = result.all.clustered.ci95;
    assert.ok(Math.abs((low + high) / 2 - result.all.value) < 1e-9);
  });

  it('a second run is served from the frame cache: it works with ffmpeg unreachable', async () => {
    process.env.EMU_EVAL_FFMPEG = '/nonexistent/ffmpeg';
    process.env.EMU_EVAL_FFPROBE = '/nonexistent/ffprobe';
    const { lines } = await run(temporaryFolder());
    const failed = lines.filter((line) => line.finishReason === 'error');
    assert.ok(failed.every((line) => line.meta.videoId === `video${corruptVideo}`), JSON.stringify(failed.map((line) => line.error)));
    assert.equal(lines.length - failed.length, questions.filter((question) => question.video_id !== corruptVideo).length);
  });
});

describe('emu-eval run msrvtt-qa through live runners', () => {
  const saved = process.env.EMU_EVAL_CACHE;
  before(() => {
    process.env.EMU_EVAL_CACHE = temporaryFolder('emu-eval-cache-');
  });
  after(() => {
    if (saved === undefined) delete process.env.EMU_EVAL_CACHE;
    else process.env.EMU_EVAL_CACHE = saved;
  });

  it('through an OpenAI-compatible server: each question arrives with its 16 frames as images (emu2-chat)', async () => {
    const server = await startOpenAITestServer({ answer: (call) => (call.text.includes('what shape') ? 'circle' : 'red') });
    try {
      const { code, stdout, stderr } = await runCli(['run', 'msrvtt-qa', '--model', `openai:${server.url}`, '--model-name', 'test-model', '--protocol', 'emu2-chat', '--out', temporaryFolder(), '--json']);
      assert.equal(code, 0, stderr);
      const result = JSON.parse(stdout) as { runDirectory: string; metrics: Array<{ all: { n: number; nErrors: number; value: number } }> };
      assert.equal(result.metrics[0]!.all.n, 24);
      assert.equal(result.metrics[0]!.all.nErrors, 0);
      assert.ok(result.metrics[0]!.all.value > 0);
      assert.equal(server.calls.length, 24);
      for (const call of server.calls) {
        assert.equal(call.images.length, 16);
        assert.ok(call.images.every((url) => url.startsWith('data:image/jpeg;base64,')));
      }
      const run = JSON.parse(readFileSync(path.join(result.runDirectory, 'run.json'), 'utf8'));
      assert.deepEqual(run.config.video, { frames: 16, sampler: 'uniform' });
    } finally {
      await server.close();
    }
  });

  it('through tiny-emu (the in-process ONNX model): frames go through its vision encoder', async () => {
    // tiny-emu's context is 512 tokens and each frame takes 64: 4 frames leave room for the question.
    const { code, stdout, stderr } = await runCli(['run', 'msrvtt-qa', '--limit', '3', '--frames', '4', '--out', temporaryFolder(), '--json']);
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout) as { metrics: Array<{ all: { n: number; nErrors: number } }> };
    assert.equal(result.metrics[0]!.all.n, 3);
    assert.equal(result.metrics[0]!.all.nErrors, 0);
  });
});
