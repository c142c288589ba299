// Worker thread: reads, validates and joins a VQA-format split (the annotations file of VQAv2 is
// 150 MB, its questions 18 MB) beside the main thread, which only makes the samples and runs the
// evaluation. The join is the in-thread path's own (joinVqaQuestions over annotationsInThread), with
// every problem recorded in its place among the samples; only the transport differs. A split read
// before and unchanged since is replayed from its prepared entry (prepared-split-cache.ts): the same
// batches, problems included, without parsing.
import { parentPort, workerData } from 'node:worker_threads';
import { deserializeBatch, preparedBatches } from './prepared-split-cache.js';
import { MAX_BATCHES_AHEAD, type JoinWorkerInput, type JoinWorkerMessage, type SampleBatch } from './vqa-join-protocol.js';

const input = workerData as JoinWorkerInput;
const taken = new Int32Array(input.taken);
const port = parentPort!;
let sent = 0;

function send(message: JoinWorkerMessage): void {
  port.postMessage(message);
}

/** Sends a batch once the reader is fewer than MAX_BATCHES_AHEAD batches behind (it wakes this thread as it takes each). */
function sendBatch(batch: SampleBatch): void {
  for (let seen = Atomics.load(taken, 0); sent - seen >= MAX_BATCHES_AHEAD; seen = Atomics.load(taken, 0)) Atomics.wait(taken, 0, seen);
  sent++;
  send(batch);
}

const prepared = await preparedBatches(input);
if (prepared) {
  try {
    // Deserialized here, not on the main thread: there the native receive of a message costs less.
    for (const bytes of prepared) sendBatch(deserializeBatch(bytes));
    send({ kind: 'end', source: 'entry' });
  } catch (error) {
    send({ kind: 'failed', error });
  }
} else {
  // The parser (the JSON reader, the schemas) is loaded only now: a replay starts without it.
  const { parseSplit } = await import('./vqa-join-parse.js');
  await parseSplit(input, sendBatch, send);
}
