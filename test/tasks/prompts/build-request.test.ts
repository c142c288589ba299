import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildRequest } from '../../../tasks/prompts/build-request.js';
import { demosNeeded, getPreset, presets } from '../../../tasks/prompts/presets.js';
import type { Part } from '../../../core/contracts/runner.js';
import type { Sample } from '../../../core/contracts/task.js';
import { asFile } from '../../helpers/media-refs.js';

const image = (name: string) => ({ kind: 'image' as const, path: `/data/${name}.jpg`, root: '/data' });
const sample = (id: string, question: string, answer: string): Sample => ({ id, question, answers: [answer, 'other'], media: [image(id)], meta: {} });
const query = sample('q', 'what color is the car?', 'red');
const demos = [sample('d1', 'how many dogs?', '2'), sample('d2', 'is it sunny?', 'yes')];
const generation = { maxNewTokens: 5, numBeams: 1 };

/** A prompt as text with images shown as <img:name>: the snapshot a reviewer can read. */
function render(parts: Part[]): string {
  return parts.map((part) => (part.type === 'text' ? part.text : part.type === 'image' ? `<img:${asFile(part.source).path.slice(6, -4)}>` : '<video>')).join('');
}

test('emu2: true zero-shot and ". "-joined demonstrations', () => {
  const preset = getPreset('emu2');
  assert.equal(render(buildRequest(query, preset, generation).parts), '<img:q>based on the picture, answer in one word or phrase. what color is the car? short answer:');
  assert.equal(
    render(buildRequest(query, preset, generation, demos).parts),
    '<img:d1>based on the picture, how many dogs? short answer: 2. <img:d2>based on the picture, is it sunny? short answer: yes. <img:q>based on the picture, what color is the car? short answer:',
  );
});

test('flamingo: interleaved items, and 0* shows two text-only demonstrations with no demo images', () => {
  const preset = getPreset('flamingo');
  assert.equal(
    render(buildRequest(query, preset, generation, demos).parts),
    '<img:d1>Question:how many dogs? Short answer:2<|endofchunk|>\n<img:d2>Question:is it sunny? Short answer:yes<|endofchunk|>\n<img:q>Question:what color is the car? Short answer:',
  );
  assert.equal(demosNeeded(preset, 0), 2);
  const zeroStar = buildRequest(query, preset, generation, demos, { textOnlyDemos: true });
  assert.equal(zeroStar.parts.filter((part) => part.type === 'image').length, 1);
  assert.equal(render(zeroStar.parts), 'Question:how many dogs? Short answer:2<|endofchunk|>\nQuestion:is it sunny? Short answer:yes<|endofchunk|>\n<img:q>Question:what color is the car? Short answer:');
});

test('emu2-chat and llava: instruction prompts, chat system message only for emu2-chat', () => {
  const chat = buildRequest(query, getPreset('emu2-chat'), { maxNewTokens: 10, numBeams: 5 });
  assert.equal(render(chat.parts), '<img:q>what color is the car?\nAnswer the question using a single word or phrase.');
  assert.equal(chat.system, 'You are a helpful assistant, dedicated to provide concise and efficient answers.');
  assert.equal(chat.numBeams, 5);
  const llava = buildRequest(query, getPreset('llava'), generation);
  assert.equal(render(llava.parts), '<img:q>what color is the car?\nAnswer the question using a single word or phrase.');
  assert.equal(llava.system, undefined);
});

test('a question containing template braces is not substituted twice', () => {
  const tricky = sample('t', 'what does {answer} mean?', 'x');
  assert.match(render(buildRequest(tricky, getPreset('emu2'), generation, demos).parts), /what does \{answer\} mean\? short answer:$/);
  // Replacement patterns of String.prototype.replace mean nothing in a question or an answer.
  const dollars = sample('t', "costs $& or $1, isn't it {question}?", '$$5');
  const preset = { ...getPreset('emu2'), demoTemplate: '{question}|{answer}|{question}' };
  assert.equal(
    render(buildRequest(query, preset, generation, [dollars]).parts),
    "<img:t>costs $& or $1, isn't it {question}?|$$5|costs $& or $1, isn't it {question}?. <img:q>based on the picture, what color is the car? short answer:",
  );
});

test('every preset declares its zero-shot style, beams, tokens and extraction', () => {
  for (const preset of Object.values(presets)) {
    assert.ok(['true-zero-shot', 'text-two-shot'].includes(preset.zeroShotStyle));
    assert.ok(preset.numBeams >= 1 && preset.maxNewTokens >= 1 && preset.imageTokens > 0);
  }
});
