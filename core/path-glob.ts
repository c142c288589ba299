import fs from 'node:fs';
import path from 'node:path';

// `emu-eval merge 'runs/shard-*'`: a quoted pattern, or one the shell left alone because nothing
// matched where it ran (or it ran no shell: a Kubernetes args list, a Slurm --wrap), reaches us as text.
// Node 20 has no fs.glob, and `*`, `?` and `[...]` within path segments cover what people type here.

const GLOB_CHARACTERS = /[*?[]/;

function segmentPattern(segment: string): RegExp {
  let source = '';
  for (let at = 0; at < segment.length; at += 1) {
    const character = segment[at]!;
    if (character === '*') source += '[^/]*';
    else if (character === '?') source += '[^/]';
    else if (character === '[') {
      const close = segment.indexOf(']', at + 2);
      if (close < 0) source += '\\[';
      else {
        const body = segment.slice(at + 1, close);
        source += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        at = close;
      }
    } else source += character.replace(/[.+^${}()|\\\]]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** The paths a pattern matches, sorted by name (natural order: shard-2 before shard-10); dot files only when the pattern names them. */
export function expandGlob(pattern: string): string[] {
  const absolute = path.isAbsolute(pattern);
  const segments = pattern.split(/[\\/]+/).filter((segment) => segment !== '');
  let found = [absolute ? path.parse(path.resolve(pattern)).root : ''];
  for (const segment of segments) {
    const next: string[] = [];
    for (const base of found) {
      if (!GLOB_CHARACTERS.test(segment)) {
        const joined = base ? path.join(base, segment) : segment;
        if (fs.existsSync(joined)) next.push(joined);
        continue;
      }
      const matcher = segmentPattern(segment);
      let names: string[];
      try {
        names = fs.readdirSync(base || '.');
      } catch {
        continue;
      }
      for (const name of names) {
        if (name.startsWith('.') && !segment.startsWith('.')) continue;
        if (matcher.test(name)) next.push(base ? path.join(base, name) : name);
      }
    }
    found = next;
  }
  return found.sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
}

/**
 * Each argument that is not an existing path but holds glob characters replaced by its matches; a pattern
 * that matches nothing stays as given, so the caller reports it as the missing path it is.
 */
export function expandGlobArguments(values: readonly string[]): string[] {
  return values.flatMap((value) => {
    if (!GLOB_CHARACTERS.test(value) || fs.existsSync(value)) return [value];
    const matches = expandGlob(value);
    return matches.length > 0 ? matches : [value];
  });
}
