// MM-Vet's grading defaults, apart from the grader (grade.ts, grader-prompt.ts), which is imported
// only when a run grades: the engine checks its options with these at start.

/** The grader model the MM-Vet paper and leaderboard use (the evaluator's --gpt_model default). */
export const MM_VET_GRADER_MODEL = 'gpt-4-0613';

/** Grading runs averaged, as the MM-Vet paper and Emu2's table report. */
export const MM_VET_DEFAULT_RUNS = 5;
