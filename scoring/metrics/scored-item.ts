/** The per-sample facts aggregation needs; kept small so a 214k-question run aggregates in little memory. */
export interface ScoredItem {
  score: number | null;
  error: boolean;
  meta: Record<string, unknown>;
  /** The scored answer; only metrics that read predictions (VizWiz's answerability) keep it. */
  extracted?: string;
  /** Corpus metrics (ROC AUC): the gold label and the positive-class score (samples.jsonl `binary`; no score on errors). */
  binary?: { label: 0 | 1; score?: number };
}
