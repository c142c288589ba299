import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../core/errors.js';
import { SUITE_MANIFEST_VERSION, writeSuiteManifest } from '../../artifact/suite-manifest.js';
import { defaultRunId, defaultSuiteRunId, legacySuiteRunId, modelSlug } from '../../evals/run-id.js';
import { suiteRunFolder } from '../../evals/suites/suite-run-folder.js';
import { temporaryFolder } from '../helpers/cli.js';

const served = 'openai:http://gpu-node-1:8000/v1';
const suite = { name: 'nightly', hash: '0123456789abcdef' };
const entries = [{ name: 'image-vqa-zero-shot' }, { name: 'vqav2-few-shot' }];

describe('run and suite ids', () => {
  it('name a model by its server host, or the base name of its folder or file (run ids as they always were)', () => {
    assert.equal(modelSlug(served), 'gpu-node-1-8000');
    assert.equal(modelSlug('openai:https://api.example.com/v1,http://b:9/v1'), 'api.example.com');
    assert.equal(modelSlug('onnx:/models/Emu2-Chat'), 'Emu2-Chat');
    assert.equal(modelSlug('replay:/tmp/gold predictions.json'), 'gold-predictions.json');
    assert.equal(modelSlug('tiny-emu'), 'tiny-emu');
    assert.equal(modelSlug('onnx:/models/'), 'model');
    assert.equal(defaultRunId(['vqav2', 'gqa'], served, 'a1b2c3d4e5f60718'), 'vqav2+gqa-gpu-node-1-8000-a1b2c3d4e5');
  });

  it('a suite names a served model like a run; only that differs from the old suite ids', () => {
    const id = defaultSuiteRunId(suite, served, undefined, entries);
    assert.match(id, /^nightly-gpu-node-1-8000-[0-9a-f]{10}$/);
    assert.equal(legacySuiteRunId(suite, served, undefined, entries), id.replace('gpu-node-1-8000', 'v1'));
    assert.equal(defaultSuiteRunId(suite, 'tiny-emu', undefined, entries), legacySuiteRunId(suite, 'tiny-emu', undefined, entries));
    assert.notEqual(defaultSuiteRunId(suite, served, '/data', entries), id, 'the data is part of the id');
  });
});

describe('suite run folder', () => {
  function oldFolder(out: string, model = served) {
    const folder = path.join(out, legacySuiteRunId(suite, served, undefined, entries));
    mkdirSync(folder, { recursive: true });
    const now = new Date().toISOString();
    writeSuiteManifest(folder, {
      schemaVersion: SUITE_MANIFEST_VERSION,
      suite: { ...suite, file: 'nightly.yaml' },
      model,
      status: 'interrupted',
      entries: entries.map((entry) => ({ name: entry.name, runDirectory: entry.name, status: 'pending' })),
      createdAt: now,
      updatedAt: now,
    });
    return folder;
  }

  it('stops beside an old-style folder of the same suite run, naming the --run-id that resumes it', () => {
    const out = temporaryFolder('emu-eval-suite-id-');
    const legacy = oldFolder(out);
    const fresh = path.join(out, defaultSuiteRunId(suite, served, undefined, entries));
    assert.throws(
      () => suiteRunFolder({ out, suite, model: served, data: undefined, entries }),
      (error: unknown) =>
        error instanceof ConfigError &&
        error.message.includes(legacy) &&
        error.message.includes(`--run-id ${path.basename(legacy)}`) &&
        error.message.includes(`--run-id ${path.basename(fresh)}`),
    );
    assert.equal(existsSync(fresh), false, 'nothing is started beside the old folder');
    assert.equal(suiteRunFolder({ out, runId: path.basename(legacy), suite, model: served, data: undefined, entries }), legacy);
    mkdirSync(fresh);
    assert.equal(suiteRunFolder({ out, suite, model: served, data: undefined, entries }), fresh, 'once the new folder exists it is used');
  });

  it('ignores old-style folders of another model and models whose id did not change', () => {
    const out = temporaryFolder('emu-eval-suite-id-');
    oldFolder(out, 'openai:http://other:8000/v1');
    assert.equal(suiteRunFolder({ out, suite, model: served, data: undefined, entries }), path.join(out, defaultSuiteRunId(suite, served, undefined, entries)));
    assert.equal(suiteRunFolder({ out, suite, model: 'tiny-emu', data: undefined, entries }), path.join(out, defaultSuiteRunId(suite, 'tiny-emu', undefined, entries)));
  });
});
