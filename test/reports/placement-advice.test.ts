// A result that finds no published group says which option would place it: the protocol it was scored
// under, --trained-on, the shots, demonstrations or split; and `score --protocol` is documented.
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import type { ProtocolKey } from '../../reports/baselines/compatibility.js';
import { placementAdvice } from '../../reports/baselines/placement-advice.js';
import { runCli, temporaryFolder, writeGoldPredictions } from '../helpers/cli.js';

const key = (overrides: Partial<ProtocolKey>): ProtocolKey => ({
  benchmark: 'VQAv2',
  split: 'val',
  metric: 'vqa_accuracy',
  shots: 0,
  shotStyle: 'zero',
  demoSelection: '-',
  trainedOnTrainSplit: false,
  ...overrides,
});

test('each difference an option resolves gets that option', () => {
  assert.match(placementAdvice(key({}), key({ shotStyle: 'instruction' })).join('\n'), /--protocol emu2-chat/);
  assert.match(placementAdvice(key({ shotStyle: 'instruction' }), key({})).join('\n'), /--protocol emu2`/);
  assert.match(placementAdvice(key({}), key({ shotStyle: 'text-two-shot' })).join('\n'), /--protocol flamingo/);
  assert.match(placementAdvice(key({}), key({ trainedOnTrainSplit: true })).join('\n'), /--trained-on vqav2/);
  assert.match(placementAdvice(key({ trainedOnTrainSplit: true }), key({})).join('\n'), /drop vqav2 from `--trained-on`/);
  assert.match(placementAdvice(key({ shots: 4, shotStyle: 'few', demoSelection: 'random' }), key({ shots: 4, shotStyle: 'few', demoSelection: 'RICES' })).join('\n'), /--demos rices/);
  assert.match(placementAdvice(key({ shots: 4, shotStyle: 'few', demoSelection: 'random' }), key({ shots: 8, shotStyle: 'few', demoSelection: 'random' })).join('\n'), /--shots 8/);
  assert.match(placementAdvice(key({}), key({ split: 'test-dev', shotStyle: 'instruction' })).join('\n'), /--split test-dev/);
  // A metric has no option: nothing to advise.
  assert.deepEqual(placementAdvice(key({}), key({ metric: 'exact_match' })), []);
});

test('Emu2-Chat answers scored under the default protocol: report names --protocol emu2-chat; re-scored so, they are placed', async () => {
  const out = temporaryFolder();
  const predictions = path.join(out, 'gqa.json');
  await writeGoldPredictions('gqa', predictions);
  const score = async (extra: string[]) => {
    const result = await runCli(['score', 'gqa', '--predictions', predictions, '--out', out, '--json', '--quiet', ...extra]);
    assert.equal(result.code, 0, result.stderr);
    return (JSON.parse(result.stdout) as { runDirectory: string }).runDirectory;
  };
  const asBase = await runCli(['report', await score([]), '--params', '37B']);
  assert.equal(asBase.code, 0, asBase.stderr);
  assert.match(asBase.stdout, /no published GQA numbers under this protocol \(closest: true zero-shot vs instruction-tuned, zero-shot\); scored as true zero-shot \(protocol emu2\); .*re-score with `emu-eval score … --protocol emu2-chat`/);
  const asChat = await runCli(['report', await score(['--protocol', 'emu2-chat']), '--params', '37B']);
  assert.equal(asChat.code, 0, asChat.stderr);
  assert.doesNotMatch(asChat.stdout, /no published GQA numbers/);
  assert.match(asChat.stdout, /Emu2-Chat/);
});

test('score --help documents --protocol and its presets', async () => {
  const help = await runCli(['score', '--help']);
  assert.match(help.stdout, /--protocol\s+Protocol the predictions were made under/);
  assert.match(help.stdout, /"emu2-chat"/);
});
