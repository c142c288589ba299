import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fillSeededUniform, seededRandom, seedFromText } from '../../core/random.js';

// Bootstrap intervals in metrics.json, few-shot draws, tiny-emu's weights and the committed bundled
// samples all come from this generator: its first outputs for a seed are part of the contract.
describe('seeded random generator', () => {
  it('gives mulberry32\'s first outputs for a seed, exactly', () => {
    const random = seededRandom(42);
    assert.deepEqual(Array.from({ length: 4 }, random), [0.6011037519201636, 0.44829055899754167, 0.8524657934904099, 0.6697340414393693]);
    const zero = seededRandom(0);
    assert.deepEqual([zero(), zero()], [0.26642920868471265, 0.0003297457005828619]);
  });

  it('reads the seed as an unsigned 32-bit integer', () => {
    const negative = seededRandom(-1);
    const unsigned = seededRandom(0xffffffff);
    assert.deepEqual(Array.from({ length: 8 }, negative), Array.from({ length: 8 }, unsigned));
  });

  it('turns names into seeds with 32-bit FNV-1a', () => {
    assert.equal(seedFromText(''), 0x811c9dc5);
    assert.equal(seedFromText('vqav2'), 1012484239);
    assert.notEqual(seedFromText('vqav2:val'), seedFromText('vqav2:train'));
  });

  it('fillSeededUniform draws the generator\'s own numbers, scaled to [low, high)', () => {
    const values = new Float32Array(1000);
    fillSeededUniform(values, 7, -2, 3);
    const random = seededRandom(7);
    values.forEach((value) => assert.equal(value, Math.fround(-2 + random() * 5)));
  });
});
