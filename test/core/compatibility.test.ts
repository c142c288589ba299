import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { differingFields, incompatibilityReasons, sameRecorded, withoutRules, type CompatibilityRules } from '../../core/compatibility.js';

interface Setting {
  split: string;
  shots: number;
}

const rules: CompatibilityRules<Setting> = {
  split: (a, b) => (a.split !== b.split ? `split ${a.split} vs ${b.split}` : undefined),
  shots: (a, b) => (a.shots !== b.shots ? `${a.shots} vs ${b.shots} shots` : undefined),
};

describe('compatibility rules', () => {
  it('give one reason per failing rule, in the rules\' order, and none when all match', () => {
    assert.deepEqual(incompatibilityReasons(rules, { split: 'val', shots: 0 }, { split: 'test', shots: 4 }), ['split val vs test', '0 vs 4 shots']);
    assert.deepEqual(incompatibilityReasons(rules, { split: 'val', shots: 4 }, { split: 'test', shots: 4 }), ['split val vs test']);
    assert.deepEqual(incompatibilityReasons(rules, { split: 'val', shots: 4 }, { split: 'val', shots: 4 }), []);
  });

  it('a use may drop rules by name', () => {
    assert.deepEqual(incompatibilityReasons(withoutRules(rules, 'split'), { split: 'val', shots: 0 }, { split: 'test', shots: 4 }), ['0 vs 4 shots']);
  });

  it('compare recorded values whatever their key order, and list differing fields in record order', () => {
    assert.ok(sameRecorded({ frames: 8, sampler: 'uniform' }, { sampler: 'uniform', frames: 8 }));
    assert.ok(!sameRecorded([0, 1], [1, 0]));
    assert.ok(sameRecorded(undefined, undefined));
    assert.deepEqual(differingFields({ model: 'a', normalize: 'official', shots: [0] }, { shots: [4], model: 'a', normalize: 'always', limit: 5 }), ['normalize', 'shots', 'limit']);
  });
});
