// `emu-eval export --random CONFIG_JSON`: a model folder of any architecture `emu-eval export` supports,
// at the config's full size, with seeded random weights (./random-checkpoint.ts) and a synthetic
// tokenizer (./synthetic-tokenizer.ts), so throughput can be measured where no checkpoint can be
// downloaded. Written like a checkpoint export: one tensor in memory at a time, external data, float16
// unless --dtype says otherwise, renamed into place once complete.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { findArchitecture } from '../architecture.js';
import { readConfig, writeExport, type ExportOptions, type ExportResult } from '../export-checkpoint.js';
import { RandomCheckpoint } from './random-checkpoint.js';
import { syntheticTokenizer } from './synthetic-tokenizer.js';

export const DEFAULT_RANDOM_SEED = 0;

export interface RandomExportOptions extends ExportOptions {
  seed?: number;
}

export async function exportRandomModel(configPath: string, outFolder: string, options: RandomExportOptions): Promise<ExportResult> {
  const configFile = path.resolve(configPath);
  const config = await readConfig(configFile);
  const architecture = findArchitecture(configFile, config);
  const seed = options.seed ?? DEFAULT_RANDOM_SEED;
  const { vocabularySize, specials } = architecture.syntheticTokens(config);
  const tokenizer = syntheticTokenizer(vocabularySize, specials);
  // Exporters read the config and tokenizer files from the checkpoint folder: give them one.
  const folder = await mkdtemp(path.join(os.tmpdir(), 'emu-eval-random-'));
  try {
    await writeFile(path.join(folder, 'config.json'), JSON.stringify(config));
    await writeFile(path.join(folder, 'tokenizer.json'), JSON.stringify(tokenizer.tokenizerJson));
    await writeFile(path.join(folder, 'tokenizer_config.json'), JSON.stringify(tokenizer.tokenizerConfig, null, 2));
    const result = await writeExport(
      {
        source: folder,
        configFile,
        config,
        open: async () => new RandomCheckpoint(folder, seed),
        record: { random_weights: { seed, config: configFile } },
        extraFiles: { 'RANDOM_WEIGHTS.md': randomWeightsNote(configFile, seed, vocabularySize) },
      },
      outFolder,
      options,
    );
    // Name-layout notes describe a checkpoint's tensors; random weights answer to any layout.
    const notes = result.notes.filter((note) => !note.startsWith('tensor names:'));
    return { ...result, notes: [...notes, `random weights (seed ${seed}) and a synthetic byte-level tokenizer: for throughput only (see RANDOM_WEIGHTS.md)`] };
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}

function randomWeightsNote(configFile: string, seed: number, vocabularySize: number): string {
  return `# Random weights

This folder was written by \`emu-eval export --random ${path.basename(configFile)}\` from ${configFile}.
It has the architecture and every tensor shape of that config, but its weights are **random**
(seed ${seed}: norm scales 1, biases uniform with standard deviation 0.02, matrices uniform with
standard deviation 1/sqrt(fan-in)), so it answers nonsense. Use it to measure speed and memory only.

The tokenizer is **synthetic**: byte-level (one token per UTF-8 byte), ${vocabularySize} ids like the
config's vocabulary, with <unk>, <s>, </s> at 0, 1, 2, the special tokens the architecture's prompts
need, and unused filler tokens. Prompts therefore take more tokens than with the real tokenizer.
`;
}
