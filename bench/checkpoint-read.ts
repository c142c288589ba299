// Child process of bench/checkpoint.ts: opens the checkpoint in argv[2], reads every tensor in order (as
// an exporter converting it would), checks each one's first and last values, and prints one JSON line
// with its timings and its own peak RSS, so the figure is the reader's alone, not the writer's.
import { openCheckpoint } from '../runners/export/checkpoint/checkpoint.js';

const folder = process.argv[2]!;
const started = performance.now();
const checkpoint = await openCheckpoint(folder);
const opened = performance.now();
let elements = 0;
let largest = 0;
for (const name of checkpoint.tensors.keys()) {
  const values = await checkpoint.read(name);
  // The bench writes tensor i filled with (i % 100) / 4, values every format holds exactly.
  const expected = (Number(name.split('.')[1]) % 100) / 4;
  if (values[0] !== expected || values[values.length - 1] !== expected) throw new Error(`${name}: read ${values[0]}, expected ${expected}`);
  elements += values.length;
  largest = Math.max(largest, values.length);
}
await checkpoint.close();
const finished = performance.now();
// The floor under any reader that hands out fresh float32 arrays: allocating and first touching the
// same arrays. On the project's VMs a first-touch page fault costs tens of microseconds.
for (const info of checkpoint.tensors.values()) new Float32Array(info.shape.reduce((product, size) => product * size, 1)).fill(1);
const touched = performance.now();
process.stdout.write(
  `${JSON.stringify({ tensors: checkpoint.tensors.size, elements, largest, openSeconds: (opened - started) / 1000, readSeconds: (finished - opened) / 1000, touchSeconds: (touched - finished) / 1000, maxRssKiB: process.resourceUsage().maxRSS })}\n`,
);
