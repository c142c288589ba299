import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// The layers, top to bottom. A folder may import only the folders listed for it (and itself): imports flow one
// way, from the command line down to the contracts in core/. Tests, benchmarks and fixtures are outside.
const allowed: Record<string, string[]> = {
  bin: ['cli'],
  cli: ['evals', 'reports', 'tasks', 'runners', 'scoring', 'artifact', 'core'],
  evals: ['reports', 'tasks', 'runners', 'scoring', 'artifact', 'core'],
  reports: ['scoring', 'artifact', 'core'],
  tasks: ['scoring', 'artifact', 'core'],
  runners: ['artifact', 'core'],
  scoring: ['artifact', 'core'],
  artifact: ['core'],
  core: [],
};

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const sourceFile = /\.(ts|js|mjs)$/;
const importSpecifier = /(?:import|export)\s[^'"`;]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function sourceFiles(): string[] {
  const files: string[] = [];
  const walk = (directory: string) => {
    for (const name of readdirSync(directory)) {
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const full = path.join(directory, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (sourceFile.test(name) && !name.endsWith('.d.ts')) files.push(full);
    }
  };
  for (const layer of Object.keys(allowed)) walk(path.join(root, layer));
  return files;
}

function layerOf(file: string): string {
  return path.relative(root, file).split(path.sep)[0]!;
}

/** Relative imports of every source file, resolved to files (`.js` specifiers name `.ts` sources). */
function importGraph(): Map<string, string[]> {
  const files = sourceFiles();
  const known = new Set(files);
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const targets: string[] = [];
    for (const match of readFileSync(file, 'utf8').matchAll(importSpecifier)) {
      const resolved = path.resolve(path.dirname(file), (match[1] ?? match[2])!);
      const target = [resolved, resolved.replace(/\.js$/, '.ts'), `${resolved}.ts`, path.join(resolved, 'index.ts')].find((candidate) => known.has(candidate));
      if (target) targets.push(target);
    }
    graph.set(file, targets);
  }
  return graph;
}

/** Strongly connected components of more than one file (Tarjan). */
function importCycles(graph: Map<string, string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (file: string) => {
    index.set(file, counter);
    low.set(file, counter++);
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(file, Math.min(low.get(file)!, low.get(target)!));
      } else if (onStack.has(target)) low.set(file, Math.min(low.get(file)!, index.get(target)!));
    }
    if (low.get(file) === index.get(file)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(path.relative(root, member));
      } while (member !== file);
      if (component.length > 1) cycles.push(component.sort());
    }
  };
  for (const file of graph.keys()) if (!index.has(file)) visit(file);
  return cycles;
}

describe('import layers', () => {
  const graph = importGraph();

  it('finds the source files', () => {
    assert.ok(graph.size > 200, `only ${graph.size} source files found under ${root}`);
  });

  it('imports flow one way: no folder imports a layer above it or beside it', () => {
    const wrong: string[] = [];
    for (const [file, targets] of graph) {
      const from = layerOf(file);
      for (const target of targets) {
        const to = layerOf(target);
        if (to !== from && !allowed[from]!.includes(to)) wrong.push(`${path.relative(root, file)} -> ${path.relative(root, target)}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it('has no import cycles', () => {
    assert.deepEqual(importCycles(graph), []);
  });

  it('the contracts in core/contracts import nothing but each other', () => {
    const outside = [...graph]
      .filter(([file]) => path.relative(root, file).startsWith(`core${path.sep}contracts`))
      .flatMap(([file, targets]) => targets.filter((target) => !path.relative(root, target).startsWith(`core${path.sep}contracts`)).map((target) => `${path.relative(root, file)} -> ${path.relative(root, target)}`));
    assert.deepEqual(outside, []);
  });
});
