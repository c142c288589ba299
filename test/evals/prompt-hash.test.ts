import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { hashOf } from '../../core/hash.js';
import type { Part, Request } from '../../core/contracts/runner.js';
import { promptHash } from '../../evals/prompt-hash.js';
import { imageFromBytes, isMediaBytes } from '../../core/media-ref.js';
import type { MediaRef } from '../../core/contracts/task.js';

/** The definition the samples.jsonl of earlier runs were written with. */
function definition(request: Request, root: string, continuations?: readonly string[]): string {
  const name = (ref: MediaRef) => (isMediaBytes(ref) ? `sha256:${ref.sha256}` : path.relative(root, ref.path));
  const parts = request.parts.map((part) => {
    if (part.type === 'image') return { type: 'image', file: name(part.source) };
    if (part.type === 'video') return { type: 'video', frames: part.frames.map(name) };
    return part;
  });
  if (continuations) return hashOf({ parts, system: request.system, continuations }, 16);
  return hashOf({ parts, system: request.system, maxNewTokens: request.maxNewTokens, numBeams: request.numBeams, stop: request.stop }, 16);
}

const root = '/data/vqav2';
const image = (name: string): Part => ({ type: 'image', source: { kind: 'image', path: path.join(root, name), root } });
const requests: Request[] = [
  { sampleId: '1', parts: [image('val2014/COCO_val2014_000000000042.jpg'), { type: 'text', text: 'based on the picture, "what" is it?\n' }], maxNewTokens: 10, numBeams: 1, stop: ['\n'] },
  { sampleId: '2', parts: [image('a.jpg'), { type: 'text', text: 'q: x a: y. ' }, image('../outside.jpg'), { type: 'text', text: 'é \u2028' }], system: 'You are helpful.', maxNewTokens: 5, numBeams: 4, stop: [] },
  { sampleId: '3', parts: [{ type: 'video', frames: [{ kind: 'image', path: '/data/vqav2/v/1.jpg', root }, { kind: 'image', path: '/elsewhere/2.jpg', root }] }, { type: 'text', text: '' }], maxNewTokens: 1, numBeams: 1, stop: ['###', 'USER:'] },
];

test('prompt hashes are those of the definition (samples.jsonl of earlier runs stay comparable)', () => {
  for (const request of requests) assert.equal(promptHash(request, root), definition(request, root));
  assert.equal(promptHash(requests[0]!, '/data/vqav2/'), definition(requests[0]!, '/data/vqav2/'));
  assert.notEqual(promptHash(requests[0]!, root), promptHash({ ...requests[0]!, numBeams: 2 }, root));
  const inline: Request = { sampleId: '4', parts: [{ type: 'image', source: imageFromBytes(new Uint8Array([1, 2, 3]), { file: 'q.tsv', field: 'image' }) }, { type: 'text', text: 'A or B?' }], maxNewTokens: 1, numBeams: 1, stop: [] };
  assert.equal(promptHash(inline, root), definition(inline, root));
  assert.equal(promptHash(inline, root, ['A', 'B']), definition(inline, root, ['A', 'B']));
  assert.equal(promptHash(requests[1]!, root, []), definition(requests[1]!, root, []));
});

test('the remembered generation settings (stop list, system, beams) never leak from one request into the next', () => {
  const base = requests[0]!;
  const stops = [['\n'], ['\n', '###'], [], ['###'], ['\n'], ['a"b', '\u00e9']];
  const systems = [undefined, '', 'You are helpful.'];
  for (let round = 0; round < 2; round++) {
    for (const stop of stops) assert.equal(promptHash({ ...base, stop }, root), definition({ ...base, stop }, root));
    for (const system of systems) {
      for (const numBeams of [1, 3]) {
        const request: Request = { ...base, numBeams, maxNewTokens: 10 + round, ...(system === undefined ? {} : { system }) };
        assert.equal(promptHash(request, root), definition(request, root));
      }
    }
  }
  // The same array changed in place between two requests.
  const shared = ['\n'];
  assert.equal(promptHash({ ...base, stop: shared }, root), definition({ ...base, stop: ['\n'] }, root));
  shared.push('USER:');
  assert.equal(promptHash({ ...base, stop: shared }, root), definition({ ...base, stop: ['\n', 'USER:'] }, root));
});

test('the remembered image name follows the image, its root and its kind', () => {
  const bytes = (data: number[]): Part => ({ type: 'image', source: imageFromBytes(new Uint8Array(data), { file: 'q.tsv', field: 'image' }) });
  const sequence: Array<[Part, string]> = [
    [image('a.jpg'), root],
    [image('a.jpg'), root],
    [image('a.jpg'), '/data'],
    [image('b.jpg'), root],
    [bytes([1, 2]), root],
    [bytes([1, 2]), root],
    [bytes([3]), root],
    [image('b.jpg'), root],
  ];
  for (const [part, where] of sequence) {
    const request: Request = { sampleId: 'x', parts: [part, { type: 'text', text: 'q?' }], maxNewTokens: 3, numBeams: 1, stop: [] };
    assert.equal(promptHash(request, where), definition(request, where));
  }
});
