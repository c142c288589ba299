// Request → the body of POST /chat/completions: one user message whose content interleaves text and
// image_url parts in prompt order (a video is its frames, one image each), greedy decoding, and the
// server-specific extra fields last so they can set what the standard API cannot.
//
// The JSON around the images is serialized with a placeholder where each image URL goes, and the
// (memoized) URL bytes are spliced in as bytes: base64 needs no JSON escaping, and building the whole
// body as one string would copy each ~70 kB image URL into a fresh string, then into a fresh buffer,
// for every request — on these machines that cost more than the HTTP request itself.
import { randomBytes } from 'node:crypto';
import type { Part, Request } from '../../core/contracts/runner.js';
import type { ImageEncoder } from './image-encoder.js';

type ContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string } };

export interface ChatRequestSettings {
  modelName: string;
  extraBody: Record<string, unknown>;
  seed: number;
}

// Random per process, with control characters: no prompt text contains it by accident.
const PLACEHOLDER = `\u0001${randomBytes(8).toString('hex')}\u0001`;
const SERIALIZED_PLACEHOLDER = JSON.stringify(PLACEHOLDER).slice(1, -1);

async function contentOf(part: Part, images: ImageEncoder): Promise<{ content: ContentPart[]; urls: Buffer[] }> {
  if (part.type === 'text') return { content: [{ type: 'text', text: part.text }], urls: [] };
  const sources = part.type === 'image' ? [part.source] : part.frames;
  const urls = await Promise.all(sources.map((source) => images.dataUrl(source)));
  return { content: urls.map(() => ({ type: 'image_url', image_url: { url: PLACEHOLDER } })), urls };
}

export async function buildChatBody(request: Request, settings: ChatRequestSettings, images: ImageEncoder): Promise<Buffer> {
  const fields = { max_tokens: request.maxNewTokens, temperature: request.temperature ?? 0, seed: request.seed ?? settings.seed, ...(request.stop.length > 0 ? { stop: request.stop } : {}) };
  return serializeChat(request, [], fields, settings, images);
}

/**
 * The body of POST /chat/completions: the system message, one user message interleaving text and images,
 * then `trailing` messages; `fields` are the request's own settings, and the server-specific extra fields
 * come after them so they can set what the standard API cannot.
 */
export async function serializeChat(
  prompt: Pick<Request, 'parts' | 'system'>,
  trailing: Array<{ role: string; content: string }>,
  fields: Record<string, unknown>,
  settings: ChatRequestSettings,
  images: ImageEncoder,
): Promise<Buffer> {
  const parts = await Promise.all(prompt.parts.map((part) => contentOf(part, images)));
  const messages = [
    ...(prompt.system ? [{ role: 'system', content: prompt.system }] : []),
    { role: 'user', content: parts.flatMap((part) => part.content) },
    ...trailing,
  ];
  const json = JSON.stringify({
    model: settings.modelName,
    messages,
    ...fields,
    ...settings.extraBody,
    stream: false,
  });
  // Placeholders appear in document order, which is the order the URLs were collected in.
  const urls = parts.flatMap((part) => part.urls);
  const pieces = json.split(SERIALIZED_PLACEHOLDER);
  const chunks: Buffer[] = [Buffer.from(pieces[0]!)];
  urls.forEach((url, index) => chunks.push(url, Buffer.from(pieces[index + 1]!)));
  // One buffer: undici writes it with the headers in a single syscall (chunks would cost one each).
  return Buffer.concat(chunks);
}
