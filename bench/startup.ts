// Start-up of the emu-eval command against a bare `node -e 0` on the same machine: the commands that
// do no work (`--help`, `tasks`) show what loading the CLI costs. Runs alternate (node, --help, tasks,
// node, ...) so load from other processes hits all three alike; the median of RUNS each is reported.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bin } from './measure-process.js';
import type { BenchResult } from './types.js';

const RUNS = 11;
const TARGET_RATIO = 3;

function seconds(args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return (performance.now() - started) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function benchStartup(): Promise<BenchResult> {
  const compiled = existsSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/cli/main.js'));
  if (!compiled) throw new Error('dist/ is missing: run `npm run build` (npm ci does) so the bench times the command users run');
  // `tasks` prints the listing the build wrote while it matches the task code and bundled samples; a stale
  // one (sources compiled by tsc alone, samples regenerated) makes it count every sample again.
  const compiledListing = new URL('../dist/cli/task-listing.js', import.meta.url).href;
  const listing: typeof import('../cli/task-listing.js') = await import(compiledListing);
  const listingFresh = listing.readTaskListing(listing.taskListingFile, listing.taskListingInputs()) !== undefined;
  const commands: Record<string, string[]> = { 'node -e 0': ['-e', '0'], 'emu-eval --help': [bin, '--help'], 'emu-eval tasks': [bin, 'tasks'], 'emu-eval tasks --json': [bin, 'tasks', '--json'] };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
  for (const args of Object.values(commands)) seconds(args); // warm the file cache
  for (let run = 0; run < RUNS; run++) for (const [name, args] of Object.entries(commands)) times[name]!.push(seconds(args));
  const bare = median(times['node -e 0']!);
  const rows = Object.entries(times).map(([name, values]) => ({
    command: name,
    'median ms': Math.round(median(values) * 1000),
    'min ms': Math.round(Math.min(...values) * 1000),
    'x bare node': (median(values) / bare).toFixed(2),
  }));
  return {
    name: 'startup',
    rows,
    notes: [
      `median of ${RUNS} alternating runs each after one warm-up; target: --help and tasks within ${TARGET_RATIO}x of a bare node start`,
      `the command runs the compiled JavaScript in dist/ (bin/emu-eval.js); Node ${process.version}, ${process.platform}/${process.arch}`,
      listingFresh ? 'tasks printed the task listing written by the build (dist/task-listing.json)' : 'the build\'s task listing is missing or stale (run `npm run build`): tasks counted every bundled sample',
    ],
  };
}
