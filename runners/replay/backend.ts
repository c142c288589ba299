// `replay:FILE`: answers from a predictions file. It has no flags of its own; reading a file costs no
// more than the engine's data pass, which it therefore skips (replaysPredictions).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../../core/errors.js';
import type { Backend } from '../../core/contracts/runner.js';

export const replayBackend: Backend<Record<string, never>> = {
  scheme: 'replay',
  usage: 'replay:FILE     answers from a predictions file (official [{question_id, answer}] JSON or samples.jsonl); FILE?latency=MS simulates a slow server',
  flags: {},
  parseOptions: () => ({}),
  operational: [],
  capabilities: { replaysPredictions: true },
  async create(target, _options, context) {
    const { createReplayRunner, parseReplayTarget } = await import('./replay-runner.js');
    const { file, latencyMs } = parseReplayTarget(target);
    if (!file) throw new ConfigError('replay: needs a predictions file, e.g. --model replay:results.json', true);
    if (!existsSync(file)) throw new ConfigError(`replay: predictions file not found: ${file}`);
    return createReplayRunner(path.resolve(file), { task: context.task, latencyMs });
  },
};
