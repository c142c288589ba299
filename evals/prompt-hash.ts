import { canonicalJson, sha256 } from '../core/hash.js';
import { isMediaBytes } from '../core/media-ref.js';
import { relativeInside } from '../core/safe-path.js';
import type { Part, Request } from '../core/contracts/runner.js';
import type { MediaRef } from '../core/contracts/task.js';

/**
 * The prompt's identity in samples.jsonl: a hash of what the model was asked, media named by file
 * relative to the data root (moving the data keeps the hash) or by content hash, defined as
 *   hashOf({ parts, system, maxNewTokens, numBeams, stop }, 16)
 * or, for a loglik request, hashOf({ parts, system, continuations }, 16), with image parts as
 * {type, file} and video parts as {type, frames}. Written out directly — keys already in canonical
 * order — because it runs once per sample (214,354 times for VQAv2 val).
 */
export function promptHash(request: Request, root: string, continuations?: readonly string[]): string {
  let parts = '';
  for (const part of request.parts) parts += `${parts === '' ? '' : ','}${partJson(part, root)}`;
  const fields: Array<[string, string | undefined]> = continuations
    ? [
        ['continuations', canonicalJson(continuations)],
        ['parts', `[${parts}]`],
        ['system', canonicalJson(request.system)],
      ]
    : [
        ['maxNewTokens', canonicalJson(request.maxNewTokens)],
        ['numBeams', canonicalJson(request.numBeams)],
        ['parts', `[${parts}]`],
        ['stop', canonicalJson(request.stop)],
        ['system', canonicalJson(request.system)],
      ];
  let text = '{';
  for (const [key, value] of fields) if (value !== undefined) text += `${text === '{' ? '' : ','}"${key}":${value}`;
  return sha256(`${text}}`).slice(0, 16);
}

/** A file relative to the task's data root, bytes by content hash. */
export function promptMediaName(ref: MediaRef, root: string): string {
  return isMediaBytes(ref) ? `sha256:${ref.sha256}` : relativeInside(root, ref.path);
}

function partJson(part: Part, root: string): string {
  if (part.type === 'image') return `{"file":${JSON.stringify(promptMediaName(part.source, root))},"type":"image"}`;
  if (part.type === 'video') return `{"frames":${JSON.stringify(part.frames.map((frame) => promptMediaName(frame, root)))},"type":"video"}`;
  return canonicalJson(part);
}

