import type { SeededRandom } from './seeded-random.js';

// Ten annotators per question, as in VQA: sometimes all ten write the same thing, more often they
// disagree in surface form ("Two", "2.", "a circle") or now and then in substance. The mix exercises
// every branch of the official scorer (exact comparison when unanimous, normalization otherwise).

export type AnswerKind = 'yes/no' | 'number' | 'color' | 'shape' | 'text' | 'word';
export type Confidence = 'yes' | 'maybe' | 'no';

export interface HumanAnswers {
  answers: string[];
  confidences: Confidence[];
  /** The most frequent answer, as VQA's `multiple_choice_answer`. */
  mostCommon: string;
}

const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten'];

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Answers a scorer should treat as the canonical one after VQA normalization. */
function equivalentForms(canonical: string, kind: AnswerKind): string[] {
  switch (kind) {
    case 'number': {
      const word = NUMBER_WORDS[Number(canonical)];
      return word ? [word, capitalize(word), `${canonical}.`] : [`${canonical}.`];
    }
    case 'yes/no':
      return [capitalize(canonical), `${canonical}.`, `${canonical}!`];
    case 'color':
      return [capitalize(canonical), `${canonical}.`, `${canonical}!`];
    case 'shape':
      return [`a ${canonical}`, `the ${canonical}`, capitalize(canonical), `${canonical}.`];
    case 'text':
      return [canonical.toUpperCase(), capitalize(canonical), `"${canonical}"`, `${canonical}.`];
    case 'word':
      return [capitalize(canonical), /^[aeiou]/.test(canonical) ? `an ${canonical}` : `a ${canonical}`, `${canonical}.`];
  }
}

/** Plausible answers that differ in substance. */
function differentAnswers(canonical: string, kind: AnswerKind, alternatives: readonly string[]): string[] {
  if (alternatives.length > 0) return [...alternatives];
  switch (kind) {
    case 'number': {
      const value = Number(canonical);
      return [String(value + 1), value > 0 ? String(value - 1) : 'many'];
    }
    case 'yes/no':
      return [canonical === 'yes' ? 'no' : 'yes'];
    case 'color':
      return [`light ${canonical}`, `dark ${canonical}`, 'not sure'];
    case 'shape':
      return [`${canonical}s`, 'shape'];
    case 'text':
      return [canonical.slice(0, Math.max(1, canonical.length - 1)), `${canonical} sign`];
    case 'word':
      return ['unknown'];
  }
}

export interface HumanAnswerOptions {
  /** Probability that all ten annotators write exactly the canonical answer. */
  unanimousChance?: number;
  /** Substantively different answers to draw disagreement from (defaults by kind). */
  alternatives?: readonly string[];
}

export function humanAnswers(random: SeededRandom, canonical: string, kind: AnswerKind, options: HumanAnswerOptions = {}): HumanAnswers {
  let answers: string[];
  if (random.chance(options.unanimousChance ?? 0.35)) {
    answers = Array.from({ length: 10 }, () => canonical);
  } else {
    // At most three substantive dissenters, so the canonical answer stays the majority reading.
    const different = random.integer(0, 3);
    const exact = random.integer(4, 10 - different);
    const forms = equivalentForms(canonical, kind);
    const others = differentAnswers(canonical, kind, options.alternatives ?? []);
    answers = [
      ...Array.from({ length: exact }, () => canonical),
      ...Array.from({ length: 10 - exact - different }, () => random.pick(forms)),
      ...Array.from({ length: different }, () => random.pick(others)),
    ];
    answers = random.shuffle(keepCanonicalMostFrequent(answers, canonical));
  }
  const confidences = answers.map((answer): Confidence => {
    const roll = random.next();
    if (answer !== canonical) return roll < 0.5 ? 'maybe' : roll < 0.8 ? 'yes' : 'no';
    return roll < 0.85 ? 'yes' : roll < 0.97 ? 'maybe' : 'no';
  });
  return { answers, confidences, mostCommon: mostFrequent(answers, canonical) };
}

/**
 * Tools that score "the most frequent human answer" as gold (the contract test, sanity runs) must
 * land on the canonical string, so no other string may be as frequent: turn the excess into it.
 */
function keepCanonicalMostFrequent(answers: string[], canonical: string): string[] {
  const result = [...answers];
  const count = (answer: string): number => result.filter((candidate) => candidate === answer).length;
  for (let index = 0; index < result.length; index++) {
    if (result[index] !== canonical && count(result[index]) >= count(canonical)) result[index] = canonical;
  }
  return result;
}

function mostFrequent(answers: string[], preferred: string): string {
  const counts = new Map<string, number>();
  for (const answer of answers) counts.set(answer, (counts.get(answer) ?? 0) + 1);
  let best = preferred;
  for (const [answer, count] of counts) if (count > (counts.get(best) ?? 0)) best = answer;
  return best;
}
