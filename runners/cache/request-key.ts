// The response cache's key: a hash of the canonical request — the runner's identity (served model name,
// server-side generation fields), the prompt parts with each image's BYTES hashed (never its path:
// the same picture under another name is the same request, and a changed file is a different one;
// an image carried as bytes, e.g. from a Parquet dataset, keys by the same hash as the same file would),
// and the generation settings. The sample id is not part of it.
import { hashOf, sha256 } from '../../core/hash.js';
import { readMedia } from '../../core/safe-path.js';
import type { MediaRef } from '../../core/contracts/task.js';
import type { LoglikRequest, Part, Request } from '../../core/contracts/runner.js';

/** Bumped when the key's shape changes, so old entries are simply never found again. */
export const CACHE_KEY_FORMAT = 1;

const MEMO_LIMIT = 50_000;

export class RequestKeyer {
  // VQAv2 asks about five questions per image: hash each file once per process.
  private readonly imageHashes = new Map<string, Promise<string>>();

  async keyOf(request: Request, identity: Record<string, unknown>): Promise<string> {
    const parts = await Promise.all(request.parts.map((part) => this.canonicalPart(part)));
    return hashOf({
      format: CACHE_KEY_FORMAT,
      identity,
      system: request.system ?? null,
      parts,
      maxNewTokens: request.maxNewTokens,
      numBeams: request.numBeams,
      stop: request.stop,
      // Only when set, so keys of requests without them stay what they were.
      ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
      ...(request.seed !== undefined ? { seed: request.seed } : {}),
    });
  }

  /** A loglik request's key: its own kind, so it never equals a generation request's. */
  async loglikKeyOf(request: LoglikRequest, identity: Record<string, unknown>): Promise<string> {
    const parts = await Promise.all(request.parts.map((part) => this.canonicalPart(part)));
    return hashOf({ format: CACHE_KEY_FORMAT, kind: 'loglik', identity, system: request.system ?? null, parts, continuations: request.continuations });
  }

  private async canonicalPart(part: Part): Promise<unknown> {
    if (part.type === 'text') return { type: 'text', text: part.text };
    if (part.type === 'image') return { type: 'image', sha256: await this.hashImage(part.source) };
    return { type: 'video', frames: await Promise.all(part.frames.map((frame) => this.hashImage(frame))) };
  }

  /** Inline bytes carry their hash; a file is read and hashed once per path. Both give the SHA-256 of the image's bytes. */
  private hashImage(ref: MediaRef): Promise<string> {
    if (ref.source === 'bytes') return Promise.resolve(ref.sha256);
    let hash = this.imageHashes.get(ref.path);
    if (!hash) {
      if (this.imageHashes.size >= MEMO_LIMIT) this.imageHashes.delete(this.imageHashes.keys().next().value!);
      hash = readMedia(ref).then((bytes) => sha256(bytes));
      hash.catch(() => this.imageHashes.delete(ref.path));
      this.imageHashes.set(ref.path, hash);
    }
    return hash;
  }
}
