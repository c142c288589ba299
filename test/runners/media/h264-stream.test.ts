import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { extractFrames, extractFramesLinearly } from '../../../runners/media/extract-frames.js';
import { frameIndexShownBy, temporaryFolder, writeCounterVideo } from './counter-videos.js';
import { sampleFrameIndices } from '../../../runners/media/frame-samplers.js';
import { annexBParameterSets, isH264Track, lengthPrefixedToAnnexB, planH264Stretches, sampleKind } from '../../../runners/media/h264-stream.js';
import { runMediaTool } from '../../../core/media-tools.js';
import { readMp4Index } from '../../../runners/media/mp4-index.js';
import { probeVideo } from '../../../runners/media/probe-video.js';

// The packet-feeding path decodes only IDR→target stretches and leaves out non-reference frames.
// Every GOP shape x264 makes must still give back exactly the frames asked for, pixel for pixel the
// frames a full decode gives; shapes it can't handle (open GOPs) must fall back, not go wrong.

const FRAME_COUNT = 300;
const variants = [
  { name: 'x264 defaults (B-pyramid normal)', x264Params: '', packets: true },
  { name: 'B-pyramid strict', x264Params: 'b-pyramid=strict', packets: true },
  { name: 'no B-frames', x264Params: 'bframes=0', packets: true },
  { name: 'no B-pyramid, 8 B-frames in a row', x264Params: 'b-pyramid=none:bframes=8:b-adapt=0', packets: true },
  { name: 'several reference frames', x264Params: 'ref=6', packets: true },
  { name: 'open GOP (keyframes that are not IDR frames)', x264Params: 'open-gop=1', packets: false },
];

const targetSets: Record<string, number[]> = {
  'uniform 16': [...new Set(sampleFrameIndices('uniform', FRAME_COUNT, 16))],
  'interior 8': [...new Set(sampleFrameIndices('interior', FRAME_COUNT, 8))],
  'neighbours and ends': [0, 1, 2, 3, 149, 150, 151, 298, 299],
  'one frame': [157],
};

describe('H.264 packet feeding', () => {
  const folder = temporaryFolder('emu-eval-h264-');
  let outputs = 0;
  const outputFolder = () => {
    const created = path.join(folder, `out-${outputs++}`);
    mkdirSync(created);
    return created;
  };
  const fileOf = (index: number) => path.join(folder, `variant-${index}.mp4`);

  before(async () => {
    await Promise.all(variants.map((variant, index) => writeCounterVideo(fileOf(index), { frames: FRAME_COUNT, codec: 'h264', keyframeInterval: 40, x264Params: variant.x264Params })));
  });

  variants.forEach((variant, index) => {
    it(`${variant.name}: every target set comes back exact${variant.packets ? '' : ' (through the fallback)'}`, async () => {
      const file = fileOf(index);
      const probe = await probeVideo(file);
      for (const [setName, positions] of Object.entries(targetSets)) {
        const result = await extractFrames({ file, positions, size: 64, outputFolder: outputFolder() }, probe);
        assert.equal(result.method === 'packets', variant.packets, `${setName}: method ${result.method}`);
        assert.deepEqual(await Promise.all(result.files.map(frameIndexShownBy)), positions, setName);
      }
    });
  });

  it('gives the very bytes a full decode gives, while decoding a fraction of the frames', async () => {
    const file = fileOf(0);
    const positions = targetSets['uniform 16']!;
    const fed = await extractFrames({ file, positions, size: 96, outputFolder: outputFolder() }, await probeVideo(file));
    const full = await extractFramesLinearly({ file, positions, size: 96, outputFolder: outputFolder() });
    assert.equal(fed.method, 'packets');
    fed.files.forEach((frame, at) => assert.ok(readFileSync(frame).equals(readFileSync(full.files[at]!)), `frame ${positions[at]} differs from the full decode`));
    // 16 targets over 300 frames with IDRs every 40: at most a GOP's references per target, and no
    // non-reference B-frames besides the targets.
    assert.ok(fed.framesDecoded! < FRAME_COUNT / 2, `decoded ${fed.framesDecoded} frames`);
  });

  it('reads the right bytes when audio chunks are interleaved with the video', async () => {
    const withAudio = path.join(folder, 'with-audio.mp4');
    await runMediaTool('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-i', fileOf(0), '-f', 'lavfi', '-i', 'sine=frequency=440:duration=12', '-map', '0:v', '-map', '1:a', '-c:v', 'copy', '-c:a', 'aac', '-b:a', '32k', withAudio]);
    const samples = (await readMp4Index(withAudio))?.mp4Samples;
    assert.ok(samples, 'the video track of a file with audio has a sample table');
    // Interleaved: some video sample must start right after another track's data, not after the previous video sample.
    const gaps = Array.from({ length: samples.offsets.length - 1 }, (_, index) => samples.offsets[index + 1]! - (samples.offsets[index]! + samples.sizes[index]!));
    assert.ok(gaps.some((gap) => gap > 0), 'audio data lies between video samples');
    const positions = targetSets['uniform 16']!;
    const result = await extractFrames({ file: withAudio, positions, size: 64, outputFolder: outputFolder() }, await probeVideo(withAudio));
    assert.equal(result.method, 'packets');
    assert.deepEqual(await Promise.all(result.files.map(frameIndexShownBy)), positions);
  });

  it('a file cut short falls back to ffmpeg\'s demuxer, which reports the damage', async () => {
    const cut = path.join(folder, 'cut.mp4');
    // x264 output through ffmpeg puts moov at the end; moving it first keeps the index while the frames are cut.
    const faststart = path.join(folder, 'faststart.mp4');
    await runMediaTool('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-i', fileOf(0), '-c', 'copy', '-movflags', '+faststart', faststart]);
    const bytes = readFileSync(faststart);
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const index = await readMp4Index(cut);
    assert.ok(index && !index.mp4Samples, 'samples past the end of the file: no sample table offered');
    const probe = await probeVideo(cut);
    const result = await extractFrames({ file: cut, positions: [10, 250], size: 64, outputFolder: outputFolder() }, probe).catch((error: Error) => error);
    if (result instanceof Error) assert.match(result.message, /ffmpeg|frames/);
    else assert.notEqual(result.method, 'packets');
  });

  it('plans stretches from IDR frames, keeps reference frames and targets only, and maps targets to output order', async () => {
    const file = fileOf(0);
    const samples = (await readMp4Index(file))?.mp4Samples;
    assert.ok(samples && isH264Track(samples));
    const handle = await open(file, 'r');
    try {
      const plan = await planH264Stretches(handle, samples, [45, 50]);
      assert.ok(plan);
      assert.equal(plan.stretches.length, 1, 'two targets after one IDR share a stretch');
      const stretch = plan.stretches[0]!;
      assert.equal(samples.positions[stretch[0]!], 40, 'decoding starts at the IDR at frame 40');
      assert.ok(samples.sync[stretch[0]!]);
      // Output order is presentation order within the stretch: targets land after every kept frame shown before them.
      const shown = stretch.map((sample) => samples.positions[sample]!).sort((a, b) => a - b);
      assert.deepEqual(plan.outputIndices, [shown.indexOf(45), shown.indexOf(50)]);
      // Samples are sent in decode order; the ones skipped between the first and last are the non-reference frames.
      assert.deepEqual([...stretch].sort((a, b) => a - b), stretch, 'decode order');
      const skipped = stretch.at(-1)! - stretch[0]! + 1 - stretch.length;
      assert.ok(skipped > 0, 'non-reference frames are left out');
      assert.equal(plan.framesDecoded, stretch.length);
      const far = await planH264Stretches(handle, samples, [5, 250]);
      assert.equal(far?.stretches.length, 2, 'a target behind a later IDR starts a new stretch');
    } finally {
      await handle.close();
    }
  });
});

describe('H.264 bitstream rewriting', () => {
  // avcC: version 1, profile/compat/level, lengthSizeMinusOne = 3, one SPS, one PPS.
  const sps = Buffer.from([0x67, 0x42, 0x00, 0x1e]);
  const pps = Buffer.from([0x68, 0xce, 0x3c, 0x80]);
  const avcC = Buffer.concat([Buffer.from([1, 0x42, 0, 0x1e, 0xff, 0xe1, 0, sps.length]), sps, Buffer.from([1, 0, pps.length]), pps]);

  it('puts the parameter sets behind start codes', () => {
    assert.deepEqual(annexBParameterSets(avcC), Buffer.concat([Buffer.from([0, 0, 0, 1]), sps, Buffer.from([0, 0, 0, 1]), pps]));
  });

  it('rewrites length prefixes as start codes and refuses lengths that overrun the sample', () => {
    const idr = Buffer.from([0x65, 0x88, 0x84]);
    const sample = Buffer.concat([Buffer.from([0, 0, 0, 3]), idr, Buffer.from([0, 0, 0, 1, 0x06])]);
    assert.deepEqual(lengthPrefixedToAnnexB(sample, 4), Buffer.concat([Buffer.from([0, 0, 0, 1]), idr, Buffer.from([0, 0, 0, 1, 0x06])]));
    assert.equal(lengthPrefixedToAnnexB(Buffer.from([0, 0, 0, 9, 0x65]), 4), undefined);
    assert.equal(lengthPrefixedToAnnexB(Buffer.from([0, 0]), 4), undefined);
  });

  it('tells reference, non-reference and IDR slices from the NAL header', () => {
    const unit = (header: number) => Buffer.from([0, 2, header, 0x80]);
    assert.deepEqual(sampleKind(unit(0x65), 2), { reference: true, idr: true });
    assert.deepEqual(sampleKind(unit(0x41), 2), { reference: true, idr: false });
    assert.deepEqual(sampleKind(unit(0x01), 2), { reference: false, idr: false }, 'nal_ref_idc 0: a disposable B-frame');
    assert.deepEqual(sampleKind(Buffer.concat([unit(0x06), unit(0x01)]), 2), { reference: false, idr: false }, 'SEI does not count as a slice');
    assert.equal(sampleKind(unit(0x06), 2), undefined, 'no slice at all');
  });
});
