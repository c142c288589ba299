// The judge answers with a Python dict literal, `{'pred': 'yes', 'score': 4}`. Video-ChatGPT reads it
// with ast.literal_eval and retries forever on anything else; here anything that is not exactly such a
// dict (after stripping a Markdown code fence) is a failed judgement — counted, excluded from VALID,
// and never turned into a "no".

export type Judgement = { pred: 'yes' | 'no'; score: number };
export type ParsedJudgement = { ok: true; judgement: Judgement } | { ok: false; reason: string };

const FENCE = /^```[a-z]*\s*([\s\S]*?)\s*```$/i;
// One flat dict of string or number values, keys and strings quoted with ' or ".
const DICT = /^\{\s*((?:(?:'[^'\\]*'|"[^"\\]*")\s*:\s*(?:'[^'\\]*'|"[^"\\]*"|-?\d+(?:\.\d+)?)\s*(?:,\s*)?)*)\}$/;
const ENTRY = /('[^'\\]*'|"[^"\\]*")\s*:\s*('[^'\\]*'|"[^"\\]*"|-?\d+(?:\.\d+)?)/g;

export function parseJudgement(text: string): ParsedJudgement {
  let body = text.trim();
  const fenced = FENCE.exec(body);
  if (fenced) body = fenced[1]!.trim();
  if (!DICT.test(body)) return { ok: false, reason: `not a {'pred': ..., 'score': ...} dictionary: ${preview(text)}` };
  const entries = new Map<string, string | number>();
  for (const [, rawKey, rawValue] of body.matchAll(ENTRY)) {
    const key = rawKey!.slice(1, -1);
    if (entries.has(key)) return { ok: false, reason: `key '${key}' appears twice: ${preview(text)}` };
    entries.set(key, /^['"]/.test(rawValue!) ? rawValue!.slice(1, -1) : Number(rawValue));
  }
  const pred = entries.get('pred');
  const score = entries.get('score');
  if (typeof pred !== 'string' || !['yes', 'no'].includes(pred.trim().toLowerCase())) return { ok: false, reason: `'pred' must be 'yes' or 'no': ${preview(text)}` };
  if (typeof score !== 'number' || !(score >= 0 && score <= 5)) return { ok: false, reason: `'score' must be a number from 0 to 5: ${preview(text)}` };
  return { ok: true, judgement: { pred: pred.trim().toLowerCase() as 'yes' | 'no', score } };
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat === '') return '(empty reply)';
  return JSON.stringify(flat.length > 120 ? `${flat.slice(0, 117)}...` : flat);
}
