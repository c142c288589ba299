// The main thread's side of the inference workers: one worker per device, jobs handed to whichever is
// idle (first come, first served), and aborts delivered through each job's shared cancel flag.
import { Worker } from 'node:worker_threads';
import { ConfigError, RunnerError } from '../../core/errors.js';
import type { GeneratedRow, GenerationRow } from './generation-types.js';
import type { LoglikRow, ScoredRow } from './score-continuations.js';
import type { WorkerInit, WorkerReady, WorkerResponse } from './worker-protocol.js';

// Run from the TypeScript sources (tests, `npm run emu-eval`), a worker starts through worker-entry.js,
// which registers tsx; compiled (dist/, what the `emu-eval` command runs) it loads worker.js directly.
export function workerEntry(moduleUrl: string): URL {
  return new URL(moduleUrl.endsWith('.ts') ? './worker-entry.js' : './worker.js', moduleUrl);
}

const WORKER_ENTRY = workerEntry(import.meta.url);

interface PendingJob {
  jobId: number;
  resolve(result: { results: GeneratedRow[] | ScoredRow[]; computeMs: number }): void;
  reject(error: Error): void;
}

interface PoolWorker {
  worker: Worker;
  label: string;
  alive: boolean;
  job?: PendingJob;
}

export class WorkerPool {
  private readonly idle: PoolWorker[] = [];
  private readonly waiting: Array<{ grant(worker: PoolWorker): void; refuse(error: Error): void }> = [];
  private nextJobId = 1;
  private closed = false;

  private constructor(private readonly workers: PoolWorker[]) {
    this.idle.push(...workers);
  }

  /** Starts one worker per init message and waits until each has loaded its sessions. */
  static async start(inits: WorkerInit[]): Promise<{ pool: WorkerPool; ready: WorkerReady[] }> {
    const workers: PoolWorker[] = inits.map((init) => ({
      // tsx is registered by worker-entry.js itself; inheriting `--import tsx` too would load it twice.
      worker: new Worker(WORKER_ENTRY, { execArgv: withoutTsxLoader(process.execArgv) }),
      label: init.label,
      alive: true,
    }));
    try {
      const ready = await Promise.all(workers.map((entry, index) => awaitReady(entry, inits[index])));
      const pool = new WorkerPool(workers);
      for (const entry of workers) pool.watch(entry);
      return { pool, ready };
    } catch (error) {
      await Promise.all(workers.map((entry) => entry.worker.terminate()));
      throw error;
    }
  }

  /** Generates for each row on the next idle worker. */
  run(rows: GenerationRow[], transfer: ArrayBuffer[], signal: AbortSignal): Promise<{ results: GeneratedRow[]; computeMs: number }> {
    return this.runJob('generate', rows, transfer, signal) as Promise<{ results: GeneratedRow[]; computeMs: number }>;
  }

  /** Scores each row's continuations (the loglik request kind) on the next idle worker. */
  score(rows: LoglikRow[], transfer: ArrayBuffer[], signal: AbortSignal): Promise<{ results: ScoredRow[]; computeMs: number }> {
    return this.runJob('loglik', rows, transfer, signal) as Promise<{ results: ScoredRow[]; computeMs: number }>;
  }

  private async runJob(type: 'generate' | 'loglik', rows: GenerationRow[] | LoglikRow[], transfer: ArrayBuffer[], signal: AbortSignal): Promise<{ results: GeneratedRow[] | ScoredRow[]; computeMs: number }> {
    const entry = await this.acquire(signal);
    const cancel = new SharedArrayBuffer(4);
    const onAbort = () => Atomics.store(new Int32Array(cancel), 0, 1);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      return await new Promise((resolve, reject) => {
        const jobId = this.nextJobId++;
        entry.job = { jobId, resolve, reject };
        entry.worker.postMessage({ type, jobId, rows, cancel }, transfer);
      });
    } finally {
      signal.removeEventListener('abort', onAbort);
      entry.job = undefined;
      this.release(entry);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const waiter of this.waiting.splice(0)) waiter.refuse(new RunnerError('the ONNX runner was closed'));
    for (const entry of this.workers) entry.job?.reject(new RunnerError('the ONNX runner was closed'));
    await Promise.all(this.workers.map((entry) => entry.worker.terminate()));
  }

  private watch(entry: PoolWorker): void {
    entry.worker.on('message', (message: WorkerResponse) => {
      const job = entry.job;
      if (!job || !('jobId' in message) || message.jobId !== job.jobId) return;
      if (message.type === 'done') job.resolve({ results: message.results, computeMs: message.computeMs });
      else if (message.type === 'failed') {
        const error = message.aborted ? new DOMException('generation was aborted', 'AbortError') : new RunnerError(`${entry.label}: ${message.message}`);
        job.reject(error);
      }
    });
    const die = (reason: string) => {
      if (!entry.alive) return;
      entry.alive = false;
      entry.job?.reject(new RunnerError(`ONNX worker ${entry.label} stopped: ${reason}`));
      if (this.workers.every((worker) => !worker.alive)) {
        for (const waiter of this.waiting.splice(0)) waiter.refuse(new RunnerError('every ONNX worker has stopped'));
      }
    };
    entry.worker.on('error', (error) => die(error.message));
    entry.worker.on('exit', (code) => die(`exit code ${code}`));
  }

  private acquire(signal: AbortSignal): Promise<PoolWorker> {
    if (this.closed) return Promise.reject(new RunnerError('the ONNX runner was closed'));
    if (this.workers.every((entry) => !entry.alive)) return Promise.reject(new RunnerError('every ONNX worker has stopped'));
    signal.throwIfAborted();
    const free = this.idle.shift();
    if (free) return Promise.resolve(free);
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: (worker: PoolWorker) => {
          signal.removeEventListener('abort', onAbort);
          resolve(worker);
        },
        refuse: (error: Error) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      const onAbort = () => {
        this.waiting.splice(this.waiting.indexOf(waiter), 1);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private release(entry: PoolWorker): void {
    if (!entry.alive || this.closed) return;
    const waiter = this.waiting.shift();
    if (waiter) waiter.grant(entry);
    else this.idle.push(entry);
  }
}

/** The main thread's node flags minus any that load tsx (`--import tsx`, `--import=tsx`, `--require …`). */
export function withoutTsxLoader(flags: readonly string[]): string[] {
  const loaderFlags = ['--import', '--require', '-r', '--loader', '--experimental-loader'];
  const kept: string[] = [];
  for (let index = 0; index < flags.length; index++) {
    const flag = flags[index];
    if (loaderFlags.includes(flag) && flags[index + 1]?.includes('tsx')) {
      index++;
      continue;
    }
    if (loaderFlags.some((loader) => flag.startsWith(`${loader}=`)) && flag.includes('tsx')) continue;
    kept.push(flag);
  }
  return kept;
}

function awaitReady(entry: PoolWorker, init: WorkerInit): Promise<WorkerReady> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      entry.worker.off('message', onMessage);
      entry.worker.off('error', onError);
      entry.worker.off('exit', onExit);
    };
    const onMessage = (message: WorkerResponse) => {
      if (message.type === 'ready') {
        cleanup();
        resolve(message);
      } else if (message.type === 'init-failed') {
        cleanup();
        reject(message.configError ? new ConfigError(message.message) : new RunnerError(message.message));
      }
    };
    const onError = (error: Error) => {
      cleanup();
      reject(new RunnerError(`ONNX worker ${init.label} failed to start: ${error.message}`));
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new RunnerError(`ONNX worker ${init.label} exited with code ${code} while loading the model`));
    };
    entry.worker.on('message', onMessage);
    entry.worker.on('error', onError);
    entry.worker.on('exit', onExit);
    entry.worker.postMessage(init);
  });
}
