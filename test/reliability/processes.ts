// The CLI as a real child process (bin/emu-eval.js, as a user runs it), for the tests that kill it,
// interrupt it or run two at once: signals and locks only mean something across processes. It runs the
// sources under test (EMU_EVAL_FROM_SOURCE=1), never a compiled dist/ that may predate them.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const bin = path.join(repositoryRoot, 'bin', 'emu-eval.js');

const created: string[] = [];
after(() => {
  for (const folder of created) rmSync(folder, { recursive: true, force: true });
});

/** A temporary folder removed when the test file ends (the datasets and runs here add up to megabytes). */
export function scratchFolder(prefix = 'emu-eval-reliability-'): string {
  const folder = mkdtempSync(path.join(tmpdir(), prefix));
  created.push(folder);
  return folder;
}

export interface CliProcess {
  child: ChildProcess;
  /** Resolves with the exit code, or the signal's name when the process was killed by one. */
  exited: Promise<number | string>;
  output(): { stdout: string; stderr: string };
}

export function startCli(args: string[], env: Record<string, string | undefined> = {}, cwd = repositoryRoot): CliProcess {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, EMU_EVAL_FROM_SOURCE: '1', ...env }, cwd });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return { child, exited, output: () => ({ stdout, stderr }) };
}

/** Runs the CLI to completion. */
export async function runCliProcess(args: string[], env: Record<string, string | undefined> = {}, cwd?: string): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const started = startCli(args, env, cwd);
  const code = await started.exited;
  return { code, ...started.output() };
}

export function fileSize(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

/** Waits until `condition` holds or the process ends; true when the condition was met first. */
export async function waitFor(started: CliProcess, condition: () => boolean, pollMs = 5): Promise<boolean> {
  let ended = false;
  void started.exited.then(() => (ended = true));
  for (;;) {
    if (condition()) return true;
    if (ended) return false;
    await sleep(pollMs);
  }
}

export function readLines(file: string): string[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((line) => line.length > 0);
}
