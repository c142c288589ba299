// Hateful Memes as Facebook distributes it: img/ with <id>.png, and one JSON object per line in
// train.jsonl, dev_seen.jsonl, dev_unseen.jsonl, test_seen.jsonl, test_unseen.jsonl:
// {"id": 42953, "img": "img/42953.png", "label": 0, "text": "its their character not their color that matters"}.
// The phase-1 test.jsonl has no labels; the seen/unseen files of phase 2 do. A sample's question is the
// meme's text (the prompt quotes it), its one answer "yes" (hateful, label 1) or "no" (label 0), as
// OpenFlamingo's HatefulMemesDataset names the classes.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { DataError } from '../../core/errors.js';
import type { LoadOptions, Sample } from '../../core/contracts/task.js';
import { imageInside } from './image-path.js';
import { FirstOccurrences, ProblemSink } from './problem-sink.js';

import { HATEFUL_MEMES_SPLITS } from './hateful-memes-splits.js';

export { HATEFUL_MEMES_SPLITS, hatefulMemesSplitInfos } from './hateful-memes-splits.js';

const lineSchema = z.strictObject({
  id: z.union([z.number().int().nonnegative(), z.string().regex(/^\d+$/)]),
  img: z.string().min(1),
  label: z.union([z.literal(0), z.literal(1)]),
  text: z.string(),
});

/** The class names OpenFlamingo scores, by label. */
export const HATEFUL_MEMES_ANSWERS = ['no', 'yes'] as const;

export async function* loadHatefulMemes(options: LoadOptions): AsyncIterable<Sample> {
  const split = HATEFUL_MEMES_SPLITS.find((entry) => entry.name === options.split);
  if (!split) throw new DataError(`hateful-memes has no split "${options.split}" (splits: ${HATEFUL_MEMES_SPLITS.map((entry) => entry.name).join(', ')})`);
  const file = path.join(options.dataDir, split.file);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new DataError(`${file}: cannot read the split file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); hateful-memes expects the folder as distributed: img/ and ${split.file}`, file);
  }
  const sink = new ProblemSink(options.onProblem);
  const seen = new FirstOccurrences<string>();
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index].trim();
    if (line === '') continue;
    const field = `line ${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      sink.report({ file, field, message: `not JSON (${(error as Error).message})` });
      continue;
    }
    const parsed = lineSchema.safeParse(value);
    if (!parsed.success) {
      sink.reportAll(parsed.error.issues.map((issue) => ({ file, field: [field, ...issue.path.map(String)].join('.'), message: issue.message })));
      continue;
    }
    const { id, img, label } = parsed.data;
    const key = String(id);
    const first = seen.claim(key, index + 1);
    if (first !== undefined) {
      sink.report({ file, field: `${field}.id`, message: `duplicate id ${key} (first on line ${first})` });
      continue;
    }
    // OpenFlamingo joins the image folder with the file name alone; the distributed files say "img/<id>.png".
    // Text-only reads (the few-shot pool, rescoring) keep the reference: demonstrations show their images.
    const media = imageInside(sink, options.dataDir, 'img', path.basename(img), { file, field: `${field}.img` });
    if (!media) continue;
    yield { id: key, question: parsed.data.text, answers: [HATEFUL_MEMES_ANSWERS[label]], media: [media], meta: { label, image: path.basename(img) } };
  }
}
