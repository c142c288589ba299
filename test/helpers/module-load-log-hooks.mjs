// Module customization hooks (module.register) for tests that check what an import loads: every module
// that is loaded gets its URL appended, one per line, to the file named by `initialize`'s data.log.
// Plain JavaScript so that it needs no loader of its own.
import { appendFileSync } from 'node:fs';

let log;

export function initialize(data) {
  log = data.log;
}

export async function load(url, context, nextLoad) {
  const result = await nextLoad(url, context);
  appendFileSync(log, `${url}\n`);
  return result;
}
