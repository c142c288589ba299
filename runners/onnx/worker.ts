// The inference worker: owns one set of ONNX sessions (one device) and runs generation jobs one at a
// time. session.run blocks its thread for the length of a step, which is why this is not the main thread.
import { parentPort } from 'node:worker_threads';
import { ConfigError, errorMessage } from '../../core/errors.js';
import { errorRow, generateRows } from './generate.js';
import { GenerationAborted, type GenerationContext } from './generation-types.js';
import { scoreErrorRow, scoreRows, type LoglikRow, type ScoredRow } from './score-continuations.js';
import { createModelSessions } from './sessions.js';
import { TextTokenizer } from './tokenizer.js';
import type { Job, WorkerInit, WorkerRequest, WorkerResponse } from './worker-protocol.js';

const port = parentPort;
if (!port) throw new Error('runners/onnx/worker.ts must run in a worker thread');

let context: Omit<GenerationContext, 'shouldStop'> | undefined;
let jobs: Promise<void> = Promise.resolve();

const send = (message: WorkerResponse) => port.postMessage(message);

port.on('message', (message: WorkerRequest) => {
  if (message.type === 'init') void initialize(message);
  else jobs = jobs.then(() => runJob(message));
});

async function initialize(init: WorkerInit): Promise<void> {
  try {
    const model = await createModelSessions(init, init.settings, init.session, init.tokenizerVocabularySize);
    const tokenizer = new TextTokenizer(init.tokenizerJson, init.tokenizerConfig);
    const tokensPerImage = init.settings.imageTokenCount ?? model.signature.vision.imageTokenCount;
    if (tokensPerImage === undefined) {
      throw new ConfigError(`model folder ${init.directory}: neither config.json (n_image_tokens) nor the vision encoder's output shape says how many tokens an image takes`);
    }
    const { settings } = init;
    context = {
      model,
      decode: (ids) => tokenizer.decode(ids),
      eosTokenIds: new Set(settings.eosTokenIds),
      padTokenId: settings.padTokenId ?? settings.eosTokenIds[0] ?? 0,
      imageTokenId: settings.imageTokenId,
      geometry: { height: init.imageHeight, width: init.imageWidth, tokensPerImage },
      lengthPenalty: settings.lengthPenalty,
      earlyStopping: settings.earlyStopping,
    };
    send({
      type: 'ready',
      tokensPerImage,
      layers: model.signature.decoder.layers.length,
      hiddenSize: model.signature.hiddenSize,
      vocabularySize: model.signature.vocabularySize,
      decoderType: model.signature.decoder.pastType,
    });
  } catch (error) {
    send({ type: 'init-failed', message: `${init.label}: ${errorMessage(error)}`, configError: error instanceof ConfigError });
  }
}

async function runJob(job: Job): Promise<void> {
  const started = performance.now();
  const flag = new Int32Array(job.cancel);
  const shouldStop = () => Atomics.load(flag, 0) !== 0;
  try {
    if (!context) throw new Error('worker received a job before it was initialized');
    const jobContext: GenerationContext = { ...context, shouldStop };
    const results =
      job.type === 'generate'
        ? await isolatingFailures(job.rows, (rows) => generateRows(jobContext, rows), errorRow)
        : await isolatingFailures(job.rows, (rows: LoglikRow[]) => scoreRows(jobContext, rows), (message): ScoredRow => scoreErrorRow(message));
    send({ type: 'done', jobId: job.jobId, results, computeMs: performance.now() - started });
  } catch (error) {
    send({ type: 'failed', jobId: job.jobId, message: errorMessage(error), aborted: error instanceof GenerationAborted });
  }
}

/**
 * When a batch fails inside onnxruntime, each row is retried alone, so one row that trips the model
 * (say, a shape it cannot handle) becomes one error result instead of taking its batch with it.
 */
async function isolatingFailures<Row, Result>(rows: Row[], run: (rows: Row[]) => Promise<Result[]>, failed: (message: string) => Result): Promise<Result[]> {
  try {
    return await run(rows);
  } catch (error) {
    if (error instanceof GenerationAborted) throw error;
    if (rows.length === 1) return [failed(`onnxruntime: ${errorMessage(error)}`)];
    const results: Result[] = [];
    for (const row of rows) {
      try {
        results.push(...(await run([row])));
      } catch (rowError) {
        if (rowError instanceof GenerationAborted) throw rowError;
        results.push(failed(`onnxruntime: ${errorMessage(rowError)}`));
      }
    }
    return results;
  }
}
