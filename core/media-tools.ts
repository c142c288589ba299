import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';

// ffmpeg and ffprobe are system binaries (Debian's ffmpeg package). They are always spawned with an
// argument array, never through a shell, so a video named `$(rm -rf ~).mp4` is only a file name.

export type MediaTool = 'ffmpeg' | 'ffprobe';

/** A video could not be probed or decoded; the message carries the tool's own words. */
export class VideoDecodeError extends Error {
  override name = 'VideoDecodeError';
}

/** `EMU_EVAL_FFMPEG` / `EMU_EVAL_FFPROBE` override the binaries found on PATH (a static build, a newer version). */
export function mediaToolPath(tool: MediaTool): string {
  return (tool === 'ffmpeg' ? process.env.EMU_EVAL_FFMPEG : process.env.EMU_EVAL_FFPROBE) || tool;
}

export interface ToolResult {
  stdout: Buffer;
  stderr: string;
}

/** The end of a long stderr is where ffmpeg says what went wrong; keep that part. */
const STDERR_KEPT_CHARACTERS = 16_384;

export interface RunToolOptions {
  signal?: AbortSignal;
  /** Kill the tool after this long; a truncated or adversarial file must not hang a run. */
  timeoutMs?: number;
  /** Bytes written to the tool's standard input (ffmpeg reading raw frames or a raw stream from `pipe:0`). */
  input?: Buffer | AsyncIterable<Buffer>;
}

/** Runs ffmpeg or ffprobe to completion; rejects with a VideoDecodeError holding the tool's last stderr lines. */
export function runMediaTool(tool: MediaTool, args: readonly string[], options: RunToolOptions = {}): Promise<ToolResult> {
  const binary = mediaToolPath(tool);
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'], signal: options.signal });
    // Our own timer rather than spawn's `timeout`: that one is never cleared when the binary fails to
    // start, and would hold the process open for the whole limit.
    let timedOut = false;
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, options.timeoutMs)
      : undefined;
    const stdout: Buffer[] = [];
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.length > 2 * STDERR_KEPT_CHARACTERS) stderr = stderr.slice(-STDERR_KEPT_CHARACTERS);
    });
    let inputError: Error | undefined;
    if (options.input) {
      // ffmpeg may exit (bad arguments, or done after its last frame) before reading everything;
      // that shows up as its exit status, so a closed pipe is not an error here.
      child.stdin!.on('error', () => {});
      if (Buffer.isBuffer(options.input)) child.stdin!.end(options.input);
      else {
        const source = Readable.from(options.input);
        source.on('error', (error) => {
          // Our side failed to produce the input (a read error): stop the tool and say so.
          inputError = error;
          child.kill('SIGKILL');
        });
        source.pipe(child.stdin!);
        child.stdin!.on('close', () => source.destroy());
      }
    }
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === 'ENOENT') {
        reject(new VideoDecodeError(`${binary} not found: video tasks need ffmpeg and ffprobe (Debian/Ubuntu: apt-get install ffmpeg), or set EMU_EVAL_${tool.toUpperCase()}`));
      } else reject(error.name === 'AbortError' ? error : new VideoDecodeError(`${binary} could not be started: ${error.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        resolve({ stdout: Buffer.concat(stdout), stderr });
        return;
      }
      if (inputError) {
        reject(new VideoDecodeError(`could not feed ${tool}: ${inputError.message}`));
        return;
      }
      const reason = timedOut ? `was stopped after ${options.timeoutMs} ms` : signal ? `was killed (${signal})` : `exited with status ${code}`;
      const said = lastLines(stderr);
      reject(new VideoDecodeError(`${tool} ${reason}${said ? `: ${said}` : ''}`));
    });
  });
}

/** The last few non-empty stderr lines, joined: enough to say "moov atom not found" without the banner. */
export function lastLines(text: string, count = 3): string {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .slice(-count)
    .join(' | ');
}
