import type { Part, Request } from '../../core/contracts/runner.js';
import type { FrameSampler } from './frame-samplers.js';
import { createVideoFrameSampler, type VideoFrameSampler } from './video-frame-sampler.js';

// The engine's hook for video tasks: a request arrives with each video as one file (or frames
// folder) and leaves with the sampled frames as images, which is what every runner understands.
// A video that can't be read throws, and the engine records that sample as an error, message and all.

let shared: VideoFrameSampler | undefined;
let sharedCacheSetting: string | undefined;

/** One sampler (one decode queue) per process, so decoding stays bounded across concurrent calls. */
function defaultSampler(): VideoFrameSampler {
  // A changed EMU_EVAL_CACHE (tests, a second run in one process) gets a cache at the new place.
  if (!shared || sharedCacheSetting !== process.env.EMU_EVAL_CACHE) {
    shared = createVideoFrameSampler({ queue: shared?.queue });
    sharedCacheSetting = process.env.EMU_EVAL_CACHE;
  }
  return shared;
}

export async function prepareVideoParts(
  request: Request,
  settings: { frames: number; sampler: FrameSampler; imageSize: number },
  sampler: VideoFrameSampler = defaultSampler(),
): Promise<Request> {
  if (!request.parts.some((part) => part.type === 'video')) return request;
  const parts = await Promise.all(
    request.parts.map(async (part): Promise<Part> => {
      if (part.type !== 'video') return part;
      const frames = await Promise.all(part.frames.map((ref) => sampler.sample(ref, settings)));
      return { type: 'video', frames: frames.flat() };
    }),
  );
  return { ...request, parts };
}
