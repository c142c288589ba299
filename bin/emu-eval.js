#!/usr/bin/env node
// emu-eval ships its TypeScript sources and runs them through tsx: no build step between a
// checkout and a working CLI, and no stale compiled copy to drift from the sources.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
