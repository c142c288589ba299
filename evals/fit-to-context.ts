import type { Sample } from '../core/contracts/task.js';
import type { Request, Runner } from '../core/contracts/runner.js';

export interface FittedPrompt {
  request: Request;
  demos: Sample[];
  dropped: number;
}

/**
 * When the demonstrations do not fit the model's context (prompt + new tokens), drop the least
 * relevant — the first, since the most relevant sits next to the query — until they do. Runners that
 * cannot count tokens (HTTP servers) get the full prompt; the server's own limit then applies.
 */
export async function fitToContext(runner: Runner, demos: Sample[], build: (demos: Sample[]) => Request): Promise<FittedPrompt> {
  let kept = demos;
  let request = build(kept);
  if (!runner.promptTokens || runner.contextLength === undefined || kept.length === 0) return { request, demos: kept, dropped: 0 };
  const tokens = async (candidate: Request) => {
    try {
      return await runner.promptTokens!(candidate);
    } catch {
      // A prompt the runner cannot encode fails as that sample's error when generated; not here.
      return 0;
    }
  };
  while (kept.length > 0 && (await tokens(request)) + request.maxNewTokens > runner.contextLength) {
    kept = kept.slice(1);
    request = build(kept);
  }
  return { request, demos: kept, dropped: demos.length - kept.length };
}
