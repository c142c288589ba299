// The tiny Emu2 checkpoint through the commands a user types: export, then run with onnx:DIR, and hf:DIR
// (exported into the model cache on first use); then the runner checks every architecture passes.
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, temporaryFolder } from '../../helpers/cli.js';
import { describeExportedModelInRunner } from './exported-model-checks.js';
import { writeTinyEmu2 } from './tiny-emu2-checkpoint.js';

let checkpoint: string;
let out: string;
const previousCache = process.env.EMU_EVAL_CACHE;

before(() => {
  process.env.EMU_EVAL_CACHE = temporaryFolder();
  const root = temporaryFolder();
  checkpoint = path.join(root, 'emu2-tiny');
  writeTinyEmu2(checkpoint);
  out = path.join(root, 'emu2-onnx');
});
after(() => {
  if (previousCache === undefined) delete process.env.EMU_EVAL_CACHE;
  else process.env.EMU_EVAL_CACHE = previousCache;
});

/** n and errors of each result of a `run --json`. */
function counts(stdout: string): number[][] {
  const { metrics } = JSON.parse(stdout) as { metrics: Array<{ all: { n: number; nErrors: number } }> };
  return metrics.map(({ all }) => [all.n, all.nErrors]);
}

describe('Emu2 through export, onnx: and hf:', () => {
  test('export, then run vqav2 with onnx:OUT and with hf:CHECKPOINT (Emu2 prompt protocol)', async () => {
    const exported = await runCli(['export', checkpoint, '--out', out, '--json']);
    assert.equal(exported.code, 0, exported.stderr);
    assert.equal(JSON.parse(exported.stdout).architecture, 'emu2');
    for (const model of [`onnx:${out}`, `hf:${checkpoint}`]) {
      const run = await runCli(['run', 'vqav2', '--model', model, '--protocol', 'emu2', '--limit', '2', '--out', temporaryFolder(), '--json']);
      assert.equal(run.code, 0, `${model}: ${run.stderr}`);
      assert.deepEqual(counts(run.stdout), [[2, 0]], model);
    }
  });
});

describeExportedModelInRunner('the exported Emu2 in the runner', () => out);
