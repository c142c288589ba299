import { DataError } from '../../core/errors.js';
import type { DataProblem } from '../../core/contracts/task.js';

/** The one-line form of a problem, as a thrown DataError shows it: `file: json.path: what is wrong`. */
export function formatProblem(problem: DataProblem): string {
  return [problem.file, problem.field, problem.message].filter((part) => part !== undefined && part !== '').join(': ');
}

/** Turns a DataError raised below (path safety, malformed JSON) into a problem, without repeating its file and field in the message. */
export function problemFromError(error: DataError, fallbackFile: string): DataProblem {
  const file = error.file ?? fallbackFile;
  let message = error.message;
  for (const prefix of [`${file}: `, error.field ? `${error.field}: ` : undefined]) {
    if (prefix && message.startsWith(prefix)) message = message.slice(prefix.length);
  }
  return { file, field: error.field, message };
}

/**
 * One code path for both ways of meeting bad data: `load` stops at the first problem with a DataError,
 * `data check` wants every problem in one pass. Readers report through a sink and skip the element;
 * in throwing mode the report never returns.
 */
export class ProblemSink {
  constructor(private readonly onProblem?: (problem: DataProblem) => void) {}

  get collecting(): boolean {
    return this.onProblem !== undefined;
  }

  report(problem: DataProblem): void {
    if (!this.onProblem) throw new DataError(formatProblem(problem), problem.file, problem.field);
    this.onProblem(problem);
  }

  /** Reports every problem of one element; a thrown DataError carries them all, and the first one's field. */
  reportAll(problems: DataProblem[]): void {
    if (problems.length === 0) return;
    if (!this.onProblem) {
      throw new DataError(problems.map(formatProblem).join('\n'), problems[0].file, problems[0].field);
    }
    for (const problem of problems) this.onProblem(problem);
  }

  /** Runs a check that throws DataError (path safety); in collecting mode records it and returns undefined. */
  attempt<T>(check: () => T, fallbackFile: string): T | undefined {
    try {
      return check();
    } catch (error) {
      if (!(error instanceof DataError) || !this.onProblem) throw error;
      this.onProblem(problemFromError(error, fallbackFile));
      return undefined;
    }
  }
}

/** Remembers where each id was first seen so a duplicate can name both occurrences. */
export class FirstOccurrences<Id> {
  private readonly seen = new Map<Id, number>();

  /** Records `index` for `id`; returns the earlier index when the id was already seen. */
  claim(id: Id, index: number): number | undefined {
    const earlier = this.seen.get(id);
    if (earlier !== undefined) return earlier;
    this.seen.set(id, index);
    return undefined;
  }
}
