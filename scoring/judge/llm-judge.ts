import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, errorMessage } from '../../core/errors.js';
import { withResponseCache } from '../../runners/cache/response-cache.js';
import { createOpenAIRunnerFromOptions } from '../../runners/openai/create-from-options.js';
import { parseEndpoints } from '../../runners/openai/endpoints.js';
import type { Request, Runner } from '../../core/contracts/runner.js';
import { parseJudgement, type Judgement } from './parse-judgement.js';
import { JUDGE_PROMPT_VERSION, JUDGE_PROTOCOL, JUDGE_SYSTEM_PROMPT, judgeUserPrompt } from './video-chatgpt-prompt.js';

// The LLM judge (`--judge openai:<url> --judge-model NAME`) talks to its server through the very
// OpenAI runner the models use — same keep-alive pool, retries, adaptive concurrency, key handling —
// wrapped in the response cache pointed at a folder of its own, so judge calls are cached apart from
// model answers. Judgements drift with the judge, so its model name is required, never discovered,
// and recorded in run.json with the prompt version.

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

/** What run.json records about the judge (no key, no credentials: URLs carrying them are refused). */
export interface JudgeIdentity {
  protocol: typeof JUDGE_PROTOCOL;
  promptVersion: number;
  model: string;
  endpoints: string[];
}

export interface JudgeItem {
  sampleId: string;
  question: string;
  /** The gold answer. */
  answer: string;
  /** The model's answer, as Video-ChatGPT passes it: the raw output, whitespace-trimmed. */
  prediction: string;
}

export type JudgeOutcome = ({ status: 'judged'; cached: boolean } & Judgement & { sampleId: string }) | { status: 'failed'; sampleId: string; error: string };

export interface LlmJudge {
  identity: JudgeIdentity;
  /** One outcome per item, in order. A call that fails (after the runner's retries) or a reply that can't be parsed is `failed`. */
  judge(items: readonly JudgeItem[], signal: AbortSignal): Promise<JudgeOutcome[]>;
  close(): Promise<void>;
}

/** Enough for `{'pred': 'yes', 'score': 5}` with room for a chatty judge that still complies. */
const JUDGE_MAX_NEW_TOKENS = 100;
/** Items handed to the runner at a time; its own limiter decides how many are on the wire. */
const JUDGE_BATCH = 256;

export function defaultJudgeCacheDirectory(): string {
  const base = process.env.EMU_EVAL_CACHE ? path.resolve(process.env.EMU_EVAL_CACHE) : fileURLToPath(new URL('../../.cache', import.meta.url));
  return path.join(base, 'judge');
}

export function judgeRequest(item: JudgeItem): Request {
  return {
    sampleId: item.sampleId,
    system: JUDGE_SYSTEM_PROMPT,
    parts: [{ type: 'text', text: judgeUserPrompt(item.question, item.answer, item.prediction.trim()) }],
    maxNewTokens: JUDGE_MAX_NEW_TOKENS,
    numBeams: 1,
    stop: [],
  };
}

export function parseJudgeSpec(spec: string): string {
  if (!spec.startsWith('openai:')) throw new ConfigError(`--judge takes openai:<base URL> (an OpenAI-compatible server, e.g. openai:http://127.0.0.1:8000/v1), found "${spec}"`, true);
  return spec.slice('openai:'.length);
}

/** Builds the judge on a runner; `createRunner` is injectable so tests can hand in a fake. */
export async function createLlmJudge(settings: JudgeSettings, createRunner: (target: string) => Promise<Runner> = (target) => openAIJudgeRunner(target, settings)): Promise<LlmJudge> {
  if (!settings.model) {
    throw new ConfigError('--judge needs --judge-model NAME: judge scores drift with the judge model, so its name is pinned in run.json rather than discovered', true);
  }
  const target = parseJudgeSpec(settings.spec);
  const endpoints = parseEndpoints(target).map((endpoint) => endpoint.label);
  const base = await createRunner(target);
  const runner = settings.noCache ? base : withResponseCache(base, { directory: settings.cacheDirectory ?? defaultJudgeCacheDirectory() });
  return {
    identity: { protocol: JUDGE_PROTOCOL, promptVersion: JUDGE_PROMPT_VERSION, model: settings.model, endpoints },
    async judge(items, signal) {
      const outcomes: JudgeOutcome[] = [];
      for (let start = 0; start < items.length; start += JUDGE_BATCH) {
        const batch = items.slice(start, start + JUDGE_BATCH);
        const outputs = await runner.generate(batch.map(judgeRequest), signal);
        batch.forEach((item, index) => {
          const output = outputs[index];
          if (!output || output.finishReason === 'error') {
            outcomes.push({ status: 'failed', sampleId: item.sampleId, error: `judge call failed: ${output?.error ?? 'no output'}` });
            return;
          }
          const parsed = parseJudgement(output.text);
          outcomes.push(parsed.ok ? { status: 'judged', sampleId: item.sampleId, cached: output.cached === true, ...parsed.judgement } : { status: 'failed', sampleId: item.sampleId, error: `judge reply unusable: ${parsed.reason}` });
        });
      }
      return outcomes;
    },
    close: () => runner.close(),
  };
}

async function openAIJudgeRunner(target: string, settings: JudgeSettings): Promise<Runner> {
  try {
    return await createOpenAIRunnerFromOptions(target, {
      modelName: settings.model,
      ...(settings.apiKeyEnv ? { apiKeyEnv: settings.apiKeyEnv } : {}),
      ...(settings.concurrency ? { concurrency: settings.concurrency } : {}),
      ...(settings.requestTimeoutMs ? { requestTimeoutMs: settings.requestTimeoutMs } : {}),
      ...(settings.maxRetries !== undefined ? { maxRetries: settings.maxRetries } : {}),
      ...(settings.retryDelayMs ? { retryDelayMs: settings.retryDelayMs } : {}),
    });
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`--judge: ${error.message}`, error.usage);
    throw new ConfigError(`--judge: ${errorMessage(error)}`);
  }
}
