// Two small bounds the runner needs: how many batches exist at once (prepared or running), and how many
// images decode at once (sharp works on libuv's thread pool, four threads by default).

export class Semaphore {
  private readonly waiting: Array<() => void> = [];

  constructor(private available: number) {}

  async use<Value>(task: () => Promise<Value>): Promise<Value> {
    if (this.available > 0) this.available--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.available++;
    }
  }
}

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
