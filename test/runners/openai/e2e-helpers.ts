// Shared by the end-to-end tests: a test server that answers the bundled VQAv2 sample with each
// question's gold answer (so every scored sample scores 1), and readers of what a run wrote.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import type { SampleRecord } from '../../../artifact/schema.js';
import { presets } from '../../../tasks/prompts/presets.js';
import { bundledDataDir, getTask } from '../../../tasks/registry.js';
import { startOpenAITestServer, type ChatCall, type Fault, type TestServer } from '../../helpers/openai-test-server.js';
import { asFile } from '../../helpers/media-refs.js';

export interface GoldSample {
  index: number;
  id: string;
  answer: string;
}

/** Bundled VQAv2 val samples keyed by what the server sees: the image's base64 and the emu2 prompt text. */
export async function vqav2Gold(): Promise<Map<string, GoldSample>> {
  const task = getTask('vqav2');
  const gold = new Map<string, GoldSample>();
  let index = 0;
  for await (const sample of task.load({ dataDir: bundledDataDir(task), split: 'val' })) {
    const counts = new Map<string, number>();
    for (const answer of sample.answers) counts.set(answer, (counts.get(answer) ?? 0) + 1);
    const answer = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    const image = readFileSync(asFile(sample.media[0]).path).toString('base64');
    gold.set(`${image}\u0000${presets.emu2.zeroShotTemplate.replace('{question}', sample.question)}`, { index, id: sample.id, answer });
    index += 1;
  }
  return gold;
}

export function sampleOf(call: ChatCall, gold: Map<string, GoldSample>): GoldSample {
  const image = call.images[0]?.split(',')[1] ?? '';
  const sample = gold.get(`${image}\u0000${call.text}`);
  assert.ok(sample, `the server got a request for no known sample: ${call.text}`);
  return sample;
}

/** A server answering every bundled sample correctly unless `fault` says otherwise. */
export async function startGoldServer(
  gold: Map<string, GoldSample>,
  options: { fault?: (call: ChatCall, sample: GoldSample) => Fault | undefined; answer?: (call: ChatCall, sample: GoldSample) => string | undefined; latencyMs?: number } = {},
): Promise<TestServer> {
  return startOpenAITestServer({
    answer: (call) => options.answer?.(call, sampleOf(call, gold)) ?? sampleOf(call, gold).answer,
    fault: options.fault ? (call) => options.fault!(call, sampleOf(call, gold)) : undefined,
    latencyMs: options.latencyMs,
  });
}

export function readSamples(runDirectory: string): SampleRecord[] {
  const file = path.join(runDirectory, 'samples.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as SampleRecord);
}

/** Every sample exactly once, and each either scored or an error with its message: none dropped, none silently wrong. */
export function assertEverySampleAccounted(records: SampleRecord[], gold: Map<string, GoldSample>): void {
  assert.equal(records.length, gold.size, 'one record per sample');
  assert.equal(new Set(records.map((record) => record.sampleId)).size, gold.size, 'no sample twice');
  for (const record of records) {
    if (record.finishReason === 'error') {
      assert.equal(record.score, null, `${record.sampleId}: an error is not scored`);
      assert.ok(record.error && record.error.length > 0, `${record.sampleId}: an error says what went wrong`);
    } else {
      assert.equal(record.score, 1, `${record.sampleId}: answered with the gold answer, scored 1`);
    }
  }
}

/** Every file under the folders, as text (a secret must appear in none). */
export function filesUnder(...folders: string[]): Array<{ file: string; text: string }> {
  const found: Array<{ file: string; text: string }> = [];
  const walk = (folder: string) => {
    if (!existsSync(folder)) return;
    for (const entry of readdirSync(folder)) {
      const full = path.join(folder, entry);
      if (statSync(full).isDirectory()) walk(full);
      else found.push({ file: full, text: readFileSync(full, 'latin1') });
    }
  };
  folders.forEach(walk);
  return found;
}
