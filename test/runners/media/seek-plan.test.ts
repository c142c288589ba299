import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { VideoProbe } from '../../../runners/media/ffprobe.js';
import { framesDecoded, planSeekSegments } from '../../../runners/media/seek-plan.js';

function probeWith(frameCount: number, keyframeInterval: number): VideoProbe {
  return {
    codec: 'h264',
    width: 640,
    height: 360,
    frameCount,
    timeBase: { numerator: 1, denominator: 30 },
    frameTicks: Array.from({ length: frameCount }, (_, index) => index),
    keyframes: Array.from({ length: Math.ceil(frameCount / keyframeInterval) }, (_, index) => index * keyframeInterval),
  };
}

describe('seek planning', () => {
  it('seeks to the keyframe before each target when targets are far apart', () => {
    const segments = planSeekSegments(probeWith(900, 30), [0, 200, 450, 899])!;
    assert.deepEqual(segments, [
      { keyframe: 0, targets: [0] },
      { keyframe: 180, targets: [200] },
      { keyframe: 450, targets: [450] },
      { keyframe: 870, targets: [899] },
    ]);
    assert.equal(framesDecoded(segments), 1 + 21 + 1 + 30);
  });

  it('keeps decoding instead of seeking when the next keyframe is only a few frames on', () => {
    const segments = planSeekSegments(probeWith(900, 30), [25, 33, 600])!;
    assert.deepEqual(segments, [
      { keyframe: 0, targets: [25, 33] },
      { keyframe: 600, targets: [600] },
    ]);
  });

  it('declines (linear decoding is as cheap) with long keyframe intervals or no timestamps', () => {
    assert.equal(planSeekSegments(probeWith(900, 250), [0, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 660, 720, 780, 840, 899]), undefined);
    assert.equal(planSeekSegments({ ...probeWith(900, 30), frameTicks: undefined }, [0, 450]), undefined);
    assert.equal(planSeekSegments({ ...probeWith(900, 30), keyframes: [] }, [0, 450]), undefined);
  });
});
