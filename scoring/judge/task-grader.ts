// A task whose per-sample score an LLM grader gives (its scoring rule names a `grader` protocol):
// the engine hands the grader each answered sample and records the outcome. Like the Video-ChatGPT
// judge, the grader is given its runner (built from --judge) and never builds a client; the model
// name is pinned and recorded with the protocol, prompt version and number of grading runs.
import { ConfigError } from '../../core/errors.js';
import type { Runner } from '../../core/contracts/runner.js';
import { MM_VET_PROMPT_VERSION, MM_VET_PROTOCOL } from './mm-vet/grader-prompt.js';
import { gradeMmVet, type MmVetGrading, type MmVetItem } from './mm-vet/grade.js';
import { meanGrade } from './mm-vet/summary.js';

/** What run.json records about the grader (config.grader). */
export interface GraderIdentity {
  protocol: typeof MM_VET_PROTOCOL;
  promptVersion: number;
  model: string;
  endpoints: string[];
  /** Independent grading runs per sample, averaged. */
  runs: number;
}

export type GradeItem = MmVetItem;

export interface GradeOutcome {
  sampleId: string;
  /** The mean of the successful gradings; null when none succeeded. */
  score: number | null;
  grades: MmVetGrading[];
  /** Why there is no score (every grading failed). */
  error?: string;
}

export interface TaskGrader {
  identity: GraderIdentity;
  grade(items: readonly GradeItem[], signal: AbortSignal): Promise<GradeOutcome[]>;
  close(): Promise<void>;
}

export const GRADER_PROTOCOLS = [MM_VET_PROTOCOL] as const;

export function createTaskGrader(protocol: string, runner: Runner, judged: { model: string; endpoints: string[]; runs: number }): TaskGrader {
  if (protocol !== MM_VET_PROTOCOL) throw new ConfigError(`unknown grader protocol "${protocol}"; known: ${GRADER_PROTOCOLS.join(', ')}`);
  return {
    identity: { protocol: MM_VET_PROTOCOL, promptVersion: MM_VET_PROMPT_VERSION, model: judged.model, endpoints: judged.endpoints, runs: judged.runs },
    async grade(items, signal) {
      const gradings = await gradeMmVet(runner, items, judged.runs, signal);
      return items.map((item, index) => {
        const grades = gradings[index]!;
        const score = meanGrade(grades) ?? null;
        const failures = grades.flatMap((grading) => ('error' in grading ? [grading.error] : []));
        return { sampleId: item.sampleId, score, grades, ...(score === null ? { error: `no grading succeeded: ${failures[failures.length - 1] ?? 'no grading runs'}` } : {}) };
      });
    },
    close: () => runner.close(),
  };
}
