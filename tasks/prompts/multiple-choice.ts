import type { TaskPromptPieces } from '../../core/contracts/task.js';

// How a multiple-choice question is put to the model when it answers by generation: LLaVA-1.5's layout
// (llava/eval/model_vqa_mmbench.py with --single-pred-prompt, and the questions of its
// llava-seed-bench.jsonl; lmms-eval's seedbench and mmbench tasks ask the same), used under every preset
// that asks one question and reads the answer off the first line.

/** LLaVA-1.5's instruction for single-letter answers. */
export const ANSWER_WITH_LETTER = "Answer with the option's letter from the given choices directly.";

/** `[hint\n]question`, then `\nA. option` for each option in letter order. */
export function questionWithOptions(question: string, options: Readonly<Record<string, string>>, hint?: string): string {
  let text = hint !== undefined ? `${hint}\n${question}` : question;
  for (const [letter, option] of Object.entries(options)) text += `\n${letter}. ${option}`;
  return text;
}

/**
 * The instruction after the options under the presets that ask one question: LLaVA-1.5's. Flamingo's
 * preset keeps its own few-shot template. Emu2's repository documents no multiple-choice prompt.
 */
export const letterPrompts: Readonly<Record<string, TaskPromptPieces>> = Object.fromEntries(
  ['emu2', 'emu2-chat', 'llava', 'cogvlm'].map((preset) => [preset, { zeroShotTemplate: `{question}\n${ANSWER_WITH_LETTER}` }]),
);
