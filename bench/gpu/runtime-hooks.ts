// Module resolution hook for the measuring child of `npm run bench -- gpu`: `onnxruntime-node`, wherever
// it is imported (the runner's own session and generation code included), resolves to the copy installed
// from the vendor tarballs (the CUDA build), not the project's. Registered by ./measure-generation.ts.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

let runtimeParent: string | undefined;

export function initialize(data: { runtime: string }): void {
  runtimeParent = pathToFileURL(path.join(data.runtime, 'node_modules', 'resolve-from-here.js')).href;
}

type Resolve = (specifier: string, context: { parentURL?: string }) => Promise<unknown>;

export async function resolve(specifier: string, context: { parentURL?: string }, nextResolve: Resolve): Promise<unknown> {
  if (runtimeParent && specifier === 'onnxruntime-node') return nextResolve(specifier, { ...context, parentURL: runtimeParent });
  return nextResolve(specifier, context);
}
