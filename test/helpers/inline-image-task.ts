import type { LoadOptions, Sample, SplitInfo, TaskAdapter } from '../../core/contracts/task.js';

/**
 * A VQA-scored image task whose samples carry their images as bytes, as a Parquet snapshot's do: the
 * splits and the reader are the test's own.
 */
export function inlineImageTask(splits: SplitInfo[], load: (options: LoadOptions) => AsyncIterable<Sample>, trainSplit?: string): TaskAdapter {
  return {
    id: 'inline',
    version: 1,
    modality: 'image',
    metric: 'vqa_accuracy',
    evaluator: 'vqa-eval',
    benchmark: 'Inline',
    recordMeta: [],
    breakdowns: [],
    description: 'images stored in the dataset files',
    splits,
    defaultSplit: splits[0]!.name,
    ...(trainSplit ? { trainSplit } : {}),
    sampleFolder: 'inline',
    load,
  };
}
