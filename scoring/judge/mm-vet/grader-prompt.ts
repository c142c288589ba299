// MM-Vet's grader (yuweihao/MM-Vet, mm-vet_evaluator.py): GPT-4 completes the last row of a few-shot
// table with a correctness score from 0.0 to 1.0. The prompt is reproduced verbatim — it ends with a
// line break, and the evaluator adds another before the row, so a blank line separates the examples
// from the question. `<AND>` / `<OR>` in a gold answer get spaces around them, as the evaluator does.
// Bump MM_VET_PROMPT_VERSION on any change: it is part of run.json and of every cached reply's key.

export const MM_VET_PROTOCOL = 'mm-vet' as const;
export const MM_VET_PROMPT_VERSION = 1;
export { MM_VET_GRADER_MODEL } from './defaults.js';

export const MM_VET_GRADER_PROMPT =
  "Compare the ground truth and prediction from AI models, to give a correctness score for the prediction. <AND> in the ground truth means it is totally right only when all elements in the ground truth are present in the prediction, and <OR> means it is totally right when any one element in the ground truth is present in the prediction. The correctness score is 0.0 (totally wrong), 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, or 1.0 (totally right). Just complete the last space of the correctness score.\n" +
  "\n" +
  "Question | Ground truth | Prediction | Correctness\n" +
  "--- | --- | --- | ---\n" +
  "What is x in the equation? | -1 <AND> -5 | x = 3 | 0.0\n" +
  "What is x in the equation? | -1 <AND> -5 | x = -1 | 0.5\n" +
  "What is x in the equation? | -1 <AND> -5 | x = -5 | 0.5\n" +
  "What is x in the equation? | -1 <AND> -5 | x = -5 or 5 | 0.5\n" +
  "What is x in the equation? | -1 <AND> -5 | x = -1 or x = -5 | 1.0\n" +
  "Can you explain this meme? | This meme is poking fun at the fact that the names of the countries Iceland and Greenland are misleading. Despite its name, Iceland is known for its beautiful green landscapes, while Greenland is mostly covered in ice and snow. The meme is saying that the person has trust issues because the names of these countries do not accurately represent their landscapes. | The meme talks about Iceland and Greenland. It's pointing out that despite their names, Iceland is not very icy and Greenland isn't very green. | 0.4\n" +
  "Can you explain this meme? | This meme is poking fun at the fact that the names of the countries Iceland and Greenland are misleading. Despite its name, Iceland is known for its beautiful green landscapes, while Greenland is mostly covered in ice and snow. The meme is saying that the person has trust issues because the names of these countries do not accurately represent their landscapes. | The meme is using humor to point out the misleading nature of Iceland's and Greenland's names. Iceland, despite its name, has lush green landscapes while Greenland is mostly covered in ice and snow. The text 'This is why I have trust issues' is a playful way to suggest that these contradictions can lead to distrust or confusion. The humor in this meme is derived from the unexpected contrast between the names of the countries and their actual physical characteristics. | 1.0\n";

/** Appended on a re-ask after a reply that is not a score. */
export const MM_VET_RETRY_SUFFIX = '\nPredict the correctness of the answer (digit): ';

/** The user message for one grading: the prompt, a line break, then `question | answer | prediction | `. */
export function mmVetGraderMessage(question: string, answer: string, prediction: string, retry = false): string {
  const row = [question, answer.replaceAll('<AND>', ' <AND> ').replaceAll('<OR>', ' <OR> '), prediction, ''].join(' | ');
  return `${MM_VET_GRADER_PROMPT}\n${row}${retry ? MM_VET_RETRY_SUFFIX : ''}`;
}
