// Worker threads do not inherit the main thread's tsx loader when emu-eval registers it from code
// (bin/emu-eval.js), so each worker registers it before loading the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
