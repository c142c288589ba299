// Video-ChatGPT's LLM-judge protocol for open-ended video QA (Maaz et al. 2023,
// quantitative_evaluation/evaluate_activitynet_qa.py), the one MSVD-QA / MSRVTT-QA / ActivityNet-QA
// "accuracy and score" tables use. The wording is reproduced verbatim — including its quirks (the
// double space in "is  a string", the 4.8 in the example) — because judges react to wording.
// Bump JUDGE_PROMPT_VERSION on any change: it is part of the judge cache key and of run.json.

export const JUDGE_PROTOCOL = 'video-chatgpt' as const;
export const JUDGE_PROMPT_VERSION = 1;

export const JUDGE_SYSTEM_PROMPT =
  'You are an intelligent chatbot designed for evaluating the correctness of generative outputs for question-answer pairs. ' +
  "Your task is to compare the predicted answer with the correct answer and determine if they match meaningfully. Here's how you can accomplish the task:" +
  '------' +
  '##INSTRUCTIONS: ' +
  '- Focus on the meaningful match between the predicted answer and the correct answer.\n' +
  '- Consider synonyms or paraphrases as valid matches.\n' +
  '- Evaluate the correctness of the prediction compared to the answer.';

export function judgeUserPrompt(question: string, correctAnswer: string, predictedAnswer: string): string {
  return (
    'Please evaluate the following video-based question-answer pair:\n\n' +
    `Question: ${question}\n` +
    `Correct Answer: ${correctAnswer}\n` +
    `Predicted Answer: ${predictedAnswer}\n\n` +
    'Provide your evaluation only as a yes/no and score where the score is an integer value between 0 and 5, with 5 indicating the highest meaningful match. ' +
    "Please generate the response in the form of a Python dictionary string with keys 'pred' and 'score', where value of 'pred' is  a string of 'yes' or 'no' and value of 'score' is in INTEGER, not STRING." +
    'DO NOT PROVIDE ANY OTHER OUTPUT TEXT OR EXPLANATION. Only provide the Python dictionary string. ' +
    "For example, your response should look like this: {'pred': 'yes', 'score': 4.8}."
  );
}
