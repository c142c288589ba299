import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

// The task registry is imported by every command at start, so the task modules it imports must stay
// light: a task's readers (JSON streams, Parquet, TSV, video lists, MMMU rows) are imported by its
// first load (tasks/formats/lazy-load.ts), not at start. A fresh process imports the registry with a
// hook that logs every module loaded; then it loads one VQAv2 sample, which must bring the reader in.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const scratch = mkdtempSync(path.join(tmpdir(), 'emu-eval-registry-imports-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The modules under tasks/formats/, tasks/parquet/ and tasks/mmmu/ a task module may import at start: layouts, split tables, file patterns. */
const LIGHT_AT_START = new Set([
  'tasks/formats/lazy-load.ts',
  'tasks/formats/open-on-first-next.ts',
  'tasks/formats/parquet-layout.ts',
  'tasks/formats/vqa-format-layout.ts',
  'tasks/formats/vqa-format-schemas.ts',
  'tasks/formats/video-qa-layout.ts',
  'tasks/formats/hateful-memes-splits.ts',
  'tasks/parquet/snapshot-files.ts',
]);

/** Project files (relative, sources) loaded while `script` ran in a fresh `node --import tsx` process, by phase (`phase(name)` marks the end of one). */
function loadedModules(script: string): Record<string, string[]> {
  const log = path.join(scratch, `${Math.random().toString(36).slice(2)}.log`);
  const hooks = pathToFileURL(path.join(root, 'test/helpers/module-load-log-hooks.mjs')).href;
  const phases = `
    import { register } from 'node:module';
    import { readFileSync, writeFileSync } from 'node:fs';
    register(${JSON.stringify(hooks)}, { data: { log: ${JSON.stringify(log)} } });
    const phase = (name) => writeFileSync(${JSON.stringify(log)}, readFileSync(${JSON.stringify(log)}, 'utf8') + '#' + name + '\\n');
    writeFileSync(${JSON.stringify(log)}, '');
    ${script}`;
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', phases], { cwd: root, encoding: 'utf8', env: { ...process.env, EMU_EVAL_FROM_SOURCE: '1' } });
  assert.equal(child.status, 0, child.stderr);
  // `#name` closes a phase: the modules logged since the previous mark.
  const byPhase: Record<string, string[]> = {};
  let pending: string[] = [];
  for (const line of readFileSync(log, 'utf8').split('\n')) {
    if (line.startsWith('#')) {
      byPhase[line.slice(1)] = pending;
      pending = [];
    } else if (line.startsWith('file:')) {
      const file = path.relative(root, fileURLToPath(line));
      if (!file.startsWith('..') && !file.startsWith('node_modules')) pending.push(file.split(path.sep).join('/'));
    }
  }
  return byPhase;
}

describe('the task registry at start', () => {
  const registry = JSON.stringify(pathToFileURL(path.join(root, 'tasks/registry.ts')).href);
  const sample = JSON.stringify(path.join(root, 'tasks/samples/data/vqav2'));
  const loaded = loadedModules(`
    const { getTask, taskIds } = await import(${registry});
    for (const id of taskIds()) getTask(id).splits;
    phase('registry');
    for await (const sample of getTask('vqav2').load({ dataDir: ${sample}, split: 'val', textOnly: true })) break;
    phase('load');
  `);

  it('imports every task module, and of their readers only the light layouts', () => {
    const atStart = loaded.registry ?? [];
    assert.ok(atStart.includes('tasks/vqav2.ts') && atStart.includes('tasks/mmbench.ts'), 'the log holds the task modules');
    const readers = atStart.filter((file) => /^tasks\/(formats|parquet|mmmu)\//.test(file) && !LIGHT_AT_START.has(file));
    assert.deepEqual(readers, [], 'reader modules imported at start; import them in load() instead (docs/adding-a-task.md)');
  });

  it('imports a task’s reader on its first load', () => {
    const onLoad = loaded.load ?? [];
    assert.ok(onLoad.includes('tasks/formats/vqa-format-reader.ts'), `vqav2's reader after its first load; loaded: ${onLoad.join(', ')}`);
    assert.ok(onLoad.includes('tasks/formats/parquet-task-layout.ts'));
    assert.ok(!onLoad.includes('tasks/formats/parquet-split-reader.ts'), 'the Parquet reader is imported only for a snapshot');
  });
});
