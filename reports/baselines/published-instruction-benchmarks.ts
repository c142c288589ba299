import type { DemoSelection, ShotStyle } from './baseline-row.js';

// The instruction-following benchmarks of the published-numbers CSV (docs/protocols.md#published-baselines):
// SEED-Bench, MMMU, MM-Vet, MMBench and TouchStone, from the Emu2 paper's Table 2 and CogVLM's Table 2
// (numbers it cites for other models are marked "as cited"). Every model zero-shot with its own chat
// format, none trained on the benchmark. test/reports/published.test.ts compares every row with a copy
// of the CSV (test/fixtures/published-instruction-benchmarks.csv).

/** model, benchmark, split, metric (the CSV's word), shots, shot style, demo selection, trained on train split, score, source */
export type PublishedCells = readonly [string, string, string, string, number, ShotStyle, DemoSelection, 'yes' | 'no', number, string];

const EMU2_TABLE_2 = 'Emu2 paper (arXiv 2312.13286v2) Table 2';
const COGVLM_TABLE_2 = 'CogVLM paper (arXiv 2311.03079v2) Table 2';
const AS_CITED = `${COGVLM_TABLE_2} (as cited)`;
const SEED_IMG = 'split SEED-Bench IMG per its Table 7';

export const instructionBenchmarkCells: readonly PublishedCells[] = [
  ['Kosmos-2', 'SEED-Bench', 'all', 'accuracy', 0, 'instruction', '-', 'no', 50.0, EMU2_TABLE_2],
  ['Kosmos-2', 'MMMU', 'test', 'accuracy', 0, 'instruction', '-', 'no', 26.6, EMU2_TABLE_2],
  ['BLIP-2-13B', 'SEED-Bench', 'all', 'accuracy', 0, 'instruction', '-', 'no', 46.4, EMU2_TABLE_2],
  ['BLIP-2-13B', 'MM-Vet', 'test', 'gpt4_score', 0, 'instruction', '-', 'no', 22.4, EMU2_TABLE_2],
  ['InstructBLIP-13B', 'MM-Vet', 'test', 'gpt4_score', 0, 'instruction', '-', 'no', 25.6, EMU2_TABLE_2],
  ['InstructBLIP-13B', 'TouchStone', 'test', 'gpt4_score', 0, 'instruction', '-', 'no', 552.4, EMU2_TABLE_2],
  ['Qwen-VL-Chat', 'SEED-Bench', 'all', 'accuracy', 0, 'instruction', '-', 'no', 58.2, EMU2_TABLE_2],
  ['Qwen-VL-Chat', 'TouchStone', 'test', 'gpt4_score', 0, 'instruction', '-', 'no', 645.2, EMU2_TABLE_2],
  ['LLaVA-1.5-13B', 'SEED-Bench', 'all', 'accuracy', 0, 'instruction', '-', 'no', 61.6, EMU2_TABLE_2],
  ['LLaVA-1.5-13B', 'MM-Vet', 'test', 'gpt4_score', 0, 'instruction', '-', 'no', 35.4, EMU2_TABLE_2],
  ['LLaVA-1.5-13B', 'MMMU', 'test', 'accuracy', 0, 'instruction', '-', 'no', 33.6, EMU2_TABLE_2],
  ['CogVLM', 'TouchStone', 'test', 'gpt4_score', 0, 'instruction', '-', 'no', 662.6, EMU2_TABLE_2],
  ['CogVLM', 'MMMU', 'test', 'accuracy', 0, 'instruction', '-', 'no', 30.1, EMU2_TABLE_2],
  ['Emu-I', 'MM-Vet', 'test', 'gpt4_score', 0, 'instruction', '-', 'no', 36.3, EMU2_TABLE_2],
  ['Emu2-Chat', 'SEED-Bench', 'all', 'accuracy', 0, 'instruction', '-', 'no', 62.8, EMU2_TABLE_2],
  ['Emu2-Chat', 'MM-Vet', 'test', 'gpt4_score', 0, 'instruction', '-', 'no', 48.5, `${EMU2_TABLE_2}; average of five GPT-4 scoring runs`],
  ['Emu2-Chat', 'TouchStone', 'test', 'gpt4_score', 0, 'instruction', '-', 'no', 703.8, EMU2_TABLE_2],
  ['Emu2-Chat', 'MMMU', 'test', 'accuracy', 0, 'instruction', '-', 'no', 34.1, EMU2_TABLE_2],
  ['CogVLM-Chat-v2paper', 'MM-Vet', 'test', 'gpt4_score', 0, 'instruction', '-', 'no', 51.1, COGVLM_TABLE_2],
  ['CogVLM-Chat-v2paper', 'SEED-Bench', 'img', 'accuracy', 0, 'instruction', '-', 'no', 72.5, `${COGVLM_TABLE_2}; ${SEED_IMG}`],
  ['CogVLM-Chat-v2paper', 'MMBench', 'test', 'accuracy', 0, 'instruction', '-', 'no', 77.6, COGVLM_TABLE_2],
  ['CogVLM-Chat-v2paper', 'MMMU', 'test', 'accuracy', 0, 'instruction', '-', 'no', 41.1, COGVLM_TABLE_2],
  ['Emu2-Chat', 'MMBench', 'test', 'accuracy', 0, 'instruction', '-', 'no', 63.6, AS_CITED],
  ['LLaVA-1.5-13B', 'MMBench', 'test', 'accuracy', 0, 'instruction', '-', 'no', 67.7, AS_CITED],
  ['Qwen-VL-Chat', 'MMBench', 'test', 'accuracy', 0, 'instruction', '-', 'no', 61.8, AS_CITED],
  ['Qwen-VL-Chat', 'SEED-Bench', 'img', 'accuracy', 0, 'instruction', '-', 'no', 65.4, `${AS_CITED}; ${SEED_IMG}`],
  ['Qwen-VL-Chat', 'MMMU', 'test', 'accuracy', 0, 'instruction', '-', 'no', 32.9, AS_CITED],
];
