import type { ParquetTaskLayout } from '../formats/parquet-layout.js';

// Where each task's Parquet snapshot keeps its splits: the file patterns alone, relative to the data root.
// Task modules add them to their splits at start (withParquetFiles); the layouts that read the rows
// (tasks/parquet/*-parquet.ts, the readers of MM-Vet and SEED-Bench) are imported only when a split loads.

type SnapshotFiles = ParquetTaskLayout<unknown>['splits'];

/** lmms-lab/VQAv2: `data/validation-*.parquet` (214,354 questions) and `data/testdev-*.parquet`. */
export const VQAV2_PARQUET_FILES: SnapshotFiles = {
  val: { rows: 'data/validation-*.parquet' },
  testdev: { rows: 'data/testdev-*.parquet' },
};

/** lmms-lab/OK-VQA: the val2014 split, `data/val2014-*.parquet`. */
export const OKVQA_PARQUET_FILES: SnapshotFiles = {
  val: { rows: 'data/val2014-*.parquet' },
};

/** lmms-lab/GQA: question rows and image rows in separate folders. */
export const GQA_PARQUET_FILES: SnapshotFiles = {
  testdev: { rows: 'testdev_balanced_instructions/testdev-*.parquet', images: 'testdev_balanced_images/testdev-*.parquet' },
  train: { rows: 'train_balanced_instructions/train-*.parquet', images: 'train_balanced_images/train-*.parquet' },
};

/** MMMU/MMMU (one folder per subject) and lmms-lab/MMMU (`data/`). */
export const MMMU_PARQUET_FILES: SnapshotFiles = {
  validation: { rows: '*/validation-*.parquet' },
  dev: { rows: '*/dev-*.parquet' },
  test: { rows: '*/test-*.parquet' },
};

/** lmms-lab/textvqa. */
export const TEXTVQA_PARQUET_FILES: SnapshotFiles = {
  val: { rows: 'data/validation-*.parquet' },
  train: { rows: 'data/train-*.parquet' },
};

/** lmms-lab/VizWiz-VQA. */
export const VIZWIZ_PARQUET_FILES: SnapshotFiles = {
  val: { rows: 'data/val-*.parquet' },
  test: { rows: 'data/test-*.parquet' },
};

/** lmms-lab/MMVet. */
export const MM_VET_PARQUET_FILES: SnapshotFiles = {
  test: { rows: 'data/test-*.parquet' },
};

/** lmms-lab/SEED-Bench. */
export const SEED_BENCH_PARQUET_FILES: SnapshotFiles = {
  test: { rows: 'data/test-*.parquet' },
};
