// Wall time, CPU time and peak resident memory of a command run as a child process, as a user runs it.
// CPU time (user + system, all the process's threads) and the peak (maxRSS) are the child's own
// getrusage figures, printed as it exits: Node children through a preloaded hook,
// Python children through a wrapper around the script.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/emu-eval.js');

const MARK = '__emu_eval_max_rss_kb__';
// Node children also report the main thread's own CPU (Linux: /proc/self/task/<pid>/stat, utime + stime in
// clock ticks of 10 ms): the thread a whole-process run waits on when its worker threads are idle.
const nodeHook = `data:text/javascript,import{readFileSync as r}from'node:fs';process.on('exit',()=>{const u=process.resourceUsage();let m='';try{const s=r('/proc/self/task/'+process.pid+'/stat','utf8');const f=s.slice(s.lastIndexOf(')')+2).split(' ');m=' '+(Number(f[11])+Number(f[12]))*1e4}catch{}process.stderr.write('\\n${MARK}'+u.maxRSS+' '+(u.userCPUTime+u.systemCPUTime)+m+'\\n')})`;
/** Runs a script and reports its interpreter's peak RSS and CPU time after MARK (kept in step with MARK). */
const pythonWrapper = fileURLToPath(new URL('./official/run_measured.py', import.meta.url));

export interface Measurement {
  seconds: number;
  peakRssMiB: number;
  /** User + system CPU seconds of the child (less sensitive than wall time to other load on the machine). */
  cpuSeconds: number;
  /** CPU seconds of the main thread alone (Node children on Linux). */
  mainThreadCpuSeconds?: number;
  stderr: string;
}

function measureChild(executable: string, args: string[], env: NodeJS.ProcessEnv): Promise<Measurement> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(executable, args, { stdio: ['ignore', 'ignore', 'pipe'], env });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      const seconds = (performance.now() - started) / 1000;
      const marked = new RegExp(`${MARK}(\\d+) (\\d+)(?: (\\d+))?`).exec(stderr);
      if (code !== 0 || !marked) {
        reject(new Error(`${path.basename(executable)} ${args.join(' ')} exited ${code}: ${stderr.slice(-2000)}`));
        return;
      }
      resolve({
        seconds,
        peakRssMiB: Number(marked[1]) / 1024,
        cpuSeconds: Number(marked[2]) / 1e6,
        ...(marked[3] !== undefined ? { mainThreadCpuSeconds: Number(marked[3]) / 1e6 } : {}),
        stderr: stderr.replace(new RegExp(`\\n?${MARK}\\d+ \\d+(?: \\d+)?\\n`), ''),
      });
    });
  });
}

/** The emu-eval command (bin/emu-eval.js: the compiled dist/ when built). */
export function measureCli(args: string[], nodeFlags: string[] = [], env: NodeJS.ProcessEnv = process.env): Promise<Measurement> {
  return measureChild(process.execPath, [...nodeFlags, '--import', nodeHook, bin, ...args], env);
}

/** An ES module given as text, run by node (with the peak-memory hook). */
export function measureNodeModule(code: string, env: NodeJS.ProcessEnv = process.env): Promise<Measurement> {
  return measureChild(process.execPath, ['--import', nodeHook, '--input-type=module', '-e', code], env);
}

/** A Python script, with the interpreter's own peak memory. */
export function measurePython(python: string, script: string, args: string[]): Promise<Measurement> {
  return measureChild(python, [pythonWrapper, script, ...args], process.env);
}
