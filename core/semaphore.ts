/** At most N tasks at a time; a finished task hands its slot straight to the next waiting one, in order. */
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
