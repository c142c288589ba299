import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { roundHalfToEven, sampleFrameIndices } from '../../../runners/media/frame-samplers.js';

// Expected values were computed with the reference implementations (numpy 2.4 / Python 3):
// uniform  [int(x) for x in np.round(np.linspace(0, N - 1, n))]                  (lmms-eval)
// interior step = N / (n + 1); [int(i * step) for i in range(1, n + 1)]           (VLMEvalKit)
// midpoint Video-ChatGPT's get_seq_frames(N, n)
// and a sweep over N = 1…399, n ∈ {1,2,3,4,5,7,8,12,16,24,32,64} matched them all (14,364 cases).

describe('frame samplers (docs/protocols.md#video-frame-samplers)', () => {
  it('uniform: round(linspace(0, N − 1, n)), both ends, ties to even', () => {
    assert.deepEqual(sampleFrameIndices('uniform', 300, 16), [0, 20, 40, 60, 80, 100, 120, 140, 159, 179, 199, 219, 239, 259, 279, 299]);
    assert.deepEqual(sampleFrameIndices('uniform', 6, 3), [0, 2, 5], '2.5 rounds to 2, as numpy does');
    assert.deepEqual(sampleFrameIndices('uniform', 2, 2), [0, 1]);
  });

  it('interior: int(i · (N / (n + 1))) for i = 1…n, both ends excluded', () => {
    assert.deepEqual(sampleFrameIndices('interior', 300, 16), [17, 35, 52, 70, 88, 105, 123, 141, 158, 176, 194, 211, 229, 247, 264, 282]);
    assert.deepEqual(sampleFrameIndices('interior', 10, 4), [2, 4, 6, 8]);
    // VLMEvalKit divides first, in floating point: 11 · (30 / 22) = 14.999… → 14 (exact arithmetic would give 15).
    assert.equal(sampleFrameIndices('interior', 30, 21)[10], 14);
  });

  it("midpoint: Video-ChatGPT's middles of n segments of (N − 1) / n", () => {
    assert.deepEqual(sampleFrameIndices('midpoint', 300, 16), [9, 28, 46, 65, 84, 102, 121, 140, 159, 177, 196, 215, 233, 252, 271, 289]);
    assert.deepEqual(sampleFrameIndices('midpoint', 10, 4), [1, 3, 5, 8]);
  });

  it('n > N repeats frames, always returning n indices in order', () => {
    assert.deepEqual(sampleFrameIndices('uniform', 3, 5), [0, 0, 1, 2, 2]);
    assert.deepEqual(sampleFrameIndices('interior', 3, 5), [0, 1, 1, 2, 2]);
    assert.deepEqual(sampleFrameIndices('midpoint', 3, 5), [0, 0, 1, 1, 2]);
    assert.deepEqual(sampleFrameIndices('midpoint', 8, 16), [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 6, 6, 7]);
    for (const sampler of ['uniform', 'interior', 'midpoint'] as const) {
      const indices = sampleFrameIndices(sampler, 8, 16);
      assert.equal(indices.length, 16);
      assert.ok(indices.every((index, position) => index >= 0 && index < 8 && (position === 0 || index >= indices[position - 1]!)));
    }
  });

  it('N = 1 gives frame 0 every time; n = 1 gives the first, middle or centre frame', () => {
    for (const sampler of ['uniform', 'interior', 'midpoint'] as const) assert.deepEqual(sampleFrameIndices(sampler, 1, 4), [0, 0, 0, 0]);
    assert.deepEqual(sampleFrameIndices('uniform', 10, 1), [0]);
    assert.deepEqual(sampleFrameIndices('interior', 10, 1), [5]);
    assert.deepEqual(sampleFrameIndices('midpoint', 10, 1), [4]);
  });

  it('rejects empty videos and non-positive frame counts', () => {
    assert.throws(() => sampleFrameIndices('uniform', 0, 4), RangeError);
    assert.throws(() => sampleFrameIndices('uniform', 10, 0), RangeError);
    assert.throws(() => sampleFrameIndices('midpoint', 10, 2.5), RangeError);
  });

  it('rounds half to even like numpy', () => {
    assert.deepEqual([0.5, 1.5, 2.5, 3.5, 2.4999, 2.5001].map(roundHalfToEven), [0, 2, 2, 4, 2, 3]);
  });
});
