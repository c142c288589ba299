import { summarize } from '../aggregate.js';
import type { JudgeMetrics, SampleJudgement } from '../../artifact/schema.js';
import type { JudgeIdentity, JudgeOutcome } from './llm-judge.js';

// Video-ChatGPT's figures: accuracy = yes / (yes + no) and the mean 0–5 score, over the samples the
// judge actually judged — the VALID view. ALL keeps every sample in the denominator and counts
// failed judge calls and model errors as not-yes (they are never "no"). Both are reported with
// the failure count, and, for video tasks, clustered by video like the exact-match figures.

export interface JudgedSample {
  /** Undefined when the model itself failed on the sample, so there was nothing to judge. */
  judgement?: SampleJudgement;
  videoId?: string;
}

/** The per-sample record of a judge outcome (samples.jsonl). */
export function sampleJudgement(outcome: JudgeOutcome): SampleJudgement {
  return outcome.status === 'judged' ? { pred: outcome.pred, score: outcome.score, ...(outcome.cached ? { cached: true } : {}) } : { error: outcome.error };
}

export function summarizeJudgements(samples: readonly JudgedSample[], identity: JudgeIdentity, seed = 0): JudgeMetrics {
  const judged = samples.filter((sample) => sample.judgement && 'pred' in sample.judgement);
  const failedCalls = samples.filter((sample) => sample.judgement && 'error' in sample.judgement).length;
  const notJudged = samples.length - judged.length;
  const yes = (sample: JudgedSample) => (sample.judgement && 'pred' in sample.judgement && sample.judgement.pred === 'yes' ? 1 : 0);
  const clusters = (subset: readonly JudgedSample[]) => (subset.length > 0 && subset.every((sample) => typeof sample.videoId === 'string') ? { ids: subset.map((sample) => sample.videoId!), by: 'videoId' } : undefined);
  const scores = judged.map((sample) => (sample.judgement as { score: number }).score);
  return {
    protocol: identity.protocol,
    promptVersion: identity.promptVersion,
    model: identity.model,
    all: summarize(Float64Array.from(samples, yes), notJudged, seed, clusters(samples)),
    valid: summarize(Float64Array.from(judged, yes), notJudged, seed, clusters(judged)),
    meanScore: scores.length > 0 ? scores.reduce((sum, score) => sum + score, 0) / scores.length : null,
    judged: judged.length,
    failedCalls,
  };
}
