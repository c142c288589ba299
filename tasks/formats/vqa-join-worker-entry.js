// Worker threads do not inherit the main thread's tsx loader when emu-eval registers it from code
// (bin/emu-eval.js), so the worker registers it before loading the TypeScript worker (the compiled
// reader in dist/ starts vqa-join-worker.js directly).
import { register } from 'tsx/esm/api';

register();
await import('./vqa-join-worker.ts');
