import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError } from '../../core/errors.js';
import { evaluate, type EngineEvent, type EvaluateOptions } from '../../evals/evaluate.js';
import { temporaryFolder, writeGoldPredictions } from '../helpers/cli.js';

// The engine asks a backend what it can do instead of testing its scheme.

describe('backend capabilities in the engine', () => {
  async function replayRun(extra: Partial<EvaluateOptions>): Promise<EngineEvent[]> {
    const folder = temporaryFolder();
    const predictions = path.join(folder, 'gold.json');
    await writeGoldPredictions('vqav2', predictions);
    const events: EngineEvent[] = [];
    await evaluate({ kind: 'run', tasks: ['vqav2'], model: `replay:${predictions}`, limit: 3, outDir: folder, protocol: 'emu2', normalize: 'official', command: [], onEvent: (event) => events.push(event), ...extra });
    return events;
  }

  it('replaysPredictions: a replayed run skips the data pass unless a progress total is wanted', async () => {
    const totalOf = (events: EngineEvent[]) => events.flatMap((event) => (event.type === 'task-start' ? [event.total] : []));
    assert.deepEqual(totalOf(await replayRun({})), [null]);
    assert.deepEqual(totalOf(await replayRun({ countTotals: true })), [3]);
  });

  it('visionEncoderFolder: RICES without an encoder of the model\'s own needs --rices-encoder', async () => {
    await assert.rejects(replayRun({ shots: [4], demos: 'rices' }), (error: unknown) => error instanceof ConfigError && /--demos rices needs --rices-encoder DIR .*not an ONNX model/.test(error.message));
  });
});
