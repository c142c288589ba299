import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { temporaryFolder, writeGoldPredictions } from '../helpers/cli.js';

const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/emu-eval.js');

function samplesFile(out: string): string | undefined {
  if (!existsSync(out)) return undefined;
  const runs = readdirSync(out).filter((entry) => existsSync(path.join(out, entry, 'samples.jsonl')));
  return runs[0] ? path.join(out, runs[0], 'samples.jsonl') : undefined;
}

function lineCount(file: string | undefined): number {
  return file && existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0;
}

/** Runs the CLI as a separate process; with `killAfterLines`, SIGKILLs it once that many samples are written. */
async function runProcess(args: string[], out: string, killAfterLines?: number): Promise<'killed' | number> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, EMU_EVAL_FROM_SOURCE: '1' } });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  if (killAfterLines !== undefined) {
    for (;;) {
      const done = await Promise.race([exited.then(() => true), sleep(10).then(() => false)]);
      if (done) throw new Error(`process ended before it could be killed: ${stderr}`);
      if (lineCount(samplesFile(out)) >= killAfterLines) {
        child.kill('SIGKILL');
        await exited;
        return 'killed';
      }
    }
  }
  const code = await exited;
  if (code !== 0) throw new Error(`emu-eval exited ${code}: ${stderr}`);
  return code;
}

test('a run killed part-way and restarted ends with the same samples.jsonl as an uninterrupted run', { timeout: 120_000 }, async () => {
  const work = temporaryFolder();
  const predictions = path.join(work, 'gold.json');
  await writeGoldPredictions('vqav2', predictions, { wrongEvery: 3 });
  const args = (out: string) => ['run', 'vqav2', '--model', `replay:${predictions}?latency=25`, '--out', out, '--quiet', '--run-id', 'resume'];

  const reference = path.join(work, 'reference');
  await runProcess(args(reference), reference);

  const interrupted = path.join(work, 'interrupted');
  assert.equal(await runProcess(args(interrupted), interrupted, 5), 'killed');
  assert.equal(await runProcess(args(interrupted), interrupted, 15), 'killed');
  await runProcess(args(interrupted), interrupted);

  const expected = readFileSync(samplesFile(reference)!, 'utf8').trim().split('\n');
  const actual = readFileSync(samplesFile(interrupted)!, 'utf8').trim().split('\n');
  assert.equal(actual.length, expected.length, 'no sample lost or duplicated');
  assert.deepEqual([...actual].sort(), [...expected].sort());
  const run = JSON.parse(readFileSync(path.join(interrupted, 'resume', 'run.json'), 'utf8'));
  assert.equal(run.status, 'finished');
  assert.equal(run.attempts, 3);
  assert.deepEqual(
    JSON.parse(readFileSync(path.join(interrupted, 'resume', 'metrics.json'), 'utf8')).results,
    JSON.parse(readFileSync(path.join(reference, 'resume', 'metrics.json'), 'utf8')).results,
  );
});
