// MSVD-QA and MSRVTT-QA results are reported per question word (what, who, how, when, where), as in
// the papers that introduced them; the breakdown key is that first word.

const QUESTION_WORDS = new Set(['what', 'who', 'how', 'when', 'where', 'why', 'which']);

export function questionWord(question: string): string {
  const first = question.trim().split(/\s+/, 1)[0]?.toLowerCase().replace(/[^a-z]/g, '') ?? '';
  return QUESTION_WORDS.has(first) ? first : 'other';
}
