import type { FileHandle } from 'node:fs/promises';
import type { Mp4SampleTable } from './mp4-index.js';

// Seeking without reopening the file: the MP4's sample table says where every compressed frame
// lies, so the frames a target needs are read here and handed to one ffmpeg decoder as a raw H.264
// stream. Each stretch starts at an IDR frame (the decoder resets there, so stretches never mix),
// and inside a stretch only reference frames — the ones later frames are predicted from — plus the
// targets themselves are sent: a non-reference frame (nal_ref_idc 0) feeds nothing else, so leaving
// it out changes no decoded pixel. The decoder outputs each stretch's frames in presentation order,
// which tells the position of every target in the output.

export interface H264Plan {
  /** Decode-order sample indices sent to the decoder, stretch by stretch. */
  stretches: number[][];
  /** For each target (in the order given), its index among the decoder's output frames. */
  outputIndices: number[];
  /** Frames the decoder decodes (the figure this saves against decoding every frame). */
  framesDecoded: number;
}

/** The sample entries whose packets are length-prefixed H.264 NAL units this module can rewrite. */
export function isH264Track(samples: Mp4SampleTable): boolean {
  return (samples.sampleEntry === 'avc1' || samples.sampleEntry === 'avc3') && samples.avcC !== undefined && samples.avcC.length >= 7 && samples.avcC[0] === 1;
}

interface SampleKind {
  reference: boolean;
  idr: boolean;
}

/**
 * Which samples to decode for the given distinct ascending presentation positions, or undefined
 * when a stretch would have to start at a keyframe that is not an IDR frame (open GOPs: frames
 * after it may be predicted from frames before it) or a packet can't be parsed.
 */
export async function planH264Stretches(handle: FileHandle, samples: Mp4SampleTable, positions: readonly number[]): Promise<H264Plan | undefined> {
  const count = samples.positions.length;
  const sampleAt = new Uint32Array(count);
  samples.positions.forEach((position, sample) => (sampleAt[position] = sample));
  const lengthSize = (samples.avcC![4]! & 3) + 1;

  // Stretches as decode-order ranges [start, end]: a target whose keyframe lies inside (or before
  // the end of) the current range extends it; any other opens a new range at its keyframe.
  const ranges: Array<{ start: number; end: number; targets: number[] }> = [];
  for (const position of positions) {
    const sample = sampleAt[position]!;
    let keyframe = sample;
    while (keyframe >= 0 && samples.sync[keyframe] !== 1) keyframe--;
    if (keyframe < 0) return undefined;
    const current = ranges.at(-1);
    if (current && keyframe <= current.end) {
      current.end = Math.max(current.end, sample);
      current.targets.push(sample);
    } else if (current && keyframe < current.start) return undefined;
    else ranges.push({ start: keyframe, end: sample, targets: [sample] });
  }

  const stretches: number[][] = [];
  const outputOf = new Map<number, number>();
  let output = 0;
  let framesDecoded = 0;
  for (const range of ranges) {
    const kinds = await readKinds(handle, samples, range.start, range.end, lengthSize);
    if (!kinds || !kinds[0]!.idr) return undefined;
    const targets = new Set(range.targets);
    const stretch: number[] = [];
    for (let sample = range.start; sample <= range.end; sample++) {
      if (sample === range.start || kinds[sample - range.start]!.reference || targets.has(sample)) stretch.push(sample);
    }
    // The decoder emits a stretch in presentation order once the next IDR (or the end) arrives.
    const byPosition = [...stretch].sort((a, b) => samples.positions[a]! - samples.positions[b]!);
    byPosition.forEach((sample, rank) => outputOf.set(sample, output + rank));
    output += stretch.length;
    framesDecoded += stretch.length;
    stretches.push(stretch);
  }
  return { stretches, outputIndices: positions.map((position) => outputOf.get(sampleAt[position]!)!), framesDecoded };
}

/** The Annex B byte stream of a plan: parameter sets before every stretch, then its samples. */
export async function* h264AnnexB(handle: FileHandle, samples: Mp4SampleTable, plan: H264Plan): AsyncGenerator<Buffer> {
  const parameterSets = annexBParameterSets(samples.avcC!);
  const lengthSize = (samples.avcC![4]! & 3) + 1;
  for (const stretch of plan.stretches) {
    yield parameterSets;
    for await (const group of readSampleGroups(handle, samples, stretch)) {
      const converted = group.map(([sample, bytes]) => {
        const annexB = lengthPrefixedToAnnexB(bytes, lengthSize);
        if (!annexB) throw new Error(`sample ${sample} is not a sequence of length-prefixed NAL units`);
        return annexB;
      });
      yield Buffer.concat(converted);
    }
  }
}

const START_CODE = Buffer.from([0, 0, 0, 1]);

/** SPS and PPS from an `avcC` box payload (ISO/IEC 14496-15 §5.3.3.1), each behind a start code. */
export function annexBParameterSets(avcC: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 5;
  for (const countMask of [0x1f, 0xff]) {
    const sets = avcC[offset]! & countMask;
    offset++;
    for (let index = 0; index < sets; index++) {
      const length = avcC.readUInt16BE(offset);
      parts.push(START_CODE, avcC.subarray(offset + 2, offset + 2 + length));
      offset += 2 + length;
    }
  }
  return Buffer.concat(parts);
}

/** Rewrites one sample's length-prefixed NAL units with start codes; undefined when the lengths don't add up. */
export function lengthPrefixedToAnnexB(sample: Buffer, lengthSize: number): Buffer | undefined {
  const parts: Buffer[] = [];
  for (const unit of nalUnits(sample, lengthSize)) {
    if (!unit) return undefined;
    parts.push(START_CODE, unit);
  }
  return Buffer.concat(parts);
}

function* nalUnits(sample: Buffer, lengthSize: number): Generator<Buffer | undefined> {
  let offset = 0;
  while (offset < sample.length) {
    if (offset + lengthSize > sample.length) return yield undefined;
    const length = sample.readUIntBE(offset, lengthSize);
    offset += lengthSize;
    if (length === 0 || offset + length > sample.length) return yield undefined;
    yield sample.subarray(offset, offset + length);
    offset += length;
  }
}

/** Reference and IDR flags of one sample from its slice NAL headers; undefined when it has no slice. */
export function sampleKind(sample: Buffer, lengthSize: number): SampleKind | undefined {
  let slices = 0;
  let reference = false;
  let idr = false;
  for (const unit of nalUnits(sample, lengthSize)) {
    if (!unit) return undefined;
    const type = unit[0]! & 0x1f;
    if (type < 1 || type > 5) continue;
    slices++;
    if ((unit[0]! >> 5) & 3) reference = true;
    if (type === 5) idr = true;
  }
  return slices > 0 ? { reference, idr } : undefined;
}

async function readKinds(handle: FileHandle, samples: Mp4SampleTable, start: number, end: number, lengthSize: number): Promise<SampleKind[] | undefined> {
  const indices = Array.from({ length: end - start + 1 }, (_, offset) => start + offset);
  const kinds: SampleKind[] = [];
  for await (const group of readSampleGroups(handle, samples, indices)) {
    for (const [, bytes] of group) {
      const kind = sampleKind(bytes, lengthSize);
      if (!kind) return undefined;
      kinds.push(kind);
    }
  }
  return kinds;
}

/** Reads samples with as few reads as their layout allows: one per run of nearby samples, at most 16 MiB each. */
async function* readSampleGroups(handle: FileHandle, samples: Mp4SampleTable, indices: readonly number[]): AsyncGenerator<Array<[number, Buffer]>> {
  let group: number[] = [];
  const read = async (): Promise<Array<[number, Buffer]>> => {
    const first = samples.offsets[group[0]!]!;
    const last = group.reduce((end, sample) => Math.max(end, samples.offsets[sample]! + samples.sizes[sample]!), 0);
    const buffer = Buffer.alloc(last - first);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, first);
    if (bytesRead < buffer.length) throw new Error(`the file ends before sample ${group.at(-1)} (truncated?)`);
    return group.map((sample): [number, Buffer] => [sample, buffer.subarray(samples.offsets[sample]! - first, samples.offsets[sample]! - first + samples.sizes[sample]!)]);
  };
  for (const sample of indices) {
    const start = samples.offsets[sample]!;
    if (group.length > 0) {
      const first = samples.offsets[group[0]!]!;
      const previousEnd = samples.offsets[group.at(-1)!]! + samples.sizes[group.at(-1)!]!;
      // Samples laid out in order, at most 1 MiB of other data (audio) apart.
      if (start < previousEnd || start - previousEnd > 1 << 20 || start + samples.sizes[sample]! - first > 16 << 20) {
        yield await read();
        group = [];
      }
    }
    group.push(sample);
  }
  if (group.length > 0) yield await read();
}
