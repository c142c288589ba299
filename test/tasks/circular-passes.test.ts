import assert from 'node:assert/strict';
import { test } from 'node:test';
import { circularPasses } from '../../tasks/samples/generator/circular-passes.js';

// Hand-traced through VLMEvalKit's CIRCULAR (vlmeval/tools.py): rotates = [ABCD, DABC, CDAB, BCDA]
// (deque.rotate(1) each time), c_map = zip(ABCD, rotation), data[c_map[s]] = original[s],
// answer = c_map[answer].
test('four options, answer B: the passes VLMEvalKit writes', () => {
  const passes = circularPasses(['cat', 'dog', 'bird', 'fish'], 1);
  assert.deepEqual(passes, [
    // pass 0 as written
    { pass: 0, options: ['cat', 'dog', 'bird', 'fish'], answer: 1 },
    // pass 1: c_map A→D B→A C→B D→C: A=dog B=bird C=fish D=cat, answer B→A
    { pass: 1, options: ['dog', 'bird', 'fish', 'cat'], answer: 0 },
    // pass 2: c_map A→C B→D C→A D→B: A=bird B=fish C=cat D=dog, answer B→D
    { pass: 2, options: ['bird', 'fish', 'cat', 'dog'], answer: 3 },
    // pass 3: c_map A→B B→C C→D D→A: A=fish B=cat C=dog D=bird, answer B→C
    { pass: 3, options: ['fish', 'cat', 'dog', 'bird'], answer: 2 },
  ]);
});

test('two options: the second pass swaps them', () => {
  assert.deepEqual(circularPasses(['yes', 'no'], 0)[1], { pass: 1, options: ['no', 'yes'], answer: 1 });
});
