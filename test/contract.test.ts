import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { sha256 } from '../core/hash.js';
import { scoringRuleFor, scoringRules } from '../scoring/metrics/index.js';
import { bundledDataDir, tasks } from '../tasks/registry.js';
import type { TaskAdapter } from '../core/contracts/task.js';

// Every registered task honours the adapter contract on its bundled sample, offline.
for (const task of Object.values(tasks) as TaskAdapter[]) {
  test(`task ${task.id}: loads its bundled sample, gold answers score 1.0, version set`, async () => {
    assert.ok(Number.isInteger(task.version) && task.version >= 1);
    assert.ok(task.splits.some((split) => split.name === task.defaultSplit));
    if (task.trainSplit) assert.ok(task.splits.some((split) => split.name === task.trainSplit));
    const dataDir = bundledDataDir(task);
    const ids = new Set<string>();
    let scored = 0;
    for await (const sample of task.load({ dataDir, split: task.defaultSplit })) {
      assert.ok(!ids.has(sample.id), `duplicate id ${sample.id}`);
      ids.add(sample.id);
      assert.ok(sample.question.length > 0);
      assert.ok(sample.media.length > 0);
      for (const media of sample.media) {
        if (media.source === 'bytes') assert.equal(sha256(media.bytes), media.sha256, `${media.origin.file}: ${media.origin.field}: hash of the bytes`);
        else assert.ok(existsSync(media.path), media.path);
      }
      const counts = new Map<string, number>();
      for (const answer of sample.answers) counts.set(answer, (counts.get(answer) ?? 0) + 1);
      const gold = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
      for (const normalize of ['official', 'always'] as const) {
        for (const gqaAnswers of ['official', 'llava'] as const) {
          const rule = scoringRuleFor(task.evaluator, { normalize, gqaAnswers });
          assert.equal(scoringRules[rule].metric, task.metric, `${task.id}: rule ${rule} reports another metric`);
          // An LLM-graded rule (MM-Vet) has no rule score to check offline: its grader is tested on its own.
          if (scoringRules[rule].grader === undefined) assert.equal(scoringRules[rule].score(gold, sample.answers, sample), 1, `${task.id} ${sample.id} gold "${gold}" (${rule})`);
        }
      }
      scored += 1;
    }
    assert.ok(scored >= 20, `${task.id} has ${scored} samples`);
  });
}
