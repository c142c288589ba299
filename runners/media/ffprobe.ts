import { z } from 'zod';
import type { VideoProbe } from './video-probe.js';
import { runMediaTool, VideoDecodeError } from '../../core/media-tools.js';

export type { VideoProbe } from './video-probe.js';

// One ffprobe call per video reads the container's packet index — no decoding — which gives the
// exact frame count (the sampler's N), every frame's presentation timestamp and the keyframes a
// decoder can start from. That is what lets extraction seek straight to the frames it needs.

const packetSchema = z.looseObject({
  pts: z.number().int().optional(),
  dts: z.number().int().optional(),
  flags: z.string().optional(),
});

const probeOutputSchema = z.looseObject({
  packets: z.array(packetSchema).optional(),
  streams: z
    .array(
      z.looseObject({
        codec_name: z.string().optional(),
        width: z.number().int().optional(),
        height: z.number().int().optional(),
        time_base: z.string().optional(),
      }),
    )
    .optional(),
});

/** Generous: reading the packet index of a multi-gigabyte file from a slow disk still fits. */
const PROBE_TIMEOUT_MS = 120_000;

export async function probeWithFfprobe(file: string, signal?: AbortSignal): Promise<VideoProbe> {
  const { stdout } = await runMediaTool(
    'ffprobe',
    [
      '-v', 'error',
      '-select_streams', 'v:0',
      '-show_entries', 'stream=codec_name,width,height,time_base:packet=pts,dts,flags',
      '-of', 'json=compact=1',
      fileArgument(file),
    ],
    { signal, timeoutMs: PROBE_TIMEOUT_MS },
  );
  let parsed: unknown;
  try {
    parsed = JSON.parse(stdout.toString('utf8'));
  } catch {
    throw new VideoDecodeError('ffprobe printed something that is not JSON');
  }
  const output = probeOutputSchema.safeParse(parsed);
  if (!output.success) throw new VideoDecodeError(`unexpected ffprobe output: ${output.error.issues[0]?.message ?? 'schema mismatch'}`);
  return describeProbe(output.data.streams?.[0], output.data.packets ?? []);
}

/** Forces ffmpeg's file protocol, so a data file named `concat:...` or `http:...` is read as a plain file. */
export function fileArgument(file: string): string {
  return `file:${file}`;
}

type Packet = z.infer<typeof packetSchema>;

type ProbeStream = NonNullable<z.infer<typeof probeOutputSchema>['streams']>[number];

export function describeProbe(stream: ProbeStream | undefined, packets: Packet[]): VideoProbe {
  if (!stream) throw new VideoDecodeError('no video stream found');
  const timeBase = parseRational(stream.time_base);
  // 'D' marks packets an edit list cuts away: the decoder never outputs them, so they are not frames.
  const frames = packets.filter((packet) => !packet.flags?.includes('D'));
  if (frames.length === 0) throw new VideoDecodeError('the video stream has no frames');
  const base = { codec: stream.codec_name ?? 'unknown', width: stream.width ?? 0, height: stream.height ?? 0, frameCount: frames.length, timeBase: timeBase ?? { numerator: 0, denominator: 1 } };

  const timed = frames.map((packet, order) => ({ ticks: packet.pts ?? packet.dts, key: packet.flags?.includes('K') ?? false, order }));
  const usable = timeBase !== undefined && timed.every((frame) => frame.ticks !== undefined);
  if (!usable) return { ...base, keyframes: [] };
  timed.sort((a, b) => a.ticks! - b.ticks! || a.order - b.order);
  const frameTicks = timed.map((frame) => frame.ticks!);
  // Two frames shown at one instant can't be told apart by timestamp: leave them to full decoding.
  for (let index = 1; index < frameTicks.length; index++) if (frameTicks[index] === frameTicks[index - 1]) return { ...base, keyframes: [] };
  const keyframes = timed.flatMap((frame, position) => (frame.key ? [position] : []));
  return { ...base, frameTicks, keyframes };
}

function parseRational(text: string | undefined): VideoProbe['timeBase'] | undefined {
  const match = text ? /^(\d+)\/(\d+)$/.exec(text) : null;
  if (!match) return undefined;
  const [numerator, denominator] = [Number(match[1]), Number(match[2])];
  return numerator > 0 && denominator > 0 ? { numerator, denominator } : undefined;
}

export function ticksToSeconds(ticks: number, timeBase: VideoProbe['timeBase']): number {
  return (ticks * timeBase.numerator) / timeBase.denominator;
}
