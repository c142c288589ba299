import { canonicalJson, sha256 } from '../core/hash.js';
import { relativeInside } from '../core/safe-path.js';
import type { Part, Request } from '../core/contracts/runner.js';

/**
 * The prompt's identity in samples.jsonl: a hash of what the model was asked (media as paths relative
 * to the data root, so a moved dataset hashes the same), defined as
 *   hashOf({ parts, system, maxNewTokens, numBeams, stop }, 16)
 * with image parts as {type, file} and video parts as {type, frames}. Written out directly — the keys
 * already in canonical order — because it runs once per sample (214,354 times for VQAv2 val).
 */
export function promptHash(request: Request, root: string): string {
  let parts = '';
  for (const part of request.parts) parts += `${parts === '' ? '' : ','}${partJson(part, root)}`;
  let text = '{';
  const fields: Array<[string, string | undefined]> = [
    ['maxNewTokens', canonicalJson(request.maxNewTokens)],
    ['numBeams', canonicalJson(request.numBeams)],
    ['parts', `[${parts}]`],
    ['stop', canonicalJson(request.stop)],
    ['system', canonicalJson(request.system)],
  ];
  for (const [key, value] of fields) if (value !== undefined) text += `${text === '{' ? '' : ','}"${key}":${value}`;
  return sha256(`${text}}`).slice(0, 16);
}

function partJson(part: Part, root: string): string {
  if (part.type === 'image') return `{"file":${JSON.stringify(relativeInside(root, part.source.path))},"type":"image"}`;
  if (part.type === 'video') return `{"frames":${JSON.stringify(part.frames.map((frame) => relativeInside(root, frame.path)))},"type":"video"}`;
  return canonicalJson(part);
}
