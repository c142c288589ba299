import { z } from 'zod';
import { ourMetricId } from './published-metrics.js';

/**
 * How "k shots" was run. `zero` is true zero-shot (the bare question); `text-two-shot` is Flamingo's
 * 0*, which shows two text-only demonstrations first; `few` has k image demonstrations; `instruction`
 * is an instruction-tuned model asked zero-shot with an instruction prompt (the Emu2 paper's Table 2).
 */
export const shotStyles = ['zero', 'text-two-shot', 'few', 'instruction'] as const;
export type ShotStyle = (typeof shotStyles)[number];

/** `-` where no demonstrations are chosen (zero-shot and instruction rows). */
export const demoSelections = ['RICES', 'random', '-'] as const;
export type DemoSelection = (typeof demoSelections)[number];

/**
 * `published`: the total appears in the model's paper or card. `derived`: summed from component
 * sizes because no total was published. `uncertain`: sources disagree. Every place that shows a
 * derived or uncertain count marks it (docs/protocols.md#published-baselines).
 */
export type ParamCertainty = 'published' | 'derived' | 'uncertain';

/** Parameter counts in billions. Components only where a source states them. */
export interface ParameterCount {
  total: number;
  vision?: number;
  projection?: number;
  language?: number;
  /** Parameters used per token; absent means a dense model, where it equals the total. */
  active?: number;
  certainty: ParamCertainty;
  /** Where the count comes from, as the published CSV words it. */
  note: string;
}

export interface BaselineRow {
  model: string;
  params: ParameterCount;
  /** Benchmark name as papers write it: VQAv2, OKVQA, VizWiz, TextVQA, GQA, MSVD-QA ... */
  benchmark: string;
  split: string;
  metric: string;
  shots: number;
  shotStyle: ShotStyle;
  demoSelection: DemoSelection;
  /** The paper's `*`: the model saw this benchmark's training split, so zero-shot is not held-out. */
  trainedOnTrainSplit: boolean;
  /** Percent (or ROC AUC × 100 for HatefulMemes). */
  score: number;
  source: string;
  /** `built-in` for the transcribed published numbers, else the file a user added it from. */
  origin: string;
}

/** The certainty a free-text count source implies: the CSV starts those notes with "derived:" / "uncertain:". */
export function certaintyOf(note: string): ParamCertainty {
  if (/^derived\b/i.test(note.trim())) return 'derived';
  if (/^uncertain\b/i.test(note.trim())) return 'uncertain';
  return 'published';
}

const yesNo = z.union([z.enum(['yes', 'no']), z.boolean()]).transform((value) => value === true || value === 'yes');
const positiveNumber = z.coerce.number().positive();
const optionalComponent = z
  .union([z.literal(''), z.coerce.number().positive()])
  .optional()
  .transform((value) => (value === '' || value === undefined ? undefined : value));

/**
 * One row of a user baselines file (CSV or JSON): the columns of the published CSV, plus optional
 * per-component counts in billions. CSV cells arrive as strings, hence the coercions.
 */
export const baselineFileRowSchema = z.strictObject({
  model: z.string().trim().min(1),
  params_b: positiveNumber,
  params_source: z.string().trim().min(1),
  params_vision_b: optionalComponent,
  params_projection_b: optionalComponent,
  params_language_b: optionalComponent,
  params_active_b: optionalComponent,
  benchmark: z.string().trim().min(1),
  split: z.string().trim().min(1),
  metric: z.string().trim().min(1),
  shots: z.coerce.number().int().nonnegative(),
  shot_style: z.enum(shotStyles),
  demo_selection: z.enum(demoSelections),
  trained_on_train_split: yesNo,
  score: z.coerce.number().min(0).max(100),
  source: z.string().trim().min(1),
});

export type BaselineFileRow = z.infer<typeof baselineFileRowSchema>;

export function baselineFromFileRow(row: BaselineFileRow, origin: string): BaselineRow {
  return {
    model: row.model,
    params: {
      total: row.params_b,
      ...(row.params_vision_b !== undefined ? { vision: row.params_vision_b } : {}),
      ...(row.params_projection_b !== undefined ? { projection: row.params_projection_b } : {}),
      ...(row.params_language_b !== undefined ? { language: row.params_language_b } : {}),
      ...(row.params_active_b !== undefined ? { active: row.params_active_b } : {}),
      certainty: certaintyOf(row.params_source),
      note: row.params_source,
    },
    benchmark: row.benchmark,
    split: row.split,
    metric: ourMetricId(row.benchmark, row.metric),
    shots: row.shots,
    shotStyle: row.shot_style,
    demoSelection: row.demo_selection,
    trainedOnTrainSplit: row.trained_on_train_split,
    score: row.score,
    source: row.source,
    origin,
  };
}
