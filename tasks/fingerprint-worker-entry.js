// From the TypeScript sources the fingerprint worker starts through this entry, which registers tsx
// (a worker thread does not inherit a loader registered from code); dist/ starts the compiled worker.
import { register } from 'tsx/esm/api';

register();
await import('./fingerprint-worker.ts');
