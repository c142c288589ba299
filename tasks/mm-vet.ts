import type { SplitInfo, TaskAdapter, TaskPromptPieces } from '../core/contracts/task.js';
import { officialOrParquetOnFirstUse } from './formats/lazy-load.js';
import type { MmVetSplit } from './formats/mm-vet-reader.js';
import { withParquetFiles } from './formats/parquet-layout.js';
import { MM_VET_PARQUET_FILES } from './parquet/snapshot-files.js';

// MM-Vet (Yu et al. 2024), as yuweihao/MM-Vet distributes it: mm-vet.json, one object keyed by sample
// id ({"v1_0": {"imagename", "capability": [...], "question", "answer"}}), images in images/. Open-ended
// answers graded by an LLM (GPT-4 in the paper) with MM-Vet's own prompt (scoring/judge/mm-vet/),
// so a run needs --judge. Gold answers may join alternatives with <OR> and required parts with <AND>.

const splits: readonly MmVetSplit[] = [{ name: 'test', file: 'mm-vet.json' }];

// Or lmms-lab/MMVet's rows on the Hugging Face hub (tasks/formats/mm-vet-reader.ts), when mm-vet.json is absent.
const splitInfos = withParquetFiles(
  splits.map((split): SplitInfo => ({ name: split.name, hasAnswers: true, files: [split.file] })),
  { splits: MM_VET_PARQUET_FILES },
);

// MM-Vet asks the question as it is and grades long answers: no short-answer instruction, room to
// write (512 tokens, as MM-Vet's own Emu2 inference script generates). Under emu2-chat, that script's
// system message, which asks for comprehensive answers instead of the VQA preset's concise ones.
const asAsked: TaskPromptPieces = { zeroShotTemplate: '{question}', maxNewTokens: 512 };
export const MM_VET_EMU2_CHAT_SYSTEM = 'You are a helpful assistant, dedicated to delivering comprehensive and meticulous responses.';

export const mmVet = {
  id: 'mm-vet',
  benchmark: 'MM-Vet',
  version: 1,
  modality: 'image',
  metric: 'mm_vet_score',
  evaluator: 'mm-vet-gpt4',
  description: 'MM-Vet: open-ended questions over six integrated capabilities, graded 0–1 by an LLM (--judge), five grading runs averaged',
  splits: splitInfos,
  defaultSplit: 'test',
  sampleFolder: 'mm-vet',
  recordMeta: ['capabilities'],
  breakdowns: ['capabilities'],
  prompts: { emu2: asAsked, 'emu2-chat': { ...asAsked, system: MM_VET_EMU2_CHAT_SYSTEM }, flamingo: asAsked, llava: asAsked, cogvlm: asAsked },
  load: officialOrParquetOnFirstUse(splitInfos, async () => {
    const { mmVetHubLayout, loadMmVet } = await import('./formats/mm-vet-reader.js');
    return { parquet: mmVetHubLayout, official: (options) => loadMmVet(splits, options) };
  }),
} satisfies TaskAdapter;
