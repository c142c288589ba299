// Several replicas of one model (`openai:URL1,URL2`): each request goes to the replica with the fewest
// requests outstanding, so a slow or busy replica gets less work and a fast one more, without knowing
// their speeds in advance. A replica whose connections keep failing is used only when no other is left.
import type { Endpoint } from './endpoints.js';

export interface Replica {
  endpoint: Endpoint;
  outstanding: number;
  /** Connection failures in a row; reset by any response. */
  consecutiveFailures: number;
}

export class ReplicaSet {
  readonly replicas: Replica[];
  private cursor = 0;

  constructor(endpoints: Endpoint[]) {
    this.replicas = endpoints.map((endpoint) => ({ endpoint, outstanding: 0, consecutiveFailures: 0 }));
  }

  /** The least-loaded healthy replica; `avoid` (the one that just failed this request) only as a last resort. */
  pick(avoid?: Replica): Replica {
    const count = this.replicas.length;
    if (count === 1) return this.replicas[0]!;
    let best: Replica | undefined;
    let bestScore = Infinity;
    // Start the scan at a rotating position so ties spread round-robin instead of piling on the first.
    for (let offset = 0; offset < count; offset += 1) {
      const replica = this.replicas[(this.cursor + offset) % count]!;
      const score = replica.outstanding + (replica.consecutiveFailures > 0 ? 1_000_000 * replica.consecutiveFailures : 0) + (replica === avoid ? 1_000_000_000 : 0);
      if (score < bestScore) {
        best = replica;
        bestScore = score;
      }
    }
    this.cursor = (this.cursor + 1) % count;
    return best!;
  }

  begin(replica: Replica): void {
    replica.outstanding += 1;
  }

  end(replica: Replica, connected: boolean): void {
    replica.outstanding -= 1;
    replica.consecutiveFailures = connected ? 0 : replica.consecutiveFailures + 1;
  }
}
