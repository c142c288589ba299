import { benchmarkOfTask, canonicalSplit } from '../benchmark-names.js';
import type { DemoSelection, ShotStyle } from './baseline-row.js';

// When our result matches no published group, saying only "closest: true zero-shot vs instruction-tuned"
// leaves the reader to work out which flag records their setup. Most such results are mislabelled, not
// incomparable: Emu2-Chat answers scored under the default `emu2` preset, a model fine-tuned on VQAv2
// reported without --trained-on. Each difference to the closest group gets the option that would place
// the result there, when one would.

/** The fields of a ProtocolKey (compatibility.ts, which calls this) that an option decides. */
export interface PlacementKey {
  benchmark: string;
  split: string;
  shots: number;
  shotStyle: ShotStyle;
  demoSelection: DemoSelection;
  trainedOnTrainSplit: boolean;
}

/** Our task id for a benchmark name (VQAv2 → vqav2), for `--trained-on`. */
function taskOf(benchmark: string): string {
  const found = Object.entries(benchmarkOfTask).find(([, name]) => name.toLowerCase() === benchmark.toLowerCase());
  return found ? found[0] : benchmark.toLowerCase();
}

/** One hint per difference that an option can resolve, in the reader's words; empty when none can. */
export function placementAdvice(ours: PlacementKey, theirs: PlacementKey): string[] {
  const advice: string[] = [];
  if (ours.shotStyle !== theirs.shotStyle && ours.shots === 0 && theirs.shots === 0) {
    if (ours.shotStyle === 'zero' && theirs.shotStyle === 'instruction') {
      advice.push('scored as true zero-shot (protocol emu2); if these are Emu2-Chat or another instruction-tuned model\'s answers, re-score with `emu-eval score … --protocol emu2-chat` (LLaVA-style: `--protocol llava`) or rerun with that --protocol');
    } else if (ours.shotStyle === 'instruction' && theirs.shotStyle === 'zero') {
      advice.push('scored as instruction-tuned zero-shot; if this is a base model asked without an instruction, re-score with `emu-eval score … --protocol emu2`');
    } else if (theirs.shotStyle === 'text-two-shot') {
      advice.push('the published rows are Flamingo\'s 0* (two text-only demonstrations): rerun with `--protocol flamingo` to compare with them');
    }
  }
  if (ours.trainedOnTrainSplit !== theirs.trainedOnTrainSplit) {
    advice.push(
      theirs.trainedOnTrainSplit
        ? `the published rows were trained on ${ours.benchmark}'s train split (*): if your model was too, report with \`--trained-on ${taskOf(ours.benchmark)}\``
        : `reported as trained on ${ours.benchmark}'s train split: if it was held out, drop ${taskOf(ours.benchmark)} from \`--trained-on\``,
    );
  }
  if (ours.shots !== theirs.shots) advice.push(`published at ${theirs.shots} shots: run with \`--shots ${theirs.shots}\``);
  else if (ours.shots > 0 && ours.demoSelection !== theirs.demoSelection && theirs.demoSelection !== '-') {
    advice.push(`published with ${theirs.demoSelection} demonstrations: run with \`--demos ${theirs.demoSelection.toLowerCase()}\``);
  }
  if (canonicalSplit(ours.split) !== canonicalSplit(theirs.split)) advice.push(`published on ${theirs.split}: score that split with \`--split ${theirs.split}\``);
  return advice;
}
