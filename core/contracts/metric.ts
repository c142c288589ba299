export type MetricId = 'vqa_accuracy' | 'exact_match';

/** `official`: normalize only when annotators disagree (vqaEval.py); `always`: the lmms-eval convention. */
export type NormalizeMode = 'official' | 'always';
