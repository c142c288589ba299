import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli, temporaryFolder } from '../helpers/cli.js';
import { editRun, replayRun } from './helpers.js';

// An Emu2-Chat run and a CogVLM run of the same task: both land in the instruction-tuned zero-shot group
// beside the published Emu2-Chat and CogVLM rows, each normalized by the parameter count its run.json records.
test('report: a --protocol cogvlm run sits beside an emu2-chat run and the published Table 2 rows, normalized by parameters', async () => {
  const out = temporaryFolder();
  const emu2Chat = await replayRun(out, 'vqav2', { protocol: 'emu2-chat', wrongEvery: 4 });
  const cogvlm = await replayRun(out, 'vqav2', { protocol: 'cogvlm', wrongEvery: 3 });
  editRun(emu2Chat, { run: (record) => void ((record.model.id = 'emu2-chat-replay'), (record.model.params = { total: 37e9, source: 'declared' })) });
  editRun(cogvlm, { run: (record) => void ((record.model.id = 'cogvlm-replay'), (record.model.params = { total: 17e9, source: 'declared' })) });

  const { code, stdout, stderr } = await runCli(['report', emu2Chat, cogvlm, '--trained-on', 'vqav2', '--json']);
  assert.equal(code, 0, stderr);
  const groups = JSON.parse(stdout).groups as Array<{ protocol: { shotStyle: string }; rows: Array<{ kind: string; model: string; params?: number; sizeAdjusted: number | null }> }>;
  const group = groups.find((candidate) => candidate.rows.some((row) => row.model === 'cogvlm-replay (ours)'));
  assert.ok(group, 'the cogvlm run is in a comparison group');
  assert.equal(group.protocol.shotStyle, 'instruction');
  const models = group.rows.map((row) => row.model);
  for (const model of ['emu2-chat-replay (ours)', 'cogvlm-replay (ours)', 'Emu2-Chat', 'CogVLM']) assert.ok(models.includes(model), `${model} in ${models.join(', ')}`);
  const ours = group.rows.filter((row) => row.kind === 'ours');
  assert.deepEqual(ours.map((row) => row.params).sort(), [17, 37]);
  assert.ok(ours.every((row) => typeof row.sizeAdjusted === 'number'), 'both runs get normalized columns');
});
