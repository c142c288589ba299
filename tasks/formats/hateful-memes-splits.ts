import type { SplitInfo } from '../../core/contracts/task.js';

// Hateful Memes' split files, apart from the reader (hateful-memes-reader.ts) that the task imports on first load.

export const HATEFUL_MEMES_SPLITS: ReadonlyArray<{ name: string; file: string }> = [
  { name: 'test_seen', file: 'test_seen.jsonl' },
  { name: 'dev', file: 'dev_seen.jsonl' },
  { name: 'dev_unseen', file: 'dev_unseen.jsonl' },
  { name: 'test_unseen', file: 'test_unseen.jsonl' },
  { name: 'train', file: 'train.jsonl' },
];

export function hatefulMemesSplitInfos(): SplitInfo[] {
  return HATEFUL_MEMES_SPLITS.map((split) => ({ name: split.name, hasAnswers: true, files: [split.file] }));
}
