// Small numeric kernels over one row of logits. Ties resolve to the lowest token id everywhere, so
// greedy and beam search agree and runs are reproducible.

export function argmax(values: Float32Array, offset: number, length: number): number {
  let best = 0;
  let bestValue = values[offset];
  for (let index = 1; index < length; index++) {
    if (values[offset + index] > bestValue) {
      bestValue = values[offset + index];
      best = index;
    }
  }
  return best;
}

/** log-softmax of one row, in float64 for the normalizer so long beams don't drift. */
export function logSoftmax(values: Float32Array, offset: number, length: number): Float64Array {
  let maximum = -Infinity;
  for (let index = 0; index < length; index++) maximum = Math.max(maximum, values[offset + index]);
  let sum = 0;
  for (let index = 0; index < length; index++) sum += Math.exp(values[offset + index] - maximum);
  const normalizer = maximum + Math.log(sum);
  const result = new Float64Array(length);
  for (let index = 0; index < length; index++) result[index] = values[offset + index] - normalizer;
  return result;
}

/** Indices of the `count` largest values, largest first. */
export function topIndices(values: Float64Array, count: number): number[] {
  const chosen: number[] = [];
  for (let index = 0; index < values.length; index++) {
    if (chosen.length === count && values[index] <= values[chosen[count - 1]]) continue;
    let position = chosen.length < count ? chosen.length : count - 1;
    while (position > 0 && values[chosen[position - 1]] < values[index]) position--;
    chosen.splice(position, 0, index);
    if (chosen.length > count) chosen.pop();
  }
  return chosen;
}
