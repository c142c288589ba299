import { ConfigError } from '../core/errors.js';

const scale: Record<string, number> = { '': 1, k: 1e3, m: 1e6, b: 1e9, g: 1e9, t: 1e12 };

/**
 * `--params` as people write counts: `37e9`, `37000000000`, `37B`, `1.6b`, `800M`. A bare number is a
 * raw count, as `run --params` takes it; one below a thousand is almost surely meant in billions, and
 * is refused rather than read as a 37-parameter model.
 */
export function parseParameterCount(text: string | number): number {
  const match = /^\s*(\d+(?:\.\d+)?(?:e\d+)?)\s*([kmbgt]?)\s*$/i.exec(String(text));
  if (!match) throw new ConfigError(`--params ${text}: write a count like 37e9, 37B or 800M`, true);
  const value = Number(match[1]) * scale[match[2]!.toLowerCase()]!;
  if (!(value >= 1000)) throw new ConfigError(`--params ${text}: ${value} parameters is not a model size; did you mean ${text}B?`, true);
  return value;
}
