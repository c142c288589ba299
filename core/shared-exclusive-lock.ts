import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Many holders at once, or one alone. Waiters are served in arrival order, so a waiting exclusive
 * holder is not starved by a stream of shared ones. Work done inside an exclusive section may take the
 * shared side again without waiting for itself.
 */
export class SharedExclusiveLock {
  private sharedHolders = 0;
  private exclusiveHeld = false;
  private readonly waiting: Array<{ exclusive: boolean; grant: () => void }> = [];
  private readonly insideExclusive = new AsyncLocalStorage<true>();

  async shared<Value>(task: () => Promise<Value>): Promise<Value> {
    if (this.insideExclusive.getStore()) return task();
    await this.acquire(false);
    try {
      return await task();
    } finally {
      this.sharedHolders--;
      this.serveWaiting();
    }
  }

  async exclusive<Value>(task: () => Promise<Value>): Promise<Value> {
    if (this.insideExclusive.getStore()) return task();
    await this.acquire(true);
    try {
      return await this.insideExclusive.run(true, task);
    } finally {
      this.exclusiveHeld = false;
      this.serveWaiting();
    }
  }

  private acquire(exclusive: boolean): Promise<void> {
    if (this.waiting.length === 0 && this.grantable(exclusive)) {
      this.take(exclusive);
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push({ exclusive, grant: resolve }));
  }

  private grantable(exclusive: boolean): boolean {
    return exclusive ? !this.exclusiveHeld && this.sharedHolders === 0 : !this.exclusiveHeld;
  }

  private take(exclusive: boolean): void {
    if (exclusive) this.exclusiveHeld = true;
    else this.sharedHolders++;
  }

  private serveWaiting(): void {
    while (this.waiting.length > 0 && this.grantable(this.waiting[0]!.exclusive)) {
      const next = this.waiting.shift()!;
      this.take(next.exclusive);
      next.grant();
    }
  }
}
