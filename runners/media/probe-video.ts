import { probeWithFfprobe, type VideoProbe } from './ffprobe.js';
import { readMp4Index } from './mp4-index.js';

/**
 * The frame index of a video: read straight from an MP4/MOV `moov` box when the file is a plain one
 * (milliseconds, no process), else from ffprobe (any container ffmpeg reads). Both give the same
 * frame count, timestamps and keyframes; the tests hold them to that.
 */
export async function probeVideo(file: string, signal?: AbortSignal): Promise<VideoProbe> {
  return (await readMp4Index(file)) ?? probeWithFfprobe(file, signal);
}
