// VizWiz-VQA accuracy and answerability exactly as the VizWiz API's `vqaEval.py` computes them (the
// evaluator distributed from vizwiz.org, by Qing Li). Its rule differs from vqaEval.py's in three
// ways that change scores: the prediction is always processed, the human answers never are (not even
// stripped), and its contractions table writes most apostrophes as `’` (docs/official-evaluators.md).

import { DataError } from '../../core/errors.js';
import { leaveOneOutAccuracy } from './leave-one-out.js';
import { cleanAnswer, processDigitArticleWith, processPunctuation } from './vqa-normalize.js';

/**
 * The VizWiz API's table, verbatim: 120 entries where most values (and some keys) use the typographic
 * apostrophe `’`, so `dont` becomes `don’t`, which no straight-quoted human answer equals. Keys with
 * capitals can never match (words are lowercased first). Do not "fix" it: the published numbers
 * depend on it.
 */
const vizwizContractions = new Map<string, string>([
  ["aint", "ain't"], ["arent", "aren't"], ["cant", "can't"], ["couldve", "could've"], ["couldnt", "couldn't"],
  ["couldn'tve", "couldn’t’ve"], ["couldnt’ve", "couldn’t’ve"], ["didnt", "didn’t"], ["doesnt", "doesn’t"],
  ["dont", "don’t"], ["hadnt", "hadn’t"], ["hadnt’ve", "hadn’t’ve"], ["hadn'tve", "hadn’t’ve"], ["hasnt", "hasn’t"],
  ["havent", "haven’t"], ["hed", "he’d"], ["hed’ve", "he’d’ve"], ["he’dve", "he’d’ve"], ["hes", "he’s"],
  ["howd", "how’d"], ["howll", "how’ll"], ["hows", "how’s"], ["Id’ve", "I’d’ve"], ["I’dve", "I’d’ve"], ["Im", "I’m"],
  ["Ive", "I’ve"], ["isnt", "isn’t"], ["itd", "it’d"], ["itd’ve", "it’d’ve"], ["it’dve", "it’d’ve"],
  ["itll", "it’ll"], ["let’s", "let’s"], ["maam", "ma’am"], ["mightnt", "mightn’t"], ["mightnt’ve", "mightn’t’ve"],
  ["mightn’tve", "mightn’t’ve"], ["mightve", "might’ve"], ["mustnt", "mustn’t"], ["mustve", "must’ve"],
  ["neednt", "needn’t"], ["notve", "not’ve"], ["oclock", "o’clock"], ["oughtnt", "oughtn’t"],
  ["ow’s’at", "’ow’s’at"], ["’ows’at", "’ow’s’at"], ["’ow’sat", "’ow’s’at"], ["shant", "shan’t"],
  ["shed’ve", "she’d’ve"], ["she’dve", "she’d’ve"], ["she’s", "she’s"], ["shouldve", "should’ve"],
  ["shouldnt", "shouldn’t"], ["shouldnt’ve", "shouldn’t’ve"], ["shouldn’tve", "shouldn’t’ve"],
  ["somebody’d", "somebodyd"], ["somebodyd’ve", "somebody’d’ve"], ["somebody’dve", "somebody’d’ve"],
  ["somebodyll", "somebody’ll"], ["somebodys", "somebody’s"], ["someoned", "someone’d"],
  ["someoned’ve", "someone’d’ve"], ["someone’dve", "someone’d’ve"], ["someonell", "someone’ll"],
  ["someones", "someone’s"], ["somethingd", "something’d"], ["somethingd’ve", "something’d’ve"],
  ["something’dve", "something’d’ve"], ["somethingll", "something’ll"], ["thats", "that’s"], ["thered", "there’d"],
  ["thered’ve", "there’d’ve"], ["there’dve", "there’d’ve"], ["therere", "there’re"], ["theres", "there’s"],
  ["theyd", "they’d"], ["theyd’ve", "they’d’ve"], ["they’dve", "they’d’ve"], ["theyll", "they’ll"],
  ["theyre", "they’re"], ["theyve", "they’ve"], ["twas", "’twas"], ["wasnt", "wasn’t"], ["wed’ve", "we’d’ve"],
  ["we’dve", "we’d’ve"], ["weve", "we've"], ["werent", "weren’t"], ["whatll", "what’ll"], ["whatre", "what’re"],
  ["whats", "what’s"], ["whatve", "what’ve"], ["whens", "when’s"], ["whered", "where’d"], ["wheres", "where's"],
  ["whereve", "where’ve"], ["whod", "who’d"], ["whod’ve", "who’d’ve"], ["who’dve", "who’d’ve"], ["wholl", "who’ll"],
  ["whos", "who’s"], ["whove", "who've"], ["whyll", "why’ll"], ["whyre", "why’re"], ["whys", "why’s"],
  ["wont", "won’t"], ["wouldve", "would’ve"], ["wouldnt", "wouldn’t"], ["wouldnt’ve", "wouldn’t’ve"],
  ["wouldn’tve", "wouldn’t’ve"], ["yall", "y’all"], ["yall’ll", "y’all’ll"], ["y’allll", "y’all’ll"],
  ["yall’d’ve", "y’all’d’ve"], ["y’alld’ve", "y’all’d’ve"], ["y’all’dve", "y’all’d’ve"], ["youd", "you’d"],
  ["youd’ve", "you’d’ve"], ["you’dve", "you’d’ve"], ["youll", "you’ll"], ["youre", "you’re"], ["youve", "you’ve"],
]);

const CACHE_LIMIT = 200_000;
const cache = new Map<string, string>();

/** What the evaluator does to a prediction: `\n`/`\t` to spaces, strip, punctuation, digits/articles/contractions. */
export function vizwizProcessPrediction(text: string): string {
  const cached = cache.get(text);
  if (cached !== undefined) return cached;
  const processed = processDigitArticleWith(processPunctuation(cleanAnswer(text), 'unicode'), vizwizContractions);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, processed);
  return processed;
}

/**
 * Leave-one-out by position: for each human answer, the *other* answers equal, as written in the
 * annotation file, to the processed prediction, min(1, matches / 3); the mean in answer order.
 */
export function vizwizAccuracy(prediction: string, answers: readonly string[]): number {
  if (answers.length === 0) throw new DataError('VizWiz accuracy needs the human answers; the question has none');
  const candidate = vizwizProcessPrediction(prediction);
  return leaveOneOutAccuracy(answers.map((answer) => (answer === candidate ? 1 : 0)));
}

/** The prediction says the question cannot be answered: its processed text is exactly `unanswerable`. */
export function predictsUnanswerable(prediction: string): boolean {
  return vizwizProcessPrediction(prediction) === 'unanswerable';
}
