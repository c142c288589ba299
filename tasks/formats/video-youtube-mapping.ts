import { readFile } from 'node:fs/promises';
import type { ProblemSink } from './problem-sink.js';

// MSVD-QA refers to videos by number (video_id 1 … 1970); the clips are named by YouTube id and
// time span (`-4wsuPCjDBc_5_15.avi`). youtube_mapping.txt joins them, one `<clip> vid<number>` per line.

export interface YoutubeMapping {
  clipOf(videoId: number): string | undefined;
  size: number;
}

export async function readYoutubeMapping(file: string, sink: ProblemSink): Promise<YoutubeMapping> {
  const clips = new Map<number, { clip: string; line: number }>();
  const text = await readFile(file, 'utf8');
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    const field = `line ${index + 1}`;
    const match = /^(\S+)\s+vid(\d+)$/.exec(line);
    if (!match) {
      sink.report({ file, field, message: `expected "<youtube clip name> vid<number>", found ${JSON.stringify(line.length > 60 ? `${line.slice(0, 57)}...` : line)}` });
      return;
    }
    const videoId = Number(match[2]);
    const earlier = clips.get(videoId);
    if (earlier) {
      sink.report({ file, field, message: `vid${videoId} is mapped twice (also on line ${earlier.line})` });
      return;
    }
    clips.set(videoId, { clip: match[1]!, line: index + 1 });
  });
  return { clipOf: (videoId) => clips.get(videoId)?.clip, size: clips.size };
}
