// Two processes pointed at one run directory: the second is refused with a clear message (exit 1)
// and leaves the first one's run.json untouched; a lock left by a killed process, by a pid that no
// longer exists or with garbage in it is taken over; many processes racing for a stale lock get it
// one at a time.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { acquireRunLock } from '../../artifact/run-lock.js';
import { fileSize, readLines, runCliProcess, scratchFolder, startCli, waitFor } from './processes.js';
import { writeVqaDataset } from './vqa-dataset.js';

const RUN_ID = 'shared';

/** A pid that belonged to a process which has exited (its number is free again, for now). */
function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(result.stdout);
}

describe('concurrent writers of one run directory', { timeout: 120_000 }, () => {
  const work = scratchFolder('emu-eval-lock-');
  const data = path.join(work, 'vqav2');
  const predictions = path.join(work, 'predictions.json');
  const args = (out: string) => ['run', 'vqav2', '--data', data, '--model', `replay:${predictions}?latency=50`, '--out', out, '--run-id', RUN_ID, '--quiet'];

  it('the second process is refused with the first one\'s pid, exit 1, without touching run.json; a killed owner\'s lock is taken over', async () => {
    await writeVqaDataset(data, 400, { predictionsFile: predictions, wrongEvery: 4 });
    const out = path.join(work, 'two');
    const directory = path.join(out, RUN_ID);
    const samplesFile = path.join(directory, 'samples.jsonl');
    const first = startCli(args(out));
    assert.ok(await waitFor(first, () => fileSize(samplesFile) > 0), first.output().stderr);
    const runBefore = readFileSync(path.join(directory, 'run.json'), 'utf8');

    const second = await runCliProcess(args(out));
    assert.equal(second.code, 1, second.stderr);
    assert.equal(second.stderr.trim(), `emu-eval: ${directory} is being written by another emu-eval process (pid ${first.child.pid}); wait for it or use another --out`);
    assert.equal(readFileSync(path.join(directory, 'run.json'), 'utf8'), runBefore, 'the refused process left run.json alone');
    assert.equal(readFileSync(path.join(directory, '.lock'), 'utf8').trim(), String(first.child.pid));

    // The owner dies without releasing: its lock is stale and the next run takes it over and finishes.
    first.child.kill('SIGKILL');
    assert.equal(await first.exited, 'SIGKILL');
    assert.equal(readFileSync(path.join(directory, '.lock'), 'utf8').trim(), String(first.child.pid));
    const linesBefore = readLines(samplesFile).length;
    const third = startCli(args(out));
    assert.ok(await waitFor(third, () => readLines(samplesFile).length > linesBefore + 2), third.output().stderr);
    assert.equal(readFileSync(path.join(directory, '.lock'), 'utf8').trim(), String(third.child.pid), 'the lock was taken over');
    third.child.kill('SIGINT');
    assert.equal(await third.exited, 130, third.output().stderr);
    const record = JSON.parse(readFileSync(path.join(directory, 'run.json'), 'utf8'));
    assert.equal(record.status, 'interrupted');
    assert.equal(record.attempts, 2, 'the refused process did not count as an attempt');
    assert.deepEqual(readdirSync(directory).filter((name) => name.startsWith('.lock')), [], 'lock released, no lock litter');
  });

  it('locks naming a pid that no longer exists, or holding garbage, are stale', () => {
    for (const content of [`${deadPid()}\n`, '', 'not a pid\n']) {
      const directory = scratchFolder('emu-eval-stale-');
      writeFileSync(path.join(directory, '.lock'), content);
      const release = acquireRunLock(directory);
      assert.equal(readFileSync(path.join(directory, '.lock'), 'utf8').trim(), String(process.pid));
      release();
      assert.ok(!existsSync(path.join(directory, '.lock')));
    }
    const directory = scratchFolder('emu-eval-alive-');
    writeFileSync(path.join(directory, '.lock'), '1\n');
    assert.throws(() => acquireRunLock(directory), /being written by another emu-eval process \(pid 1\)/);
  });

  it('eight processes racing for one stale lock: exactly one gets it', { timeout: 60_000 }, async () => {
    const directory = path.join(work, 'race');
    mkdirSync(directory, { recursive: true });
    writeFileSync(path.join(directory, '.lock'), `${deadPid()}\n`);
    const go = path.join(work, 'race-go');
    const release = path.join(work, 'race-release');
    // Every contender loads, says "ready", waits for the go file, then tries; the winner holds the lock
    // until all have answered, so a late starter can never find it released.
    const script = `
      const { existsSync } = await import('node:fs');
      const { acquireRunLock } = await import(${JSON.stringify(new URL('../../artifact/run-lock.ts', import.meta.url).href)});
      const wait = async (file) => { while (!existsSync(file)) await new Promise((resolve) => setTimeout(resolve, 1)); };
      console.log('ready');
      await wait(${JSON.stringify(go)});
      try { const done = acquireRunLock(${JSON.stringify(directory)}); console.log('got'); await wait(${JSON.stringify(release)}); done(); }
      catch (error) { console.log(error.message.includes('being written by another') ? 'refused' : 'error ' + error.message); }`;
    const contenders = Array.from({ length: 8 }, () => startContender(script));
    await Promise.all(contenders.map((contender) => contender.said(1)));
    writeFileSync(go, '');
    const outcomes = await Promise.all(contenders.map(async (contender) => (await contender.said(2))[1]!));
    writeFileSync(release, '');
    await Promise.all(contenders.map((contender) => contender.exited));
    assert.equal(outcomes.filter((outcome) => outcome === 'got').length, 1, outcomes.join(', '));
    assert.equal(outcomes.filter((outcome) => outcome === 'refused').length, 7, outcomes.join(', '));
    assert.deepEqual(readdirSync(directory).filter((name) => name.startsWith('.lock')), []);
  });
});

/** A node process running `script`; `said(n)` resolves once it has printed n lines. */
function startContender(script: string): { said: (lines: number) => Promise<string[]>; exited: Promise<unknown> } {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  const waiting: Array<() => void> = [];
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    for (const wake of waiting.splice(0)) wake();
  });
  const exited = new Promise((resolve) =>
    child.on('exit', (code) => {
      for (const wake of waiting.splice(0)) wake();
      resolve(code);
    }),
  );
  const said = async (lines: number): Promise<string[]> => {
    for (;;) {
      const complete = output.split('\n').slice(0, -1);
      if (complete.length >= lines) return complete;
      if (child.exitCode !== null) throw new Error(`contender exited after: ${output}`);
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
  };
  return { said, exited };
}
