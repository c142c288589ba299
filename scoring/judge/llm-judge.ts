import type { Request, Runner } from '../../core/contracts/runner.js';
import { parseJudgement, type Judgement } from './parse-judgement.js';
import { JUDGE_PROMPT_VERSION, JUDGE_PROTOCOL, JUDGE_SYSTEM_PROMPT, judgeUserPrompt } from './video-chatgpt-prompt.js';

// The LLM judge asks a chat model Video-ChatGPT's question about each answer and reads its verdict. It
// is handed its runner (the engine builds one, with a response cache of its own, from `--judge`):
// scoring knows the protocol, not how to reach a server. Judgements drift with the judge, so its model
// name is pinned and recorded in run.json with the prompt version.

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

/** The judge on a runner that reaches the judge model; `close()` closes the runner. */
export function createLlmJudge(runner: Runner, judged: { model: string; endpoints: string[] }): LlmJudge {
  return {
    identity: { protocol: JUDGE_PROTOCOL, promptVersion: JUDGE_PROMPT_VERSION, model: judged.model, endpoints: judged.endpoints },
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
