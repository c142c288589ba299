// Hateful Memes' prompt pieces, as OpenFlamingo writes them (open_flamingo/eval/models/open_flamingo.py,
// get_hateful_memes_prompt; evaluate.py, evaluate_classification): each demonstration is
// "<image>is an image with: '{text}' written on it. Is it hateful? Answer:{yes|no}<|endofchunk|>",
// joined with nothing between them, then the query without its answer. The model scores the
// continuations "no" and "yes" (HM_CLASSNAMES) after "Answer:". Flamingo's 0 shots are two text-only
// demonstrations (compute_effective_num_shots; "<image>" removed from their text), never a bare query.
import type { Part } from '../core/contracts/runner.js';
import type { Sample } from '../core/contracts/task.js';

/** The classes in OpenFlamingo's order (label 0, label 1): the continuations each prompt is scored with. */
export const HATEFUL_MEMES_CONTINUATIONS = ['no', 'yes'] as const;

/** OpenFlamingo's end-of-chunk token after each demonstration's answer. */
export const END_OF_CHUNK = '<|endofchunk|>';

export function hatefulMemesQuestion(text: string, answer?: string): string {
  return `is an image with: '${text}' written on it. Is it hateful? Answer:${answer ?? ''}${answer !== undefined ? END_OF_CHUNK : ''}`;
}

/**
 * The prompt's parts: demonstrations (with their images unless `textOnlyDemos`, Flamingo's 0-shot), then
 * the query's image and question. A demonstration's answer is its gold label's class name.
 */
export function hatefulMemesParts(query: Sample, demos: readonly Sample[], options: { textOnlyDemos?: boolean } = {}): Part[] {
  const parts: Part[] = [];
  const addText = (text: string) => {
    const last = parts.at(-1);
    if (last?.type === 'text') last.text += text;
    else parts.push({ type: 'text', text });
  };
  for (const demo of demos) {
    if (!options.textOnlyDemos) for (const source of demo.media) parts.push({ type: 'image', source });
    addText(hatefulMemesQuestion(demo.question, demo.answers[0]));
  }
  for (const source of query.media) parts.push({ type: 'image', source });
  addText(hatefulMemesQuestion(query.question));
  return parts;
}
