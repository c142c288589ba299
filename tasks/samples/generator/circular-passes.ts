// The CircularEval passes of one question as VLMEvalKit's `CIRCULAR` tool (vlmeval/tools.py) builds
// MMBench's TSV: pass i (1 ≤ i < N) gets index + i × 1e6, its options shifted so that option j moves to
// letter (j − i) mod N — column D holds the old A in pass 1 of a four-option question — and the answer
// letter moves with its option.

export interface CircularPassOptions {
  /** 0 for the question as written, i for the i-th rotation. */
  pass: number;
  options: string[];
  /** Position of the right option among `options`. */
  answer: number;
}

export function circularPasses(options: readonly string[], answer: number): CircularPassOptions[] {
  const count = options.length;
  return Array.from({ length: count }, (_, pass) => ({
    pass,
    options: options.map((_, position) => options[(position + pass) % count]!),
    answer: (answer - pass + count) % count,
  }));
}
