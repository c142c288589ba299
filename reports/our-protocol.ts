import type { RunRecord } from '../artifact/schema.js';
import type { DemoSelection, ShotStyle } from './baselines/baseline-row.js';

// How one of our runs maps onto the published CSV's protocol columns. Everything here reads run.json,
// never the code that produced it: a report must describe the run as it was, not as today's presets are.

/**
 * Presets of instruction-tuned models asked zero-shot in their own format: LLaVA-1.5's "Answer the question
 * using a single word or phrase." (emu2-chat, llava) and CogVLM-chat's VQA template (cogvlm). Their rows
 * sit with Emu2-Chat's (Table 2), not with base models' true zero-shot.
 */
const instructionPresets = new Set(['emu2-chat', 'llava', 'cogvlm']);

/**
 * Zero-shot runs are true zero-shot unless the preset recorded Flamingo's text-two-shot style. An
 * instruction preset (emu2-chat, llava) is the Emu2 paper's Table 2 protocol, whose rows the CSV marks
 * `instruction`; the base `emu2` preset is Table 1's true zero-shot, marked `zero`.
 */
export function shotStyleOfRun(record: RunRecord, shots: number): { shotStyle: ShotStyle; note?: string } {
  if (shots > 0) return { shotStyle: 'few' };
  if (record.protocol.zeroShotStyle === 'text-two-shot') return { shotStyle: 'text-two-shot' };
  const presetId = typeof record.protocol.id === 'string' ? record.protocol.id : record.config.protocol;
  if (instructionPresets.has(presetId) || typeof record.protocol.system === 'string') {
    return { shotStyle: 'instruction', note: `preset ${presetId} asks with an instruction: compared with instruction-tuned zero-shot rows (Emu2 Table 2)` };
  }
  return { shotStyle: 'zero' };
}

function asSelection(value: unknown): DemoSelection | undefined {
  if (typeof value !== 'string') return undefined;
  if (/^rices$/i.test(value)) return 'RICES';
  if (/^random$/i.test(value)) return 'random';
  return undefined;
}

/**
 * Demo selection as run.json records it (`config.demos`). A few-shot run without the field is
 * assumed random, open_flamingo's default, and the report says it assumed so.
 */
export function demoSelectionOfRun(record: RunRecord, shots: number): { demoSelection: DemoSelection; note?: string } {
  if (shots === 0) return { demoSelection: '-' };
  const recorded = asSelection(record.config.demos);
  if (recorded) return { demoSelection: recorded };
  return { demoSelection: 'random', note: 'demo selection not recorded in run.json; assumed random' };
}

/** `--trained-on vqav2,okvqa` (or `all`): tasks whose training split the evaluated model was trained on. */
export function trainedOnTrainSplit(task: string, trainedOn: readonly string[]): boolean {
  return trainedOn.some((entry) => entry.toLowerCase() === 'all' || entry.toLowerCase() === task.toLowerCase());
}
