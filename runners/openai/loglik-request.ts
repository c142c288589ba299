// LoglikRequest + one continuation → the body of POST /chat/completions that makes the server score it:
// the continuation is the final assistant message, which the chat template renders without closing it
// (`continue_final_message: true`, `add_generation_prompt: false`), so it sits exactly where the model's
// answer would begin; `prompt_logprobs: 0` asks vLLM for the log-probability of every prompt token
// (the continuation's among them); `return_token_ids` has newer vLLM versions name those tokens' ids.
// One token is generated because the API wants at least one; it is ignored. Images travel as in
// generation (image_url parts), so multimodal chat models score with their images, which vLLM's
// /completions route (echo + logprobs) cannot do.
import type { LoglikRequest } from '../../core/contracts/runner.js';
import { serializeChat, type ChatRequestSettings } from './chat-request.js';
import type { ImageEncoder } from './image-encoder.js';

export function buildLoglikBody(request: LoglikRequest, continuation: string, settings: ChatRequestSettings, images: ImageEncoder): Promise<Buffer> {
  const fields = {
    max_tokens: 1,
    temperature: 0,
    seed: settings.seed,
    prompt_logprobs: 0,
    return_token_ids: true,
    add_generation_prompt: false,
    continue_final_message: true,
  };
  return serializeChat(request, [{ role: 'assistant', content: continuation }], fields, settings, images);
}
