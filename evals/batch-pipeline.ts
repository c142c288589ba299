/**
 * Feeds items to an async worker in batches with at most `maxInFlight` batches running, so the next
 * batch is being prepared (images decoded, requests built) while the current one is on the model.
 * Stops taking new items once `signal` aborts; batches already started are awaited, not dropped.
 */
export async function runInBatches<T>(
  items: AsyncIterable<T>,
  options: { batchSize: number; maxInFlight: number; signal: AbortSignal },
  work: (batch: T[]) => Promise<void>,
): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const launch = async (batch: T[]): Promise<void> => {
    while (inFlight.size >= options.maxInFlight) await Promise.race(inFlight);
    if (failure !== undefined) return;
    const running: Promise<void> = work(batch)
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => inFlight.delete(running));
    inFlight.add(running);
  };
  let batch: T[] = [];
  for await (const item of items) {
    if (options.signal.aborted || failure !== undefined) break;
    batch.push(item);
    if (batch.length >= options.batchSize) {
      await launch(batch);
      batch = [];
    }
  }
  if (batch.length > 0 && !options.signal.aborted && failure === undefined) await launch(batch);
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
}
