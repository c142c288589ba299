import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { packageRoot } from '../../core/package-root.js';
// @ts-expect-error a plain JavaScript build script, no declarations
import { bundlePackages, vendorPackage } from '../../scripts/bundle-packages.mjs';

// An entry like the compiled dist/cli/main.js: yargs and a module of its own, statically and dynamically.
const entrySource = `import yargs from 'yargs';
import { marker } from './own.mjs';
const again = await import('./own.mjs');
if (again.marker !== marker) throw new Error('own module loaded twice');
await yargs(process.argv.slice(2)).scriptName('fixture').command('list', 'List things').demandCommand(1).strict().exitProcess(false).fail((message) => { console.log('failed:', message); }).parseAsync();
`;

function run(file: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [file, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
  return `${result.status}\n${result.stdout}${result.stderr}`;
}

test('the bundled entry holds yargs, keeps its own modules as imports and prints what the unbundled one prints', async () => {
  // Inside the checkout, so the fixture resolves yargs from its node_modules as dist/ does.
  mkdirSync(path.join(packageRoot, '.cache'), { recursive: true });
  const folder = mkdtempSync(path.join(packageRoot, '.cache', 'bundle-test-'));
  try {
    writeFileSync(path.join(folder, 'own.mjs'), 'export const marker = {};\n');
    const entry = path.join(folder, 'entry.mjs');
    writeFileSync(entry, entrySource);
    const bundled = path.join(folder, 'bundled.mjs');
    await bundlePackages({ entry, outfile: bundled, anchor: 'yargs' });
    const text = readFileSync(bundled, 'utf8');
    assert.doesNotMatch(text, /from ["']yargs["']/);
    assert.match(text, /from "\.\/own\.mjs"/);
    assert.match(text, /import\("\.\/own\.mjs"\)/);
    // yargs finds its locale files from its own module's URL: a German locale still translates.
    for (const [args, env] of [[['--help'], {}], [['bogus'], {}], [['--help'], { LC_ALL: 'de_DE.UTF-8' }], [['bogus'], { LC_ALL: 'de_DE.UTF-8' }]] as const) {
      assert.equal(run(bundled, [...args], env), run(entry, [...args], env), `${args.join(' ')} ${JSON.stringify(env)}`);
    }
    assert.match(run(bundled, ['bogus'], { LC_ALL: 'de_DE.UTF-8' }), /Unbekanntes Argument/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('a vendored package is one file every compiled module imports, and the modules run as before', async () => {
  mkdirSync(path.join(packageRoot, '.cache'), { recursive: true });
  const folder = mkdtempSync(path.join(packageRoot, '.cache', 'vendor-test-'));
  try {
    mkdirSync(path.join(folder, 'nested', 'deeper'), { recursive: true });
    writeFileSync(path.join(folder, 'schema.js'), "import { z } from 'zod';\nexport const point = z.strictObject({ x: z.number() });\n");
    const main = path.join(folder, 'nested', 'deeper', 'main.js');
    // A schema from one module used with the other's zod: one copy of zod for both.
    writeFileSync(main, 'import { z } from "zod";\nimport { point } from \'../../schema.js\';\nconst pair = z.tuple([point, point]);\nconsole.log(JSON.stringify(pair.safeParse([{ x: 1 }, { x: 2 }]).success), pair.safeParse([{ x: 1 }, { y: 2 }]).error?.issues[0]?.code);\n');
    const before = run(main, []);
    assert.equal(before, '0\ntrue invalid_type\n');
    assert.equal(await vendorPackage({ distDir: folder, name: 'zod' }), 2);
    for (const file of [path.join(folder, 'schema.js'), main]) assert.doesNotMatch(readFileSync(file, 'utf8'), /from ["']zod["']/);
    assert.match(readFileSync(main, 'utf8'), /from "\.\.\/\.\.\/vendor\/zod\.js"/);
    assert.equal(run(main, []), before);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
