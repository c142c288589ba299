#!/usr/bin/env node
// The `emu-eval` command runs the compiled JavaScript in dist/ (built by `npm run build`, which `npm ci`
// runs through the `prepare` script): no TypeScript compiler at start-up. A checkout without a build —
// or a developer after editing sources, with EMU_EVAL_FROM_SOURCE=1 — runs the sources through tsx.
import { existsSync } from 'node:fs';

const compiled = new URL('../dist/cli/main.js', import.meta.url);
let main;
if (process.env.EMU_EVAL_FROM_SOURCE !== '1' && existsSync(compiled)) {
  ({ main } = await import(compiled.href));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
