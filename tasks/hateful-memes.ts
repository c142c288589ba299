import type { TaskAdapter } from '../core/contracts/task.js';
import { classScores } from '../scoring/metrics/class-probability.js';
import { hatefulMemesSplitInfos } from './formats/hateful-memes-splits.js';
import { loadOnFirstUse } from './formats/lazy-load.js';
import { HATEFUL_MEMES_CONTINUATIONS, HATEFUL_MEMES_PROMPTS } from './hateful-memes-prompt.js';

// Hateful Memes (Kiela et al. 2020) as OpenFlamingo evaluates it, the protocol of the Flamingo, IDEFICS
// and Emu2 tables: the model scores "no" and "yes" after the prompt; a class's score is the mean
// log-probability of its tokens, the prediction the higher one, P(yes) their softmax, and the metric
// the ROC AUC of P(yes) against the labels (docs/protocols.md#hateful-memes).
const YES = HATEFUL_MEMES_CONTINUATIONS.indexOf('yes');

export const hatefulMemes = {
  id: 'hateful-memes',
  benchmark: 'HatefulMemes',
  version: 1,
  modality: 'image',
  metric: 'roc_auc',
  evaluator: 'openflamingo-classification',
  description: 'Hateful Memes: is the meme (image + its text) hateful? yes/no by log-likelihood, ROC AUC of P(yes)',
  splits: hatefulMemesSplitInfos(),
  defaultSplit: 'test_seen',
  trainSplit: 'train',
  sampleFolder: 'hateful-memes',
  recordMeta: ['label', 'image'],
  breakdowns: [],
  request: {
    kind: 'loglik',
    continuations: () => [...HATEFUL_MEMES_CONTINUATIONS],
    predict: ({ continuations, logprobs, tokens }) => continuations[classScores(logprobs, tokens).predicted]!,
    binary: {
      label: (sample) => (sample.answers[0] === 'yes' ? 1 : sample.answers[0] === 'no' ? 0 : undefined),
      score: ({ logprobs, tokens }) => classScores(logprobs, tokens).probabilities[YES]!,
    },
  },
  prompts: HATEFUL_MEMES_PROMPTS,
  load: loadOnFirstUse(async () => (await import('./formats/hateful-memes-reader.js')).loadHatefulMemes),
} satisfies TaskAdapter;
