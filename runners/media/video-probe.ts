// What a probe of a video says: the frame count, timestamps and keyframes from ffprobe's packet index
// (ffprobe.ts) or, for plain MP4/MOV, from the sample table read in-process (mp4-index.ts).

export interface VideoProbe {
  codec: string;
  width: number;
  height: number;
  /** N, the frames a decoder outputs: video packets minus those the container marks as discarded. */
  frameCount: number;
  /** The stream's time base: one tick is numerator / denominator seconds. */
  timeBase: { numerator: number; denominator: number };
  /**
   * Presentation timestamps in ticks, ascending: frame i of the sampler is the frame shown at
   * `frameTicks[i]`. Undefined when the container has no usable timestamps (seeking is then off).
   */
  frameTicks?: number[];
  /** Positions in `frameTicks` where decoding can start (keyframes), ascending. */
  keyframes: number[];
  /** Plain MP4/MOV read in-process (mp4-index.ts): where each frame's packet lies, for the packets path. */
  mp4Samples?: Mp4SampleTable;
}

/** Where each compressed frame lies in the file, for reading packets without a demuxer process. */
export interface Mp4SampleTable {
  /** Byte offset and size of each sample, in decode order. */
  offsets: Float64Array;
  sizes: Uint32Array;
  /** Presentation position (index into the probe's frameTicks) of each sample, in decode order. */
  positions: Uint32Array;
  /** Sync samples (decode order) as the `stss` box marks them; every sample when it is absent. */
  sync: Uint8Array;
  /** The sample entry's four-character code (`avc1`, `avc3`, `hvc1`, ...) and its decoder configuration box. */
  sampleEntry: string;
  /** The payload of `avcC` (H.264) when the sample entry has one. */
  avcC?: Buffer;
}
