// Step loop vs in-graph decode loop on the CPU: milliseconds per generated token (prefill included, as
// one batch), for tiny-emu and tiny-emu:large, greedy and 3 beams, a batch of 4 image prompts with
// max_new_tokens 32 and no EOS (every row generates 32 tokens). Run: node --import tsx bench/decode-loop.ts
import { generateRows } from '../runners/onnx/generate.js';
import { ensureTinyEmu } from '../runners/onnx/tiny-emu/ensure-tiny-emu.js';
import { imageRequest, loadInProcess, temporaryFolder, writeImages } from '../test/runners/onnx/helpers.js';

const TOKENS = 32;
const RUNS = 3;
const images = await writeImages(temporaryFolder(), 4);
for (const variant of ['tiny', 'large'] as const) {
  const directory = await ensureTinyEmu(variant);
  for (const decodeLoop of ['step', 'graph'] as const) {
    const model = await loadInProcess(directory, decodeLoop);
    const context = { ...model.context, eosTokenIds: new Set<number>() };
    for (const numBeams of [1, 3]) {
      const rows = await model.rows(images.map((image, index) => imageRequest(image, `question number ${index} about the picture?`, { maxNewTokens: TOKENS, numBeams })));
      await generateRows(context, rows);
      const times: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const started = performance.now();
        await generateRows(context, rows);
        times.push(performance.now() - started);
      }
      const best = Math.min(...times);
      console.log(`${variant} ${decodeLoop} beams=${numBeams}: ${(best / TOKENS).toFixed(2)} ms/token (batch ${rows.length}, best of ${RUNS})`);
    }
    await model.model.release();
  }
}
