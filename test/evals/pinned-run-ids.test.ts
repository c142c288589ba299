// The configuration hash names run directories and decides what a rerun resumes: a refactoring that
// changed it (or the runner options recorded in run.json) would silently start every run over. These
// values were recorded before the backends got their own option declarations; they must never move.
// Hashes are taken over the configuration alone (as `merge` compares shards), with the server URL and
// temporary folders replaced, so they do not depend on the checkout's path or a port.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { RunConfig, RunRecord } from '../../artifact/schema.js';
import { configHashOf } from '../../evals/evaluate.js';
import { defaultRunId } from '../../evals/run-id.js';
import { runCli, temporaryFolder, writeGoldPredictions } from '../helpers/cli.js';
import { startOpenAITestServer, type TestServer } from '../helpers/openai-test-server.js';

const base = { tasks: ['vqav2'], limit: 2, extraction: 'short-answer', normalize: 'official', shots: [0], seeds: [0], maxNewTokens: 10 } as const;

describe('run ids and recorded runner options stay what they were', () => {
  const out = temporaryFolder('emu-eval-pinned-');
  const predictions = path.join(out, 'predictions.json');
  const suiteFile = path.join(out, 'suite.yaml');
  let server: TestServer;

  before(async () => {
    await writeGoldPredictions('vqav2', predictions);
    writeFileSync(suiteFile, 'name: pin\ndescription: pin\nentries:\n  - name: chat\n    description: chat\n    tasks: [vqav2]\n    protocol: emu2-chat\n    shots: [0]\n    limit: 2\n');
    server = await startOpenAITestServer({ answer: () => 'yes' });
  });
  after(async () => {
    await server.close();
    rmSync(out, { recursive: true, force: true });
  });

  /** Runs the command; returns the (first) run's record with the URL and folders made portable. */
  async function recordOf(args: string[]): Promise<{ record: RunRecord; runDirectory: string; portable: RunConfig }> {
    const { code, stdout, stderr } = await runCli([...args, ...(args[0] === 'nightly' ? [] : ['--out', out]), '--json', '--quiet']);
    assert.equal(code, 0, stderr);
    const parsed = JSON.parse(stdout) as { runDirectory?: string; entries?: Array<{ runDirectory: string }>; folder?: string };
    const runDirectory = parsed.runDirectory ?? parsed.entries?.[0]?.runDirectory ?? path.join(parsed.folder!, 'chat');
    const record = JSON.parse(readFileSync(path.join(runDirectory, 'run.json'), 'utf8')) as RunRecord;
    const portable = JSON.parse(JSON.stringify(record.config).replaceAll(server.url, 'http://server/v1').replaceAll(out, '<out>')) as RunConfig;
    return { record, runDirectory, portable };
  }

  const cases: Array<{ name: string; args: () => string[]; config: Record<string, unknown>; hash: string }> = [
    { name: 'tiny-emu (the default model)', args: () => ['run', 'vqav2', '--limit', '2'], config: { ...base, model: 'tiny-emu', protocol: 'emu2', numBeams: 1 }, hash: '501c0295408e9491fc95d9a19b2987c27dd4d19c156a58343f21a92adaf38684' },
    {
      name: 'tiny-emu with ONNX settings',
      args: () => ['run', 'vqav2', '--limit', '2', '--device', 'cpu', '--threads', '2', '--dtype', 'fp32', '--params', '1000'],
      config: { ...base, model: 'tiny-emu', protocol: 'emu2', numBeams: 1, runnerOptions: { device: 'cpu', dtype: 'fp32', threads: 2, params: 1000 } },
      hash: 'bbfeceab0558d8e0acf897c1e01da888a56f4b03d90b2dd7bbdf35164f909c56',
    },
    {
      name: 'replay',
      args: () => ['run', 'vqav2', '--limit', '2', '--model', `replay:${predictions}`],
      config: { ...base, model: 'replay:<out>/predictions.json', protocol: 'emu2', numBeams: 1 },
      hash: 'd4154cfea5078efa07cb55cb4b3c7302b79d4396533656cf09cce880eb576a55',
    },
    {
      name: 'openai with operational settings',
      args: () => ['run', 'vqav2', '--limit', '2', '--model', `openai:${server.url}`, '--concurrency', '8', '--max-retries', '2', '--model-name', 'm', '--no-cache'],
      config: { ...base, model: 'openai:http://server/v1', protocol: 'emu2', numBeams: 1, runnerOptions: { modelName: 'm', concurrency: 8, maxRetries: 2, noCache: true } },
      hash: '1bdbf01a44b2a8d426c2da79254f2601913be7a6211488d61dc4f0092f0312dd',
    },
    {
      name: 'openai with the protocol\'s image size and beams',
      args: () => [
        'run', 'vqav2', '--limit', '2', '--model', `openai:${server.url}`, '--protocol', 'emu2-chat', '--resize-images', '--request-timeout', '5', '--retry-delay', '10',
        '--extra-body', '{"top_k": 1}', '--params', '37000000000', '--model-name', 'm', '--cache-dir', path.join(out, 'cache'),
      ],
      config: {
        ...base,
        model: 'openai:http://server/v1',
        protocol: 'emu2-chat',
        numBeams: 5,
        runnerOptions: { params: 37000000000, modelName: 'm', extraBody: { top_k: 1 }, requestTimeoutMs: 5000, retryDelayMs: 10, imageSize: 448, numBeams: 5, cacheDir: '<out>/cache' },
      },
      hash: '89afd39b285cc9316d4178f75dde64b4cead25e4bf88ba021cf7ff2d3f7d1bf4',
    },
    {
      name: 'a suite entry with an openai model (per-entry protocol)',
      args: () => ['run', '--suite', suiteFile, '--model', `openai:${server.url}`, '--model-name', 'm', '--resize-images', '--concurrency', '4', '--no-cache', '--params', '7'],
      config: { ...base, model: 'openai:http://server/v1', protocol: 'emu2-chat', numBeams: 5, runnerOptions: { params: 7, modelName: 'm', concurrency: 4, imageSize: 448, numBeams: 5, noCache: true } },
      hash: '1bb2557e2e3793b59356e2a604bccb1032f216ac40f75b08581c692e0a625f95',
    },
    {
      name: 'a nightly entry with ONNX settings',
      args: () => ['nightly', '--suite', suiteFile, '--history', path.join(out, 'history'), '--threads', '2', '--device', 'cpu'],
      config: { ...base, model: 'tiny-emu', protocol: 'emu2-chat', numBeams: 5, runnerOptions: { device: 'cpu', threads: 2 } },
      hash: '2f11d44494f70a20bd1ed12bbc6997e2b5a3f168f528614db0f75ecef197ed31',
    },
  ];

  for (const pinned of cases) {
    it(pinned.name, async () => {
      const args = pinned.args();
      const { record, runDirectory, portable } = await recordOf(args);
      assert.deepEqual(portable, pinned.config);
      assert.equal(configHashOf(portable, [], record.kind), pinned.hash);
      assert.equal(record.configHash, configHashOf(record.config, record.tasks, record.kind));
      // A suite names each entry's run directory after the entry.
      if (!args.includes('--suite')) assert.equal(path.basename(runDirectory), defaultRunId(record.config.tasks, record.config.model, record.configHash));
    });
  }

  it('operational runner options leave the hash alone; every other option changes it', () => {
    const config: RunConfig = { ...base, tasks: ['vqav2'], shots: [0], seeds: [0], normalize: 'official', model: 'x', protocol: 'emu2', numBeams: 1 };
    const plain = configHashOf(config, [], 'run');
    const operational = { concurrency: 3, requestTimeoutMs: 1, maxRetries: 1, retryDelayMs: 1, noCache: true, cacheDir: '/c', apiKeyEnv: 'K', threads: 4, devices: ['0'], device: 'cuda', batchSize: 2 };
    assert.equal(configHashOf({ ...config, runnerOptions: operational }, [], 'run'), plain);
    assert.equal(configHashOf({ ...config, batchSize: 16 }, [], 'run'), plain);
    for (const [key, value] of Object.entries({ dtype: 'fp16', params: 7, modelName: 'm', extraBody: { top_k: 1 }, imageSize: 448, numBeams: 5 })) {
      assert.notEqual(configHashOf({ ...config, runnerOptions: { ...operational, [key]: value } }, [], 'run'), plain, key);
    }
    assert.equal(plain, '7c2e5e4c369ab251f66f01255f96f1f32aed322b579f56d91236666c998d4188');
  });
});
