import type { BaselineRow, ParameterCount } from './baseline-row.js';
import { instructionBenchmarkCells, type PublishedCells } from './published-instruction-benchmarks.js';
import { ourMetricId } from './published-metrics.js';

// A transcription of the published-numbers CSV (docs/protocols.md#published-baselines): the Emu2
// paper's Tables 1 and 2, Flamingo's video few-shot numbers (its Table 1) and CogVLM's own Table 2;
// the instruction-following benchmarks' rows are in published-instruction-benchmarks.ts.
// The project never reads that file at run time; test/reports/published.test.ts compares every row
// with a copy of it (test/fixtures/published.csv).

const EMU2_TABLE_1 = 'Emu2 paper (arXiv 2312.13286v2) Table 1';
const EMU2_TABLE_2 = 'Emu2 paper (arXiv 2312.13286v2) Table 2';
const FLAMINGO_TABLE_1 = 'Flamingo paper Table 1';
const COGVLM_TABLE_2 = 'CogVLM paper (arXiv 2311.03079v2) Table 2';

// Parameter counts in billions, one per model as the CSV gives them. Component counts only where the
// CSV's count source states them (CogVLM, Qwen-VL, and the "derived" sums).
const cogvlm: ParameterCount = { total: 17, vision: 10, language: 7, certainty: 'published', note: 'CogVLM README: 10B vision + 7B language' };
const emu2: ParameterCount = { total: 37, certainty: 'published', note: 'Emu2 paper: 37B total' };
const emu: ParameterCount = { total: 14, certainty: 'published', note: 'Emu paper: 14B' };

export const publishedParameterCounts: Record<string, ParameterCount> = {
  Emu2: emu2,
  'Emu2-Chat': emu2,
  'Flamingo-80B': { total: 80, certainty: 'published', note: 'Flamingo paper Table 5' },
  'Flamingo-9B': { total: 9.3, certainty: 'published', note: 'Flamingo paper Table 5' },
  'Flamingo-3B': { total: 3.2, certainty: 'published', note: 'Flamingo paper Table 5' },
  'IDEFICS-80B': { total: 80, certainty: 'published', note: 'IDEFICS model card: 80B' },
  'IDEFICS-9B': { total: 9, certainty: 'published', note: 'IDEFICS model card: 9B' },
  'Emu-14B': emu,
  'Emu-I': emu,
  'Kosmos-1': { total: 1.6, certainty: 'published', note: 'Kosmos-1 paper: 1.6B' },
  'Kosmos-2': { total: 1.6, certainty: 'uncertain', note: 'uncertain: Kosmos-1 is 1.6B and Kosmos-2 keeps its architecture' },
  CogVLM: cogvlm,
  'CogVLM-Chat-v2paper': cogvlm,
  'LLaVA-1.5-13B': {
    total: 13.4,
    vision: 0.3,
    language: 13,
    certainty: 'derived',
    note: 'derived: Vicuna-13B + CLIP ViT-L/14-336 (0.3B) + MLP; no published total',
  },
  'Qwen-VL-Chat': {
    total: 9.6,
    vision: 1.9,
    projection: 0.08,
    language: 7.7,
    certainty: 'published',
    note: 'Qwen-VL paper Table 1 (via summaries): 1.9B ViT + 0.08B adapter + 7.7B LLM',
  },
  'InstructBLIP-13B': {
    total: 14.1,
    vision: 1,
    language: 13,
    certainty: 'derived',
    note: 'derived: Vicuna-13B + EVA ViT-g (1B) + Q-Former; no published total',
  },
  'BLIP-2-13B': { total: 12.1, certainty: 'uncertain', note: 'uncertain: Emu2 labels it 13B; BLIP-2 FlanT5-XXL is 12.1B' },
  'Shikra-13B': { total: 13.4, language: 13, certainty: 'derived', note: 'derived: Vicuna-13B + CLIP ViT-L/14; no published total' },
};

const cells: readonly PublishedCells[] = [
  ['Emu2', 'VQAv2', 'test-dev', 'vqa_accuracy', 0, 'zero', '-', 'no', 33.5, EMU2_TABLE_1],
  ['Emu2', 'OKVQA', 'val', 'vqa_accuracy', 0, 'zero', '-', 'no', 26.7, EMU2_TABLE_1],
  ['Emu2', 'VizWiz', 'test-dev', 'vqa_accuracy', 0, 'zero', '-', 'no', 40.4, EMU2_TABLE_1],
  ['Emu2', 'TextVQA', 'val', 'vqa_accuracy', 0, 'zero', '-', 'no', 26.4, EMU2_TABLE_1],
  ['Emu2', 'HatefulMemes', 'seen-test', 'roc_auc', 0, 'zero', '-', 'no', 52.2, EMU2_TABLE_1],
  ['Emu2', 'VQAv2', 'test-dev', 'vqa_accuracy', 4, 'few', 'RICES', 'no', 67.0, EMU2_TABLE_1],
  ['Emu2', 'OKVQA', 'val', 'vqa_accuracy', 4, 'few', 'RICES', 'no', 53.2, EMU2_TABLE_1],
  ['Emu2', 'VizWiz', 'test-dev', 'vqa_accuracy', 4, 'few', 'RICES', 'no', 54.6, EMU2_TABLE_1],
  ['Emu2', 'TextVQA', 'val', 'vqa_accuracy', 4, 'few', 'RICES', 'no', 48.2, EMU2_TABLE_1],
  ['Emu2', 'HatefulMemes', 'seen-test', 'roc_auc', 4, 'few', 'RICES', 'no', 62.4, EMU2_TABLE_1],
  ['Emu2', 'VQAv2', 'test-dev', 'vqa_accuracy', 8, 'few', 'RICES', 'no', 67.8, EMU2_TABLE_1],
  ['Emu2', 'OKVQA', 'val', 'vqa_accuracy', 8, 'few', 'RICES', 'no', 54.1, EMU2_TABLE_1],
  ['Emu2', 'VizWiz', 'test-dev', 'vqa_accuracy', 8, 'few', 'RICES', 'no', 54.7, EMU2_TABLE_1],
  ['Emu2', 'TextVQA', 'val', 'vqa_accuracy', 8, 'few', 'RICES', 'no', 49.3, EMU2_TABLE_1],
  ['Emu2', 'HatefulMemes', 'seen-test', 'roc_auc', 8, 'few', 'RICES', 'no', 65.8, EMU2_TABLE_1],
  ['Emu2', 'VQAv2', 'test-dev', 'vqa_accuracy', 16, 'few', 'RICES', 'no', 68.8, EMU2_TABLE_1],
  ['Emu2', 'OKVQA', 'val', 'vqa_accuracy', 16, 'few', 'RICES', 'no', 57.1, EMU2_TABLE_1],
  ['Emu2', 'VizWiz', 'test-dev', 'vqa_accuracy', 16, 'few', 'RICES', 'no', 57.0, EMU2_TABLE_1],
  ['Emu2', 'TextVQA', 'val', 'vqa_accuracy', 16, 'few', 'RICES', 'no', 50.3, EMU2_TABLE_1],
  ['Emu2', 'HatefulMemes', 'seen-test', 'roc_auc', 16, 'few', 'RICES', 'no', 66.0, EMU2_TABLE_1],

  ['Flamingo-80B', 'VQAv2', 'test-dev', 'vqa_accuracy', 0, 'text-two-shot', '-', 'no', 56.3, EMU2_TABLE_1],
  ['Flamingo-80B', 'OKVQA', 'val', 'vqa_accuracy', 0, 'text-two-shot', '-', 'no', 50.6, EMU2_TABLE_1],
  ['Flamingo-80B', 'VizWiz', 'test-dev', 'vqa_accuracy', 0, 'text-two-shot', '-', 'no', 31.6, EMU2_TABLE_1],
  ['Flamingo-80B', 'TextVQA', 'val', 'vqa_accuracy', 0, 'text-two-shot', '-', 'no', 35.0, EMU2_TABLE_1],
  ['Flamingo-80B', 'HatefulMemes', 'seen-test', 'roc_auc', 0, 'text-two-shot', '-', 'no', 46.4, EMU2_TABLE_1],
  ['Flamingo-80B', 'VQAv2', 'test-dev', 'vqa_accuracy', 4, 'few', 'random', 'no', 63.1, EMU2_TABLE_1],
  ['Flamingo-80B', 'OKVQA', 'val', 'vqa_accuracy', 4, 'few', 'random', 'no', 57.4, EMU2_TABLE_1],
  ['Flamingo-80B', 'VizWiz', 'test-dev', 'vqa_accuracy', 4, 'few', 'random', 'no', 39.6, EMU2_TABLE_1],
  ['Flamingo-80B', 'TextVQA', 'val', 'vqa_accuracy', 4, 'few', 'random', 'no', 36.5, EMU2_TABLE_1],
  ['Flamingo-80B', 'HatefulMemes', 'seen-test', 'roc_auc', 4, 'few', 'random', 'no', 68.6, EMU2_TABLE_1],
  ['Flamingo-80B', 'VQAv2', 'test-dev', 'vqa_accuracy', 8, 'few', 'random', 'no', 65.6, EMU2_TABLE_1],
  ['Flamingo-80B', 'OKVQA', 'val', 'vqa_accuracy', 8, 'few', 'random', 'no', 57.5, EMU2_TABLE_1],
  ['Flamingo-80B', 'VizWiz', 'test-dev', 'vqa_accuracy', 8, 'few', 'random', 'no', 44.8, EMU2_TABLE_1],
  ['Flamingo-80B', 'TextVQA', 'val', 'vqa_accuracy', 8, 'few', 'random', 'no', 37.3, EMU2_TABLE_1],
  ['Flamingo-80B', 'HatefulMemes', 'seen-test', 'roc_auc', 8, 'few', 'random', 'no', 70.0, EMU2_TABLE_1],
  ['Flamingo-80B', 'VQAv2', 'test-dev', 'vqa_accuracy', 16, 'few', 'random', 'no', 66.8, EMU2_TABLE_1],
  ['Flamingo-80B', 'OKVQA', 'val', 'vqa_accuracy', 16, 'few', 'random', 'no', 57.8, EMU2_TABLE_1],
  ['Flamingo-80B', 'VizWiz', 'test-dev', 'vqa_accuracy', 16, 'few', 'random', 'no', 48.4, EMU2_TABLE_1],
  ['Flamingo-80B', 'TextVQA', 'val', 'vqa_accuracy', 16, 'few', 'random', 'no', 37.6, EMU2_TABLE_1],
  ['Flamingo-80B', 'HatefulMemes', 'seen-test', 'roc_auc', 16, 'few', 'random', 'no', 70.0, EMU2_TABLE_1],

  ['Flamingo-9B', 'VQAv2', 'test-dev', 'vqa_accuracy', 0, 'text-two-shot', '-', 'no', 51.8, EMU2_TABLE_1],
  ['Flamingo-9B', 'OKVQA', 'val', 'vqa_accuracy', 0, 'text-two-shot', '-', 'no', 44.7, EMU2_TABLE_1],
  ['Flamingo-9B', 'VizWiz', 'test-dev', 'vqa_accuracy', 0, 'text-two-shot', '-', 'no', 28.8, EMU2_TABLE_1],
  ['Flamingo-9B', 'TextVQA', 'val', 'vqa_accuracy', 0, 'text-two-shot', '-', 'no', 31.8, EMU2_TABLE_1],
  ['Flamingo-9B', 'HatefulMemes', 'seen-test', 'roc_auc', 0, 'text-two-shot', '-', 'no', 57.0, EMU2_TABLE_1],
  ['Flamingo-9B', 'VQAv2', 'test-dev', 'vqa_accuracy', 4, 'few', 'random', 'no', 56.3, EMU2_TABLE_1],
  ['Flamingo-9B', 'OKVQA', 'val', 'vqa_accuracy', 4, 'few', 'random', 'no', 49.3, EMU2_TABLE_1],
  ['Flamingo-9B', 'VizWiz', 'test-dev', 'vqa_accuracy', 4, 'few', 'random', 'no', 34.9, EMU2_TABLE_1],
  ['Flamingo-9B', 'TextVQA', 'val', 'vqa_accuracy', 4, 'few', 'random', 'no', 33.6, EMU2_TABLE_1],
  ['Flamingo-9B', 'HatefulMemes', 'seen-test', 'roc_auc', 4, 'few', 'random', 'no', 62.7, EMU2_TABLE_1],
  ['Flamingo-9B', 'VQAv2', 'test-dev', 'vqa_accuracy', 8, 'few', 'random', 'no', 58.0, EMU2_TABLE_1],
  ['Flamingo-9B', 'OKVQA', 'val', 'vqa_accuracy', 8, 'few', 'random', 'no', 50.0, EMU2_TABLE_1],
  ['Flamingo-9B', 'VizWiz', 'test-dev', 'vqa_accuracy', 8, 'few', 'random', 'no', 39.4, EMU2_TABLE_1],
  ['Flamingo-9B', 'TextVQA', 'val', 'vqa_accuracy', 8, 'few', 'random', 'no', 33.6, EMU2_TABLE_1],
  ['Flamingo-9B', 'HatefulMemes', 'seen-test', 'roc_auc', 8, 'few', 'random', 'no', 63.9, EMU2_TABLE_1],
  ['Flamingo-9B', 'VQAv2', 'test-dev', 'vqa_accuracy', 16, 'few', 'random', 'no', 59.4, EMU2_TABLE_1],
  ['Flamingo-9B', 'OKVQA', 'val', 'vqa_accuracy', 16, 'few', 'random', 'no', 50.8, EMU2_TABLE_1],
  ['Flamingo-9B', 'VizWiz', 'test-dev', 'vqa_accuracy', 16, 'few', 'random', 'no', 43.0, EMU2_TABLE_1],
  ['Flamingo-9B', 'TextVQA', 'val', 'vqa_accuracy', 16, 'few', 'random', 'no', 33.5, EMU2_TABLE_1],
  ['Flamingo-9B', 'HatefulMemes', 'seen-test', 'roc_auc', 16, 'few', 'random', 'no', 64.5, EMU2_TABLE_1],

  ['IDEFICS-80B', 'VQAv2', 'test-dev', 'vqa_accuracy', 0, 'text-two-shot', '-', 'no', 60.0, EMU2_TABLE_1],
  ['IDEFICS-80B', 'OKVQA', 'val', 'vqa_accuracy', 0, 'text-two-shot', '-', 'no', 45.2, EMU2_TABLE_1],
  ['IDEFICS-80B', 'VizWiz', 'test-dev', 'vqa_accuracy', 0, 'text-two-shot', '-', 'no', 36.0, EMU2_TABLE_1],
  ['IDEFICS-80B', 'TextVQA', 'val', 'vqa_accuracy', 0, 'text-two-shot', '-', 'no', 30.9, EMU2_TABLE_1],
  ['IDEFICS-80B', 'HatefulMemes', 'seen-test', 'roc_auc', 0, 'text-two-shot', '-', 'no', 60.6, EMU2_TABLE_1],
  ['IDEFICS-80B', 'VQAv2', 'test-dev', 'vqa_accuracy', 4, 'few', 'random', 'no', 63.6, EMU2_TABLE_1],
  ['IDEFICS-80B', 'OKVQA', 'val', 'vqa_accuracy', 4, 'few', 'random', 'no', 52.4, EMU2_TABLE_1],
  ['IDEFICS-80B', 'VizWiz', 'test-dev', 'vqa_accuracy', 4, 'few', 'random', 'no', 40.4, EMU2_TABLE_1],
  ['IDEFICS-80B', 'TextVQA', 'val', 'vqa_accuracy', 4, 'few', 'random', 'no', 34.4, EMU2_TABLE_1],
  ['IDEFICS-80B', 'HatefulMemes', 'seen-test', 'roc_auc', 4, 'few', 'random', 'no', 57.8, EMU2_TABLE_1],
  ['IDEFICS-80B', 'VQAv2', 'test-dev', 'vqa_accuracy', 8, 'few', 'random', 'no', 64.8, EMU2_TABLE_1],
  ['IDEFICS-80B', 'OKVQA', 'val', 'vqa_accuracy', 8, 'few', 'random', 'no', 55.1, EMU2_TABLE_1],
  ['IDEFICS-80B', 'VizWiz', 'test-dev', 'vqa_accuracy', 8, 'few', 'random', 'no', 46.1, EMU2_TABLE_1],
  ['IDEFICS-80B', 'TextVQA', 'val', 'vqa_accuracy', 8, 'few', 'random', 'no', 35.7, EMU2_TABLE_1],
  ['IDEFICS-80B', 'HatefulMemes', 'seen-test', 'roc_auc', 8, 'few', 'random', 'no', 58.2, EMU2_TABLE_1],
  ['IDEFICS-80B', 'VQAv2', 'test-dev', 'vqa_accuracy', 16, 'few', 'random', 'no', 65.4, EMU2_TABLE_1],
  ['IDEFICS-80B', 'OKVQA', 'val', 'vqa_accuracy', 16, 'few', 'random', 'no', 56.8, EMU2_TABLE_1],
  ['IDEFICS-80B', 'VizWiz', 'test-dev', 'vqa_accuracy', 16, 'few', 'random', 'no', 48.3, EMU2_TABLE_1],
  ['IDEFICS-80B', 'TextVQA', 'val', 'vqa_accuracy', 16, 'few', 'random', 'no', 36.3, EMU2_TABLE_1],
  ['IDEFICS-80B', 'HatefulMemes', 'seen-test', 'roc_auc', 16, 'few', 'random', 'no', 57.8, EMU2_TABLE_1],

  ['Emu-14B', 'VQAv2', 'test-dev', 'vqa_accuracy', 0, 'text-two-shot', '-', 'no', 52.9, EMU2_TABLE_1],
  ['Emu-14B', 'OKVQA', 'val', 'vqa_accuracy', 0, 'text-two-shot', '-', 'no', 42.8, EMU2_TABLE_1],
  ['Emu-14B', 'VizWiz', 'test-dev', 'vqa_accuracy', 0, 'text-two-shot', '-', 'no', 34.4, EMU2_TABLE_1],
  ['Emu-14B', 'VQAv2', 'test-dev', 'vqa_accuracy', 4, 'few', 'random', 'no', 58.4, EMU2_TABLE_1],
  ['Emu-14B', 'VizWiz', 'test-dev', 'vqa_accuracy', 4, 'few', 'random', 'no', 41.3, EMU2_TABLE_1],
  ['Emu-14B', 'VQAv2', 'test-dev', 'vqa_accuracy', 8, 'few', 'random', 'no', 59.0, EMU2_TABLE_1],
  ['Emu-14B', 'VizWiz', 'test-dev', 'vqa_accuracy', 8, 'few', 'random', 'no', 43.9, EMU2_TABLE_1],

  ['Kosmos-1', 'VQAv2', 'test-dev', 'vqa_accuracy', 0, 'text-two-shot', '-', 'no', 51.0, EMU2_TABLE_1],
  ['Kosmos-1', 'VizWiz', 'test-dev', 'vqa_accuracy', 0, 'text-two-shot', '-', 'no', 29.2, EMU2_TABLE_1],
  ['Kosmos-1', 'VQAv2', 'test-dev', 'vqa_accuracy', 4, 'few', 'random', 'no', 51.8, EMU2_TABLE_1],
  ['Kosmos-1', 'VizWiz', 'test-dev', 'vqa_accuracy', 4, 'few', 'random', 'no', 35.3, EMU2_TABLE_1],
  ['Kosmos-1', 'VQAv2', 'test-dev', 'vqa_accuracy', 8, 'few', 'random', 'no', 51.4, EMU2_TABLE_1],
  ['Kosmos-1', 'VizWiz', 'test-dev', 'vqa_accuracy', 8, 'few', 'random', 'no', 39.0, EMU2_TABLE_1],

  ['Flamingo-3B', 'MSVD-QA', 'test', 'exact_match', 0, 'text-two-shot', '-', 'no', 27.5, FLAMINGO_TABLE_1],
  ['Flamingo-3B', 'MSRVTT-QA', 'test', 'exact_match', 0, 'text-two-shot', '-', 'no', 11.0, FLAMINGO_TABLE_1],
  ['Flamingo-3B', 'MSVD-QA', 'test', 'exact_match', 4, 'few', 'random', 'no', 33.0, FLAMINGO_TABLE_1],
  ['Flamingo-3B', 'MSRVTT-QA', 'test', 'exact_match', 4, 'few', 'random', 'no', 14.9, FLAMINGO_TABLE_1],
  ['Flamingo-3B', 'MSVD-QA', 'test', 'exact_match', 32, 'few', 'random', 'no', 42.6, FLAMINGO_TABLE_1],
  ['Flamingo-3B', 'MSRVTT-QA', 'test', 'exact_match', 32, 'few', 'random', 'no', 25.6, FLAMINGO_TABLE_1],

  ['Flamingo-9B', 'MSVD-QA', 'test', 'exact_match', 0, 'text-two-shot', '-', 'no', 30.2, FLAMINGO_TABLE_1],
  ['Flamingo-9B', 'MSRVTT-QA', 'test', 'exact_match', 0, 'text-two-shot', '-', 'no', 13.7, FLAMINGO_TABLE_1],
  ['Flamingo-9B', 'MSVD-QA', 'test', 'exact_match', 4, 'few', 'random', 'no', 36.2, FLAMINGO_TABLE_1],
  ['Flamingo-9B', 'MSRVTT-QA', 'test', 'exact_match', 4, 'few', 'random', 'no', 18.2, FLAMINGO_TABLE_1],
  ['Flamingo-9B', 'MSVD-QA', 'test', 'exact_match', 32, 'few', 'random', 'no', 47.2, FLAMINGO_TABLE_1],
  ['Flamingo-9B', 'MSRVTT-QA', 'test', 'exact_match', 32, 'few', 'random', 'no', 29.4, FLAMINGO_TABLE_1],

  ['Flamingo-80B', 'MSVD-QA', 'test', 'exact_match', 0, 'text-two-shot', '-', 'no', 35.6, FLAMINGO_TABLE_1],
  ['Flamingo-80B', 'MSRVTT-QA', 'test', 'exact_match', 0, 'text-two-shot', '-', 'no', 17.4, FLAMINGO_TABLE_1],
  ['Flamingo-80B', 'MSVD-QA', 'test', 'exact_match', 4, 'few', 'random', 'no', 41.7, FLAMINGO_TABLE_1],
  ['Flamingo-80B', 'MSRVTT-QA', 'test', 'exact_match', 4, 'few', 'random', 'no', 23.9, FLAMINGO_TABLE_1],
  ['Flamingo-80B', 'MSVD-QA', 'test', 'exact_match', 32, 'few', 'random', 'no', 52.3, FLAMINGO_TABLE_1],
  ['Flamingo-80B', 'MSRVTT-QA', 'test', 'exact_match', 32, 'few', 'random', 'no', 31.0, FLAMINGO_TABLE_1],

  ['Emu2-Chat', 'VQAv2', 'test-dev', 'vqa_accuracy', 0, 'instruction', '-', 'yes', 84.9, EMU2_TABLE_2],
  ['Emu2-Chat', 'OKVQA', 'val', 'vqa_accuracy', 0, 'instruction', '-', 'yes', 64.8, EMU2_TABLE_2],
  ['Emu2-Chat', 'GQA', 'test-dev', 'exact_match', 0, 'instruction', '-', 'yes', 65.1, EMU2_TABLE_2],
  ['Emu2-Chat', 'VizWiz', 'test-dev', 'vqa_accuracy', 0, 'instruction', '-', 'no', 54.9, EMU2_TABLE_2],
  ['Emu2-Chat', 'TextVQA', 'val', 'vqa_accuracy', 0, 'instruction', '-', 'yes', 66.6, EMU2_TABLE_2],
  ['Emu2-Chat', 'MSVD-QA', 'test', 'exact_match', 0, 'instruction', '-', 'no', 49.0, EMU2_TABLE_2],
  ['Emu2-Chat', 'MSRVTT-QA', 'test', 'exact_match', 0, 'instruction', '-', 'no', 31.4, EMU2_TABLE_2],

  ['CogVLM', 'VQAv2', 'test-dev', 'vqa_accuracy', 0, 'instruction', '-', 'yes', 83.4, EMU2_TABLE_2],
  ['CogVLM', 'OKVQA', 'val', 'vqa_accuracy', 0, 'instruction', '-', 'yes', 58.9, EMU2_TABLE_2],
  ['CogVLM', 'TextVQA', 'val', 'vqa_accuracy', 0, 'instruction', '-', 'yes', 68.1, EMU2_TABLE_2],

  ['LLaVA-1.5-13B', 'VQAv2', 'test-dev', 'vqa_accuracy', 0, 'instruction', '-', 'yes', 80.0, EMU2_TABLE_2],
  ['LLaVA-1.5-13B', 'GQA', 'test-dev', 'exact_match', 0, 'instruction', '-', 'yes', 63.3, EMU2_TABLE_2],
  ['LLaVA-1.5-13B', 'VizWiz', 'test-dev', 'vqa_accuracy', 0, 'instruction', '-', 'no', 53.6, EMU2_TABLE_2],
  ['LLaVA-1.5-13B', 'TextVQA', 'val', 'vqa_accuracy', 0, 'instruction', '-', 'no', 61.3, EMU2_TABLE_2],

  ['Qwen-VL-Chat', 'VQAv2', 'test-dev', 'vqa_accuracy', 0, 'instruction', '-', 'yes', 78.2, EMU2_TABLE_2],
  ['Qwen-VL-Chat', 'OKVQA', 'val', 'vqa_accuracy', 0, 'instruction', '-', 'yes', 56.6, EMU2_TABLE_2],
  ['Qwen-VL-Chat', 'GQA', 'test-dev', 'exact_match', 0, 'instruction', '-', 'yes', 57.5, EMU2_TABLE_2],
  ['Qwen-VL-Chat', 'VizWiz', 'test-dev', 'vqa_accuracy', 0, 'instruction', '-', 'no', 38.9, EMU2_TABLE_2],
  ['Qwen-VL-Chat', 'TextVQA', 'val', 'vqa_accuracy', 0, 'instruction', '-', 'yes', 61.5, EMU2_TABLE_2],

  ['InstructBLIP-13B', 'GQA', 'test-dev', 'exact_match', 0, 'instruction', '-', 'no', 49.5, EMU2_TABLE_2],
  ['InstructBLIP-13B', 'VizWiz', 'test-dev', 'vqa_accuracy', 0, 'instruction', '-', 'no', 33.4, EMU2_TABLE_2],
  ['InstructBLIP-13B', 'TextVQA', 'val', 'vqa_accuracy', 0, 'instruction', '-', 'no', 50.7, EMU2_TABLE_2],
  ['InstructBLIP-13B', 'MSVD-QA', 'test', 'exact_match', 0, 'instruction', '-', 'no', 41.2, EMU2_TABLE_2],
  ['InstructBLIP-13B', 'MSRVTT-QA', 'test', 'exact_match', 0, 'instruction', '-', 'no', 24.8, EMU2_TABLE_2],

  ['BLIP-2-13B', 'GQA', 'test-dev', 'exact_match', 0, 'instruction', '-', 'no', 41.0, EMU2_TABLE_2],
  ['BLIP-2-13B', 'VizWiz', 'test-dev', 'vqa_accuracy', 0, 'instruction', '-', 'no', 19.6, EMU2_TABLE_2],
  ['BLIP-2-13B', 'TextVQA', 'val', 'vqa_accuracy', 0, 'instruction', '-', 'no', 42.5, EMU2_TABLE_2],
  ['BLIP-2-13B', 'MSVD-QA', 'test', 'exact_match', 0, 'instruction', '-', 'no', 20.3, EMU2_TABLE_2],
  ['BLIP-2-13B', 'MSRVTT-QA', 'test', 'exact_match', 0, 'instruction', '-', 'no', 10.3, EMU2_TABLE_2],

  ['IDEFICS-9B', 'VQAv2', 'test-dev', 'vqa_accuracy', 0, 'instruction', '-', 'no', 50.9, EMU2_TABLE_2],
  ['IDEFICS-9B', 'OKVQA', 'val', 'vqa_accuracy', 0, 'instruction', '-', 'no', 38.4, EMU2_TABLE_2],
  ['IDEFICS-9B', 'VizWiz', 'test-dev', 'vqa_accuracy', 0, 'instruction', '-', 'no', 35.5, EMU2_TABLE_2],
  ['IDEFICS-9B', 'TextVQA', 'val', 'vqa_accuracy', 0, 'instruction', '-', 'no', 25.9, EMU2_TABLE_2],

  ['Shikra-13B', 'VQAv2', 'test-dev', 'vqa_accuracy', 0, 'instruction', '-', 'yes', 77.4, EMU2_TABLE_2],
  ['Shikra-13B', 'OKVQA', 'val', 'vqa_accuracy', 0, 'instruction', '-', 'no', 47.2, EMU2_TABLE_2],

  ['Emu-I', 'VQAv2', 'test-dev', 'vqa_accuracy', 0, 'instruction', '-', 'no', 62.0, EMU2_TABLE_2],
  ['Emu-I', 'OKVQA', 'val', 'vqa_accuracy', 0, 'instruction', '-', 'no', 49.2, EMU2_TABLE_2],
  ['Emu-I', 'GQA', 'test-dev', 'exact_match', 0, 'instruction', '-', 'no', 46.0, EMU2_TABLE_2],
  ['Emu-I', 'VizWiz', 'test-dev', 'vqa_accuracy', 0, 'instruction', '-', 'no', 38.3, EMU2_TABLE_2],
  ['Emu-I', 'MSVD-QA', 'test', 'exact_match', 0, 'instruction', '-', 'no', 37.0, EMU2_TABLE_2],
  ['Emu-I', 'MSRVTT-QA', 'test', 'exact_match', 0, 'instruction', '-', 'no', 21.2, EMU2_TABLE_2],

  ['CogVLM-Chat-v2paper', 'VQAv2', 'test-dev', 'vqa_accuracy', 0, 'instruction', '-', 'yes', 82.3, COGVLM_TABLE_2],
  ['CogVLM-Chat-v2paper', 'OKVQA', 'val', 'vqa_accuracy', 0, 'instruction', '-', 'yes', 64.8, COGVLM_TABLE_2],
  ['CogVLM-Chat-v2paper', 'TextVQA', 'val', 'vqa_accuracy', 0, 'instruction', '-', 'yes', 70.4, COGVLM_TABLE_2],
];

function toRow([model, benchmark, split, metric, shots, shotStyle, demoSelection, trained, score, source]: PublishedCells): BaselineRow {
  const params = publishedParameterCounts[model];
  if (!params) throw new Error(`published.ts: no parameter count for ${model}`);
  return { model, params, benchmark, split, metric: ourMetricId(benchmark, metric), shots, shotStyle, demoSelection, trainedOnTrainSplit: trained === 'yes', score, source, origin: 'built-in' };
}

/** The first CSV's rows, then the instruction-following benchmarks' (SEED-Bench, MMMU, MM-Vet, MMBench, TouchStone). */
export const publishedBaselines: readonly BaselineRow[] = [...cells, ...instructionBenchmarkCells].map(toRow);
