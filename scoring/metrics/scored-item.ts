/** The per-sample facts aggregation needs; kept small so a 214k-question run aggregates in little memory. */
export interface ScoredItem {
  score: number | null;
  error: boolean;
  meta: Record<string, unknown>;
  /** The scored answer; only metrics that read predictions (VizWiz's answerability) keep it. */
  extracted?: string;
}
