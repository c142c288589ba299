// `--model openai:URL[,URL...]`: the base URLs of one model's replicas (each the part before
// `/chat/completions`, usually ending in /v1).
import { ConfigError } from '../../core/errors.js';

export interface Endpoint {
  /** scheme://host:port — one keep-alive connection pool each. */
  origin: string;
  /** Path prefix before /chat/completions, without a trailing slash (e.g. `/v1`). */
  basePath: string;
  /** How messages name this replica. */
  label: string;
}

export function parseEndpoints(target: string): Endpoint[] {
  const urls = target
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
  if (urls.length === 0) throw new ConfigError('openai: needs the server\'s base URL, e.g. --model openai:http://127.0.0.1:8000/v1', true);
  const endpoints = urls.map(parseEndpoint);
  const labels = new Set<string>();
  for (const endpoint of endpoints) {
    if (labels.has(endpoint.label)) throw new ConfigError(`openai: ${endpoint.label} is listed twice`, true);
    labels.add(endpoint.label);
  }
  return endpoints;
}

function parseEndpoint(text: string): Endpoint {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConfigError(`openai: "${text}" is not a URL; write the server's base URL, e.g. http://127.0.0.1:8000/v1`, true);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConfigError(`openai: ${url.protocol} URLs are not supported; use http:// or https://`, true);
  // The model spec is recorded in run.json and in the run id: a credential in it would be written out.
  if (url.username || url.password) {
    throw new ConfigError('openai: the URL carries credentials; put the API key in an environment variable and name it with --api-key-env', true);
  }
  if (url.search || url.hash) throw new ConfigError(`openai: ${url.origin}${url.pathname}: a base URL takes no query string or fragment`, true);
  const basePath = url.pathname.replace(/\/+$/, '');
  return { origin: url.origin, basePath, label: `${url.origin}${basePath}` };
}

/**
 * Several `--model openai:URL` flags name replicas of one model: they become one spec with a comma list,
 * so the run configuration (and the run id derived from it) is the same whichever way they were given.
 */
export function joinModelSpecs(values: string | string[]): string {
  const specs = (Array.isArray(values) ? values : [values]).filter((spec) => spec !== '');
  if (specs.length <= 1) return specs[0] ?? '';
  if (!specs.every((spec) => spec.startsWith('openai:'))) {
    throw new ConfigError(`--model was given ${specs.length} times; only openai:URL models take several (one per replica)`, true);
  }
  return `openai:${specs.map((spec) => spec.slice('openai:'.length)).join(',')}`;
}
