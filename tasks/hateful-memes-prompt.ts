// Hateful Memes' prompt pieces per protocol preset. Under `flamingo` they are OpenFlamingo's exactly
// (open_flamingo/eval/models/open_flamingo.py, get_hateful_memes_prompt; evaluate.py,
// evaluate_classification): each demonstration is
// "<image>is an image with: '{text}' written on it. Is it hateful? Answer:{yes|no}<|endofchunk|>",
// joined with nothing between them (the preset's empty separator), then the query without its answer.
// The model scores the continuations "no" and "yes" (HM_CLASSNAMES) after "Answer:". Flamingo's 0
// shots are two text-only demonstrations (the preset's 0*; compute_effective_num_shots), never a bare query.
import type { TaskPromptPieces } from '../core/contracts/task.js';

/** The classes in OpenFlamingo's order (label 0, label 1): the continuations each prompt is scored with. */
export const HATEFUL_MEMES_CONTINUATIONS = ['no', 'yes'] as const;

const QUESTION = "is an image with: '{question}' written on it. Is it hateful? Answer:";

/** An instruction-tuned model is asked the question in a sentence of its own and answers yes or no. */
const CHAT_QUESTION = "The image has the text '{question}' written on it. Is it hateful?";

/**
 * Flamingo: OpenFlamingo's prompt. Emu2 (base model, true zero-shot; few-shot joined by the preset's
 * ". "): the same question, without Flamingo's end-of-chunk token, which Emu2's tokenizer lacks. The
 * zero-shot-only chat presets (emu2-chat, llava, cogvlm): the question as a sentence with the preset's
 * way of asking for a short answer. Every preset scores the same continuations, "no" and "yes".
 */
export const HATEFUL_MEMES_PROMPTS: Readonly<Record<string, TaskPromptPieces>> = {
  flamingo: { zeroShotTemplate: QUESTION, demoTemplate: `${QUESTION}{answer}<|endofchunk|>`, queryTemplate: QUESTION },
  emu2: { zeroShotTemplate: QUESTION, demoTemplate: `${QUESTION}{answer}`, queryTemplate: QUESTION },
  'emu2-chat': { zeroShotTemplate: `${CHAT_QUESTION}\nAnswer yes or no.` },
  llava: { zeroShotTemplate: `${CHAT_QUESTION}\nAnswer yes or no.` },
  cogvlm: { zeroShotTemplate: `Question: ${CHAT_QUESTION} Short answer:` },
};
