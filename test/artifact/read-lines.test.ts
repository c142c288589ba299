import assert from 'node:assert/strict';
import { createReadStream, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { readLineBatches } from '../../artifact/samples-log.js';
import { seededRandom } from '../../core/random.js';
import { temporaryFolder } from '../helpers/cli.js';

async function viaReadline(file: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity })) lines.push(line);
  return lines;
}

async function viaBatches(file: string): Promise<string[]> {
  const lines: string[] = [];
  for await (const batch of readLineBatches(file)) lines.push(...batch);
  return lines;
}

test('lines split as readline splits them, across read chunks and multi-byte characters', async () => {
  const folder = temporaryFolder();
  const random = seededRandom(3);
  const pieces = ['{"a":1}', 'é', '😀', '٣', 'plain text', '', ' '];
  const breaks = ['\n', '\n', '\n', '\r\n', '\r'];
  let text = '';
  while (text.length < 2_600_000) text += pieces[Math.floor(random() * pieces.length)]!.repeat(1 + Math.floor(random() * 40)) + breaks[Math.floor(random() * breaks.length)];
  const cases = { long: text, unterminated: `${text}last line`, crAtEnd: `${text}x\r`, empty: '', oneLine: 'only', lineOverChunks: `a\n${'é'.repeat(1_500_000)}\r\nb\n\nc` };
  for (const [name, content] of Object.entries(cases)) {
    const file = path.join(folder, `${name}.jsonl`);
    writeFileSync(file, content);
    assert.deepEqual(await viaBatches(file), await viaReadline(file), name);
  }
});
