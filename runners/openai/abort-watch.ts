// Hundreds of requests wait on one run signal at once (for a concurrency slot, in a retry pause, on the
// server). One listener per signal fans out to all of them: a listener each would trip Node's
// MaxListeners warning and cost a registration per request.
const watchers = new WeakMap<AbortSignal, Set<() => void>>();

/** Calls `callback` once when `signal` aborts; returns the function that stops watching. */
export function whenAborted(signal: AbortSignal, callback: () => void): () => void {
  if (signal.aborted) {
    callback();
    return () => {};
  }
  let callbacks = watchers.get(signal);
  if (!callbacks) {
    const registered = new Set<() => void>();
    callbacks = registered;
    watchers.set(signal, registered);
    signal.addEventListener(
      'abort',
      () => {
        watchers.delete(signal);
        for (const waiting of registered) waiting();
        registered.clear();
      },
      { once: true },
    );
  }
  callbacks.add(callback);
  const registered = callbacks;
  return () => registered.delete(callback);
}
