// No lost work: a 2,000-question evaluation killed with SIGKILL at 20 seeded random moments (during
// start-up, mid-run, while metrics are written), restarted each time, with torn and duplicated last
// lines injected between some restarts, ends with exactly the samples.jsonl and metrics.json of an
// uninterrupted run. Ctrl-C (SIGINT) exits 130 with a resumable run, also when pressed twice.
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { SeededRandom } from '../../tasks/samples/generator/seeded-random.js';
import { fileSize, readLines, runCliProcess, scratchFolder, startCli, waitFor } from './processes.js';
import { writeVqaDataset } from './vqa-dataset.js';

const QUESTIONS = 2000;
const KILLS = 20;
const RUN_ID = 'crash';

interface SampleLine {
  task: string;
  sampleId: string;
  shots: number;
  trial: number;
}

const keyOf = (line: string) => {
  const record = JSON.parse(line) as SampleLine;
  return `${record.task}/${record.shots}/${record.trial}/${record.sampleId}`;
};

/** Every complete line parses and no sample appears twice; returns the complete lines. */
function checkInvariants(file: string, where: string): string[] {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const complete = text.slice(0, text.lastIndexOf('\n') + 1).split('\n').filter(Boolean);
  const keys = new Set<string>();
  for (const line of complete) {
    const key = keyOf(line);
    assert.ok(!keys.has(key), `${where}: ${key} written twice`);
    keys.add(key);
  }
  return complete;
}

describe('crash resume (SIGKILL, SIGINT) on a 2,000-question run', { timeout: 170_000 }, () => {
  const work = scratchFolder('emu-eval-crash-');
  const data = path.join(work, 'vqav2');
  const predictions = path.join(work, 'predictions.json');
  const args = (out: string) => ['run', 'vqav2', '--data', data, '--model', `replay:${predictions}?latency=1`, '--out', out, '--run-id', RUN_ID, '--quiet'];
  const reference = { samples: [] as string[], results: undefined as unknown };
  const summary: string[] = [];

  before(async () => {
    await writeVqaDataset(data, QUESTIONS, { predictionsFile: predictions, wrongEvery: 3 });
    const out = path.join(work, 'reference');
    const { code, stderr } = await runCliProcess(args(out));
    assert.equal(code, 0, stderr);
    reference.samples = readLines(path.join(out, RUN_ID, 'samples.jsonl')).sort();
    reference.results = JSON.parse(readFileSync(path.join(out, RUN_ID, 'metrics.json'), 'utf8')).results;
    assert.equal(reference.samples.length, QUESTIONS);
  });

  after(() => {
    if (process.env.EMU_EVAL_RELIABILITY_LOG) appendFileSync(process.env.EMU_EVAL_RELIABILITY_LOG, `${summary.join('\n')}\n`);
  });

  function assertEqualsReference(out: string): void {
    const directory = path.join(out, RUN_ID);
    const lines = readLines(path.join(directory, 'samples.jsonl'));
    assert.equal(lines.length, QUESTIONS, 'no sample lost or duplicated');
    assert.equal(new Set(lines.map(keyOf)).size, QUESTIONS);
    assert.deepEqual([...lines].sort(), reference.samples);
    assert.ok(readFileSync(path.join(directory, 'samples.jsonl'), 'utf8').endsWith('\n'), 'no torn last line');
    assert.deepEqual(JSON.parse(readFileSync(path.join(directory, 'metrics.json'), 'utf8')).results, reference.results);
    const record = JSON.parse(readFileSync(path.join(directory, 'run.json'), 'utf8'));
    assert.equal(record.status, 'finished');
    assert.ok(!existsSync(path.join(directory, '.lock')), 'the lock is released');
  }

  it(`survives ${KILLS} SIGKILLs at random moments and torn or duplicated last lines`, async () => {
    const out = path.join(work, 'killed');
    const samplesFile = path.join(out, RUN_ID, 'samples.jsonl');
    const random = new SeededRandom(20_240_611);
    let kills = 0;
    let killsWithProgress = 0;
    let completedBeforeKill = 0;
    let injected = 0;
    let finishPhase = false;
    const referenceSize = reference.samples.reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
    for (let attempt = 0; kills < KILLS; attempt += 1) {
      assert.ok(attempt < 3 * KILLS, 'too many attempts');
      const sizeAtStart = fileSize(samplesFile);
      const linesAtStart = checkInvariants(samplesFile, `before attempt ${attempt}`).length;
      const started = startCli(args(out));
      // A quarter of the moments are anywhere from spawn on (start-up, lock, run.json, loading); the last
      // one right after the last sample is written (metrics and run.json being written); the rest while
      // samples are being written, 0-120 ms after the first new line.
      const finishMode = kills === KILLS - 1 && sizeAtStart < referenceSize;
      if (finishMode) await waitFor(started, () => fileSize(samplesFile) >= referenceSize, 1);
      else if (attempt % 4 === 0) await sleep(random.integer(0, 2000));
      else {
        await waitFor(started, () => fileSize(samplesFile) > sizeAtStart);
        await sleep(random.integer(0, 120));
      }
      started.child.kill('SIGKILL');
      const exit = await started.exited;
      if (exit === 'SIGKILL') {
        kills += 1;
        finishPhase ||= finishMode;
      } else {
        assert.equal(exit, 0, started.output().stderr);
        completedBeforeKill += 1;
      }
      const lines = checkInvariants(samplesFile, `after attempt ${attempt}`);
      if (lines.length > linesAtStart) killsWithProgress += exit === 'SIGKILL' ? 1 : 0;
      // Faults a kill mid-write could leave: half a line, and a whole line without its newline (which,
      // kept, would count a sample twice or keep one the resumed run never confirmed).
      if (lines.length > 0 && attempt % 5 === 2) {
        appendFileSync(samplesFile, lines.at(-1)!.slice(0, 57));
        injected += 1;
      } else if (lines.length > 0 && attempt % 5 === 4) {
        appendFileSync(samplesFile, lines.at(-1)!);
        injected += 1;
      }
    }
    const { code, stderr } = await runCliProcess(args(out));
    assert.equal(code, 0, stderr);
    assertEqualsReference(out);
    const leftovers = readdirSync(path.join(out, RUN_ID)).filter((name) => name.endsWith('.tmp'));
    summary.push(`crash-resume: ${kills} SIGKILLs survived (${killsWithProgress} after new samples were written${finishPhase ? ', the last one after the last sample, while metrics.json and run.json were being written' : ''}, ${completedBeforeKill} runs finished before their kill moment), ${injected} torn/duplicated last lines injected, ${leftovers.length} temp files left by kills mid-rename`);
    assert.ok(killsWithProgress >= KILLS / 2, `most kills should land mid-run (${killsWithProgress})`);
  });

  it('Ctrl-C exits 130 leaving an interrupted, resumable run; twice quits at once; the resumed run equals the reference', async () => {
    const out = path.join(work, 'interrupted');
    const samplesFile = path.join(out, RUN_ID, 'samples.jsonl');
    const random = new SeededRandom(7);
    let doubleLeftAtOnce = false;
    for (let interrupt = 0; interrupt < 3; interrupt += 1) {
      const twice = interrupt === 2;
      const sizeAtStart = fileSize(samplesFile);
      const started = startCli(args(out));
      assert.ok(await waitFor(started, () => fileSize(samplesFile) > sizeAtStart), 'the run ended before it could be interrupted');
      await sleep(random.integer(0, 200));
      if (twice) {
        // The second press as soon as the first one is acknowledged, from the event handler itself.
        let pressedAgain = false;
        started.child.stderr!.on('data', (chunk: string) => {
          if (!pressedAgain && chunk.includes('interrupted: finishing')) {
            pressedAgain = true;
            started.child.kill('SIGINT');
          }
        });
      }
      started.child.kill('SIGINT');
      const exit = await started.exited;
      const { stderr } = started.output();
      assert.match(stderr, /interrupted: finishing in-flight samples; rerun the same command to resume/);
      const record = JSON.parse(readFileSync(path.join(out, RUN_ID, 'run.json'), 'utf8'));
      if (!twice) {
        // Once: the in-flight samples are written and the run says so.
        assert.equal(exit, 130, stderr);
        assert.equal(record.status, 'interrupted');
      } else {
        // Twice: it leaves at once, run.json as it was (still "running"). When the first Ctrl-C's clean
        // exit was quicker than the second press, that clean exit is what happened; either way the shell
        // sees 130 (exit code 130, or death by SIGINT after the handler was gone).
        assert.ok(exit === 130 || exit === 'SIGINT', `exit ${exit}: ${stderr}`);
        assert.ok(record.status === 'running' || record.status === 'interrupted', record.status);
        doubleLeftAtOnce = record.status === 'running';
      }
      assert.ok(readFileSync(samplesFile, 'utf8').endsWith('\n'));
      const lines = checkInvariants(samplesFile, `after interrupt ${interrupt}`);
      assert.ok(lines.length < QUESTIONS);
      if (!twice) assert.ok(existsSync(path.join(out, RUN_ID, 'metrics.json')), 'metrics of what was done so far');
    }
    const { code, stderr } = await runCliProcess(args(out));
    assert.equal(code, 0, stderr);
    assertEqualsReference(out);
    summary.push(`crash-resume: 3 Ctrl-C interrupts survived (2 single: exit 130, status interrupted; 1 double: ${doubleLeftAtOnce ? 'left at once, run.json still "running"' : 'the first press\'s clean exit came first'})`);
  });
});
