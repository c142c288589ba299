import { toScoredItem } from '../scoring/aggregate.js';
import type { SampleGrade, SampleJudgement, SampleRecord } from '../artifact/schema.js';
import type { SubmittedAnswer } from '../core/contracts/task.js';

export type MetricsItem = ReturnType<typeof toScoredItem> & { judge?: SampleJudgement; grades?: SampleGrade[] };

/** The part of an evaluation unit that names it (evaluation-loop.ts's EvaluationUnit has it). */
interface PlannedUnit {
  task: { record: { id: string; hasAnswers: boolean } };
  shots: number;
  trial: number;
}

interface UnitInput {
  items: MetricsItem[];
  /** Only a split without answers is scored by submission: its answers are kept, the others' are not. */
  answers: SubmittedAnswer[] | undefined;
}

export function unitKey(task: string, shots: number, trial: number): string {
  return `${task}\u0000${shots}\u0000${trial}`;
}

/**
 * What metrics.json needs of each sample record, folded in one record at a time — as the evaluation
 * loop writes them, or as samples.jsonl is read back — so a run never holds its whole log in memory:
 * per unit (task × shots × trial), each sample's scored item, and for splits scored by submission the
 * answers to submit. Records of units the run does not plan are ignored.
 */
export class MetricsInput {
  private readonly units = new Map<string, UnitInput>();

  constructor(units: readonly PlannedUnit[]) {
    for (const { task, shots, trial } of units) {
      this.units.set(unitKey(task.record.id, shots, trial), { items: [], answers: task.record.hasAnswers ? undefined : [] });
    }
  }

  add(record: SampleRecord): void {
    const unit = this.unitOf(record);
    if (!unit) return;
    const item: MetricsItem = toScoredItem(record);
    if (record.judge) item.judge = record.judge;
    if (record.grades) item.grades = record.grades;
    unit.items.push(item);
    if (unit.answers && record.finishReason !== 'error') unit.answers.push({ id: record.sampleId, answer: record.extracted, output: record.output });
  }

  /** Records come unit after unit: the last unit found is asked first. */
  private last: { task: string; shots: number; trial: number; unit: UnitInput | undefined } | undefined;

  private unitOf(record: SampleRecord): UnitInput | undefined {
    const last = this.last;
    if (last && last.task === record.task && last.shots === record.shots && last.trial === record.trial) return last.unit;
    const unit = this.units.get(unitKey(record.task, record.shots, record.trial));
    this.last = { task: record.task, shots: record.shots, trial: record.trial, unit };
    return unit;
  }

  /** The unit's items, ordered by sample id. */
  itemsOf(task: string, shots: number, trial: number): MetricsItem[] {
    return this.units.get(unitKey(task, shots, trial))!.items.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  answersOf(task: string, shots: number, trial: number): SubmittedAnswer[] {
    return this.units.get(unitKey(task, shots, trial))?.answers ?? [];
  }
}
