// Two small bounds the runner needs: how many batches exist at once (prepared or running, a Semaphore),
// and how many images decode at once (sharp works on libuv's thread pool, four threads by default).

export { Semaphore } from '../../core/semaphore.js';

/** Maps with at most `limit` calls of `task` in flight; results keep the input order. */
export async function mapLimited<Item, Value>(items: Item[], limit: number, task: (item: Item, index: number) => Promise<Value>): Promise<Value[]> {
  const results = new Array<Value>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  return results;
}
