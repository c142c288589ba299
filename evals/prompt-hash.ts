import { canonicalJson, sha256 } from '../core/hash.js';
import { jsonStringBody } from '../core/json/json-text.js';
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
  for (const part of request.parts) parts += parts === '' ? partJson(part, root) : `,${partJson(part, root)}`;
  if (continuations) {
    const system = request.system === undefined ? '' : `,"system":${JSON.stringify(request.system)}`;
    return sha256(`{"continuations":${canonicalJson(continuations)},"parts":[${parts}]${system}}`).slice(0, 16);
  }
  const frame = generationFrame(request);
  return sha256(frame.head + parts + frame.tail).slice(0, 16);
}

interface GenerationFrame {
  maxNewTokens: number;
  numBeams: number;
  stop: readonly string[];
  system: string | undefined;
  /** The canonical JSON before the parts and after them. */
  head: string;
  tail: string;
}

/** The last generation settings seen, as JSON around the parts: every request of a run usually shares them. */
let lastFrame: GenerationFrame | undefined;

function generationFrame(request: Request): GenerationFrame {
  const { maxNewTokens, numBeams, stop, system } = request;
  const last = lastFrame;
  if (last && last.maxNewTokens === maxNewTokens && last.numBeams === numBeams && last.system === system && sameStrings(last.stop, stop)) return last;
  const systemJson = system === undefined ? '' : `,"system":${JSON.stringify(system)}`;
  lastFrame = {
    maxNewTokens,
    numBeams,
    stop: [...stop],
    system,
    head: `{"maxNewTokens":${canonicalJson(maxNewTokens)},"numBeams":${canonicalJson(numBeams)},"parts":[`,
    tail: `],"stop":${canonicalJson(stop)}${systemJson}}`,
  };
  return lastFrame;
}

function sameStrings(first: readonly string[], second: readonly string[]): boolean {
  if (first.length !== second.length) return false;
  for (let index = 0; index < first.length; index++) if (first[index] !== second[index]) return false;
  return true;
}

/** A file relative to the task's data root, bytes by content hash. */
export function promptMediaName(ref: MediaRef, root: string): string {
  return isMediaBytes(ref) ? `sha256:${ref.sha256}` : relativeInside(root, ref.path);
}

function partJson(part: Part, root: string): string {
  // A text part's canonical JSON, written out: its two keys in sorted order.
  if (part.type === 'text') return `{"text":"${jsonStringBody(part.text)}","type":"text"}`;
  if (part.type === 'image') return imagePartJson(part.source, root);
  if (part.type === 'video') return `{"frames":${JSON.stringify(part.frames.map((frame) => promptMediaName(frame, root)))},"type":"video"}`;
  return canonicalJson(part);
}

/** The last image part's JSON: consecutive samples often ask about the same image (VQAv2 has ~5 questions per image). */
let lastImage: { source: MediaRef; root: string; json: string } | undefined;

function imagePartJson(source: MediaRef, root: string): string {
  const last = lastImage;
  if (last && last.root === root && sameMedia(last.source, source)) return last.json;
  const json = `{"file":${JSON.stringify(promptMediaName(source, root))},"type":"image"}`;
  lastImage = { source, root, json };
  return json;
}

function sameMedia(first: MediaRef, second: MediaRef): boolean {
  if (first === second) return true;
  // Files by path (the usual case: no bytes check first), bytes by content hash.
  const firstPath = (first as { path?: string }).path;
  if (firstPath !== undefined) return firstPath === (second as { path?: string }).path;
  return isMediaBytes(first) && isMediaBytes(second) && first.sha256 === second.sha256;
}


