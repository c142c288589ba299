// `--judge openai:<url> --judge-model NAME`: the judge talks to its server through the very OpenAI
// backend the models use (same keep-alive pool, retries, adaptive concurrency, key handling), built from
// the registry with the response cache pointed at a folder of its own, so judge calls are cached apart
// from model answers. Video-ChatGPT's judge is a chat model behind an OpenAI-compatible API, hence the
// openai: spec; its model name is required, never discovered, because judgements drift with it.
import { cacheDirectory } from '../core/cache-directory.js';
import { ConfigError, errorMessage } from '../core/errors.js';
import type { Runner, RunnerOptions } from '../core/contracts/runner.js';
import { parseEndpoints } from '../runners/openai/endpoints.js';
import { createRunner } from '../runners/registry.js';
import type { LlmJudge } from '../scoring/judge/llm-judge.js';
import type { TaskGrader } from '../scoring/judge/task-grader.js';

const JUDGE_SCHEME = 'openai:';

export interface JudgeSettings {
  /** `openai:<base URL>[,<replica URL>...]`, as `--judge` takes it. */
  spec: string;
  /** `--judge-model`: the served judge model, pinned. */
  model: string;
  apiKeyEnv?: string;
  concurrency?: number;
  requestTimeoutMs?: number;
  maxRetries?: number;
  retryDelayMs?: number;
  /** Where judge replies are cached (default `$EMU_EVAL_CACHE/judge`, else `<repo>/.cache/judge`). */
  cacheDirectory?: string;
  noCache?: boolean;
}

/** The runner that reaches the judge model, with its pinned name and endpoints (no credentials). */
export async function openJudgeRunner(settings: JudgeSettings): Promise<{ runner: Runner; model: string; endpoints: string[] }> {
  if (!settings.model) {
    throw new ConfigError('--judge needs --judge-model NAME: judge scores drift with the judge model, so its name is pinned in run.json rather than discovered', true);
  }
  if (!settings.spec.startsWith(JUDGE_SCHEME)) {
    throw new ConfigError(`--judge takes openai:<base URL> (an OpenAI-compatible server, e.g. openai:http://127.0.0.1:8000/v1), found "${settings.spec}"`, true);
  }
  const endpoints = parseEndpoints(settings.spec.slice(JUDGE_SCHEME.length)).map((endpoint) => endpoint.label);
  const options: RunnerOptions = {
    modelName: settings.model,
    ...(settings.apiKeyEnv ? { apiKeyEnv: settings.apiKeyEnv } : {}),
    ...(settings.concurrency ? { concurrency: settings.concurrency } : {}),
    ...(settings.requestTimeoutMs ? { requestTimeoutMs: settings.requestTimeoutMs } : {}),
    ...(settings.maxRetries !== undefined ? { maxRetries: settings.maxRetries } : {}),
    ...(settings.retryDelayMs ? { retryDelayMs: settings.retryDelayMs } : {}),
    ...(settings.noCache ? { noCache: true } : { cacheDir: settings.cacheDirectory ?? cacheDirectory('judge') }),
  };
  try {
    return { runner: await createRunner(settings.spec, options), model: settings.model, endpoints };
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`--judge: ${error.message}`, error.usage);
    throw new ConfigError(`--judge: ${errorMessage(error)}`);
  }
}

/** Video-ChatGPT's judge for video QA, on the --judge server. */
export async function openLlmJudge(settings: JudgeSettings): Promise<LlmJudge> {
  const { runner, model, endpoints } = await openJudgeRunner(settings);
  // The judge's prompt and parser are imported only by runs that judge.
  const { createLlmJudge } = await import('../scoring/judge/llm-judge.js');
  return createLlmJudge(runner, { model, endpoints });
}

/** The grader of an LLM-graded task (MM-Vet), on the --judge server: `runs` independent gradings per sample. */
export async function openTaskGrader(settings: JudgeSettings, protocol: string, runs: number): Promise<TaskGrader> {
  const { runner, model, endpoints } = await openJudgeRunner(settings);
  const { createTaskGrader } = await import('../scoring/judge/task-grader.js');
  return createTaskGrader(protocol, runner, { model, endpoints, runs });
}
