import path from 'node:path';
import { z } from 'zod';
import { integrationKey } from '../scoring/judge/mm-vet/summary.js';
import { imageInside } from './formats/image-path.js';
import { FirstOccurrences, ProblemSink } from './formats/problem-sink.js';
import { findSplit, locateSplitFiles } from './formats/split-files.js';
import { streamValidated } from './formats/validated-stream.js';
import type { LoadOptions, Sample, SplitInfo, TaskAdapter, TaskPromptPieces } from '../core/contracts/task.js';

// MM-Vet (Yu et al. 2024), as yuweihao/MM-Vet distributes it: mm-vet.json, one object keyed by sample
// id ({"v1_0": {"imagename", "capability": [...], "question", "answer"}}), images in images/. Open-ended
// answers graded by an LLM (GPT-4 in the paper) with MM-Vet's own prompt (scoring/judge/mm-vet/),
// so a run needs --judge. Gold answers may join alternatives with <OR> and required parts with <AND>.

const splits = [{ name: 'test', file: 'mm-vet.json' }] as const;

/** The six capabilities of the paper: recognition, OCR, knowledge, language generation, spatial awareness, math. */
export const MM_VET_CAPABILITIES = ['rec', 'ocr', 'know', 'gen', 'spat', 'math'] as const;

const entrySchema = z.strictObject({
  imagename: z.string().min(1),
  capability: z.array(z.enum(MM_VET_CAPABILITIES)).min(1),
  question: z.string().min(1),
  answer: z.string(),
});

async function* loadMmVet(options: LoadOptions): AsyncGenerator<Sample> {
  const split = findSplit('mm-vet', splits, options.split);
  const dataDir = path.resolve(options.dataDir);
  const sink = new ProblemSink(options.onProblem);
  const files = await locateSplitFiles('mm-vet', { name: split.name, hasAnswers: true, files: [split.file] }, dataDir, sink);
  if (!files) return;
  const [file] = files as [string];
  const occurrences = new FirstOccurrences<string>();
  for await (const { value: entry, index, key, path: entryPath } of streamValidated(file, { kind: 'object-entries' }, entrySchema, sink)) {
    const id = key!;
    // JSON.parse would silently keep the last of two equal keys; the stream sees both.
    const earlier = occurrences.claim(id, index);
    if (earlier !== undefined) {
      sink.report({ file, field: entryPath, message: `duplicate sample id ${JSON.stringify(id)}: entries ${earlier} and ${index} of the top-level object use the same key` });
      continue;
    }
    const origin = { file, field: `${entryPath}.imagename` };
    const image = options.textOnly ? { kind: 'image' as const, path: path.join(dataDir, 'images', entry.imagename), root: dataDir } : imageInside(sink, dataDir, 'images', entry.imagename, origin);
    if (!image) continue;
    yield {
      id,
      question: entry.question,
      answers: [entry.answer],
      media: [image],
      // One string per sample (what samples.jsonl records): the capability set, alphabetical, "_"-joined.
      meta: { capabilities: integrationKey(entry.capability) },
    };
  }
}

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
  splits: splits.map((split): SplitInfo => ({ name: split.name, hasAnswers: true, files: [split.file] })),
  defaultSplit: 'test',
  sampleFolder: 'mm-vet',
  recordMeta: ['capabilities'],
  breakdowns: ['capabilities'],
  prompts: { emu2: asAsked, 'emu2-chat': { ...asAsked, system: MM_VET_EMU2_CHAT_SYSTEM }, flamingo: asAsked, llava: asAsked, cogvlm: asAsked },
  load: loadMmVet,
} satisfies TaskAdapter;
