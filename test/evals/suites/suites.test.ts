import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, DataError } from '../../../core/errors.js';
import { builtInSuiteNames, loadSuite, parseSuite, selectEntries } from '../../../evals/suites/load-suite.js';
import { entryEvaluateOptions } from '../../../evals/suites/run-suite.js';
import { taskIds } from '../../../tasks/registry.js';
import { runCli, temporaryFolder, writeGoldPredictions } from '../../helpers/cli.js';

describe('built-in suites', () => {
  it('load, and every task they name is registered', () => {
    assert.deepEqual(builtInSuiteNames(), ['emu2-paper', 'nightly']);
    for (const name of builtInSuiteNames()) {
      const suite = loadSuite(name);
      assert.equal(suite.name, name);
      assert.match(suite.hash, /^[0-9a-f]{16}$/);
      for (const entry of suite.entries) for (const task of entry.tasks) assert.ok(taskIds().includes(task), `${name}/${entry.name}: ${task}`);
    }
  });

  it('emu2-paper expresses Table 1 (base, 0/4/8/16-shot RICES) and Table 2 (chat zero-shot, video with 16 frames)', () => {
    const suite = loadSuite('emu2-paper');
    const [table1, table2Image, table2Video] = suite.entries;
    assert.deepEqual(table1, { ...table1, name: 'table-1-few-shot', tasks: ['vqav2', 'okvqa', 'vizwiz', 'textvqa'], protocol: 'emu2', shots: [0, 4, 8, 16], demos: 'rices' });
    assert.deepEqual(table2Image!.tasks, ['vqav2', 'okvqa', 'textvqa', 'vizwiz', 'gqa']);
    assert.equal(table2Image!.protocol, 'emu2-chat');
    assert.deepEqual(table2Video!.tasks, ['msvd-qa', 'msrvtt-qa']);
    assert.equal(table2Video!.frames, 16);
    assert.equal(table2Video!.protocol, 'emu2-chat');
  });

  it('nightly keeps small fixed limits', () => {
    for (const entry of loadSuite('nightly').entries) assert.ok(entry.limit !== undefined && entry.limit <= 10, entry.name);
  });

  it('an entry becomes evaluate() options: the suite decides tasks, protocol, shots ...; the command line the rest', () => {
    const [entry] = loadSuite('nightly').entries;
    const options = entryEvaluateOptions(entry!, { folder: '/out/suite-run', shared: { model: 'tiny-emu', normalize: 'official', command: [], runnerOptions: { threads: 2 } } });
    assert.equal(options.runId, 'image-vqa-zero-shot');
    assert.equal(options.outDir, '/out/suite-run');
    assert.deepEqual(options.tasks, entry!.tasks);
    assert.equal(options.limit, entry!.limit);
    assert.deepEqual(options.runnerOptions, { threads: 2 });
  });
});

describe('suite validation', () => {
  const file = '/suites/broken.yaml';
  const valid = 'name: s\ndescription: d\nentries:\n  - name: a\n    tasks: [vqav2]\n    protocol: emu2\n';

  function rejects(text: string, expected: RegExp): void {
    assert.throws(() => parseSuite(text, file), (error: unknown) => {
      assert.ok(error instanceof DataError);
      assert.match(error.message, /^\/suites\/broken\.yaml: /);
      assert.match(error.message, expected);
      return true;
    });
  }

  it('names the file, the line and the JSON path of each problem', () => {
    assert.equal(parseSuite(valid, file).entries[0]!.shots[0], 0);
    rejects(valid.replace('[vqav2]', '[vqav2, vqa-v3]'), /line 5, entries\[0\]\.tasks\[1\]: unknown task "vqa-v3"; registered tasks: vqav2/);
    rejects(`${valid}    shot: [4]\n`, /line 4, entries\[0\]: Unrecognized key: "shot"/);
    rejects(valid.replace('protocol: emu2', 'protocol: emu3'), /entries\[0\]\.protocol: unknown protocol "emu3"/);
    rejects(valid.replace('protocol: emu2', 'protocol: llava\n    shots: [0, 4]'), /entries\[0\]\.shots: protocol llava is zero-shot only/);
    rejects(`${valid}    frames: 16\n`, /entries\[0\]\.frames: frames applies to video tasks/);
    rejects(`${valid}  - name: a\n    tasks: [gqa]\n    protocol: emu2\n`, /entries\[1\]\.name: entry name "a" is used twice/);
    rejects(`${valid}    limit: -3\n`, /entries\[0\]\.limit: .*found -3/);
    rejects('name: s\ndescription: [unclosed\n', /not valid YAML\n  line \d+:/);
  });

  it('unknown suite names and entries are usage errors that list what exists', () => {
    assert.throws(() => loadSuite('nightlly'), (error: unknown) => error instanceof ConfigError && error.usage && /built-in suites: emu2-paper, nightly/.test(error.message));
    assert.throws(() => selectEntries(loadSuite('emu2-paper'), ['table-3']), /has no entry table-3; its entries: table-1-few-shot, table-2-image, table-2-video/);
    assert.deepEqual(selectEntries(loadSuite('emu2-paper'), ['table-2-video']).map((entry) => entry.name), ['table-2-video']);
  });
});

describe('run --suite', () => {
  it('the nightly suite runs quickly with tiny-emu on the bundled samples: one run directory per entry', async () => {
    const out = temporaryFolder('emu-eval-suite-');
    const started = performance.now();
    const { code, stdout, stderr } = await runCli(['run', '--suite', 'nightly', '--out', out, '--json', '--quiet']);
    assert.equal(code, 0, stderr);
    const result = JSON.parse(stdout);
    assert.equal(result.status, 'finished');
    assert.deepEqual(result.entries.map((entry: { name: string }) => entry.name), ['image-vqa-zero-shot', 'vqav2-few-shot']);
    for (const entry of result.entries) assert.equal(path.dirname(entry.runDirectory), result.suiteRun);
    const manifest = JSON.parse(readFileSync(path.join(result.suiteRun, 'suite.json'), 'utf8'));
    assert.equal(manifest.suite.name, 'nightly');
    assert.ok(manifest.entries.every((entry: { status: string }) => entry.status === 'finished'));
    assert.ok(performance.now() - started < 30_000, 'nightly on tiny-emu should take seconds');
  });

  it('replayed suite runs resume, compare entry by entry, and refuse flags the suite decides', async () => {
    const out = temporaryFolder('emu-eval-suite-');
    const suiteFile = path.join(out, 'suite.yaml');
    writeFileSync(suiteFile, 'name: two\ndescription: replay\nentries:\n  - name: vqa\n    tasks: [vqav2]\n    protocol: emu2\n  - name: ok\n    tasks: [okvqa]\n    protocol: emu2\n    limit: 20\n');
    const predictions = path.join(out, 'gold.json');
    const merged: unknown[] = [];
    for (const task of ['vqav2', 'okvqa']) {
      await writeGoldPredictions(task, path.join(out, `${task}.json`), { wrongEvery: 4 });
      merged.push(...(JSON.parse(readFileSync(path.join(out, `${task}.json`), 'utf8')) as unknown[]));
    }
    writeFileSync(predictions, JSON.stringify(merged));
    const args = ['run', '--suite', suiteFile, '--model', `replay:${predictions}`, '--out', out, '--quiet'];
    const first = await runCli([...args, '--run-id', 'first']);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /suite run: .*first \(finished; one run directory per entry\)/);
    assert.ok(existsSync(path.join(out, 'first', 'vqa', 'samples.jsonl')) && existsSync(path.join(out, 'first', 'ok', 'metrics.json')));
    const again = await runCli([...args, '--run-id', 'first', '--json']);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(JSON.parse(readFileSync(path.join(out, 'first', 'vqa', 'run.json'), 'utf8')).attempts, 2);
    assert.equal((await runCli([...args, '--run-id', 'second'])).code, 0);
    const compared = await runCli(['compare', path.join(out, 'first'), path.join(out, 'second'), '--json']);
    assert.equal(compared.code, 0, compared.stderr);
    const units = JSON.parse(compared.stdout).units;
    assert.deepEqual(units.map((unit: { entry: string; task: string }) => `${unit.entry}/${unit.task}`), ['vqa/vqav2', 'ok/okvqa']);
    assert.equal(units[1].paired.n, 20);

    for (const extra of [['vqav2'], ['--shots', '4'], ['--limit', '5'], ['--protocol', 'llava'], ['--entries', 'nope']]) {
      const refused = await runCli([...args, ...extra]);
      assert.equal(refused.code, 2, `${extra.join(' ')}: ${refused.stderr}`);
    }
    assert.equal((await runCli(['run'])).code, 2);
    assert.equal((await runCli(['run', '--suite', 'no-such-suite'])).code, 2);
  });
});
