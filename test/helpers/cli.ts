import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { main } from '../../cli/main.js';
import type { CommandIO } from '../../cli/io.js';
import { bundledDataDir, getTask } from '../../tasks/registry.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured output, as a non-interactive terminal would see it. */
export async function runCli(argv: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CommandIO = { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text), interactive: false };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

export function temporaryFolder(prefix = 'emu-eval-test-'): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** The most frequent gold answer of each sample (ties: first seen), as an official results file. */
export async function writeGoldPredictions(taskId: string, file: string, options: { split?: string; wrongEvery?: number } = {}): Promise<number> {
  const task = getTask(taskId);
  const entries: Array<{ question_id: string | number; answer: string }> = [];
  let index = 0;
  for await (const sample of task.load({ dataDir: bundledDataDir(task), split: options.split ?? task.defaultSplit, textOnly: true })) {
    const counts = new Map<string, number>();
    for (const answer of sample.answers) counts.set(answer, (counts.get(answer) ?? 0) + 1);
    const best = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'yes';
    const wrong = options.wrongEvery !== undefined && index % options.wrongEvery === 0;
    entries.push({ question_id: /^\d+$/.test(sample.id) ? Number(sample.id) : sample.id, answer: wrong ? 'zebra crossing' : best });
    index += 1;
  }
  writeFileSync(file, JSON.stringify(entries));
  return entries.length;
}
