import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { buildRequest, sampleParts } from '../../../tasks/prompts/build-request.js';
import { getPreset } from '../../../tasks/prompts/presets.js';
import type { MediaRef, Sample } from '../../../core/contracts/task.js';

const image = (name: string): MediaRef => ({ kind: 'image', path: `/data/${name}.png`, root: '/data' });
const sample = (question: string, placeholders?: string[]): Sample => ({
  id: 'q1',
  question,
  answers: [],
  media: [image('one'), image('two'), image('three')],
  ...(placeholders ? { mediaPlaceholders: placeholders } : {}),
  meta: {},
});
const shape = (parts: ReturnType<typeof sampleParts>) => parts.map((part) => (part.type === 'text' ? part.text : part.type === 'image' ? `[${(part.source as { path: string }).path.slice(6, -4)}]` : '[video]'));

describe('interleaved media', () => {
  it('puts each image at its placeholder, in text order', () => {
    const parts = sampleParts(sample('x', ['<image 1>', '<image 2>', '<image 3>']), 'Compare <image 2> with <image 1>:\n(A) <image 3>\n');
    assert.deepEqual(shape(parts), ['Compare ', '[two]', ' with ', '[one]', ':\n(A) ', '[three]', '\n']);
  });
  it('shows an image once: a later mention stays text; unmentioned images lead', () => {
    const parts = sampleParts(sample('x', ['<image 1>', '<image 2>', '<image 3>']), '<image 1> and again <image 1>');
    assert.deepEqual(shape(parts), ['[two]', '[three]', '[one]', ' and again <image 1>']);
  });
  it('without placeholders the media come first, as before', () => {
    assert.deepEqual(shape(sampleParts(sample('x'), 'What is <image 1>?')), ['[one]', '[two]', '[three]', 'What is <image 1>?']);
  });
  it('buildRequest fills the template first, then places the images', () => {
    const request = buildRequest(sample('Which is older, <image 2> or <image 1>?', ['<image 1>', '<image 2>', '<image 3>']), getPreset('llava'), { maxNewTokens: 5, numBeams: 1 });
    assert.deepEqual(shape(request.parts), ['[three]', 'Which is older, ', '[two]', ' or ', '[one]', '?\nAnswer the question using a single word or phrase.']);
  });
});
