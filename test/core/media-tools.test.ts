import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runMediaTool, VideoDecodeError } from '../../core/media-tools.js';

// ffmpeg reads a stream we produce piece by piece (the H.264 packets path); a failure on our side
// must stop the tool and say it was ours, not ffmpeg's.

const rawGrayFrames = ['-nostdin', '-v', 'error', '-f', 'rawvideo', '-pix_fmt', 'gray', '-s', '4x4', '-i', 'pipe:0', '-f', 'framemd5', 'pipe:1'];

describe('runMediaTool standard input', () => {
  it('streams an async iterable to the tool, chunk by chunk', async () => {
    async function* frames() {
      for (let index = 0; index < 5; index++) yield Buffer.alloc(16, index * 40);
    }
    const { stdout } = await runMediaTool('ffmpeg', rawGrayFrames, { input: frames(), timeoutMs: 30_000 });
    const lines = stdout.toString('utf8').split('\n').filter((line) => /^\d/.test(line));
    assert.equal(lines.length, 5, 'every frame written reached ffmpeg');
  });

  it('a source that fails stops the tool and names the failure', async () => {
    async function* failing() {
      yield Buffer.alloc(16);
      throw new Error('the file ends before sample 7 (truncated?)');
    }
    await assert.rejects(runMediaTool('ffmpeg', rawGrayFrames, { input: failing(), timeoutMs: 30_000 }), (error: Error) => {
      assert.ok(error instanceof VideoDecodeError);
      assert.match(error.message, /could not feed ffmpeg: the file ends before sample 7/);
      return true;
    });
  });
});
