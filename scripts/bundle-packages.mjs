// Build step (`npm run build`, after tsc): rewrites a compiled entry module with the npm packages it
// imports bundled in (esbuild), so starting the command reads one file instead of yargs's ~500 ES
// modules; and vendors a package every compiled module shares (zod) as one file (`--vendor`). Only packages are bundled: emu-eval's own modules stay imports of their compiled files
// (one copy of each, so its error classes stay the ones the error boundary checks). A bundled
// package that finds its own files from import.meta.url (yargs reads its locales beside its shim)
// gets the URL that file has in node_modules, resolved when the bundle runs.
import path from 'node:path';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/**
 * Bundles the packages `entry` imports (statically) into `outfile`. `anchor` names a package the bundle
 * resolves at run time (one of those bundled) to place the node_modules files it took in.
 */
export async function bundlePackages({ entry, outfile, anchor }) {
  const anchorFolder = path.dirname(fileURLToPath(import.meta.resolve(anchor)));
  await build({
    entryPoints: [entry],
    outfile,
    allowOverwrite: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'error',
    // CommonJS packages inside an ES module bundle need a require of their own.
    banner: { js: "import { createRequire as __bundleCreateRequire } from 'node:module'; const require = __bundleCreateRequire(import.meta.url);" },
    plugins: [
      {
        name: 'own-modules-external',
        setup(builder) {
          builder.onResolve({ filter: /^\.{1,2}\// }, (args) => (args.kind !== 'entry-point' && args.importer === path.resolve(entry) ? { path: args.path, external: true } : undefined));
          builder.onLoad({ filter: /node_modules.*\.(m?js|cjs)$/ }, async (args) => {
            const source = await readFile(args.path, 'utf8');
            if (!source.includes('import.meta.url')) return undefined;
            const relative = path.relative(anchorFolder, args.path).split(path.sep).join('/');
            const url = `new URL(${JSON.stringify(relative)}, import.meta.resolve(${JSON.stringify(anchor)})).href`;
            return { contents: source.replaceAll('import.meta.url', url), loader: 'js', resolveDir: path.dirname(args.path) };
          });
        },
      },
    ],
  });
}

/** A compiled module's static imports of the package: `from 'zod'` (tsc keeps the source's quotes). */
function importsOf(name) {
  return new RegExp(`(\\bfrom\\s*)(['"])${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\2`, 'g');
}

async function compiledModules(folder) {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile() && entry.name.endsWith('.js')).map((entry) => path.join(entry.parentPath ?? entry.path, entry.name));
}

/**
 * Bundles one package into `distDir/vendor/<name>.js` and points every compiled module's import of it
 * there: zod is ~200 ES modules in node_modules, which every command that validates anything loaded
 * one by one (~50 ms of its start). All of the compiled code, worker threads included, imports the one
 * vendored copy, so its schema classes exist once per thread as before. Returns how many modules were
 * rewritten.
 */
export async function vendorPackage({ distDir, name }) {
  const vendored = path.join(distDir, 'vendor', `${name}.js`);
  await build({ entryPoints: [name], outfile: vendored, bundle: true, platform: 'node', format: 'esm', target: 'node20', logLevel: 'error' });
  let rewritten = 0;
  for (const file of await compiledModules(distDir)) {
    if (file === vendored) continue;
    const source = await readFile(file, 'utf8');
    let target = path.relative(path.dirname(file), vendored).split(path.sep).join('/');
    if (!target.startsWith('.')) target = `./${target}`;
    const changed = source.replace(importsOf(name), (_match, from) => `${from}${JSON.stringify(target)}`);
    if (changed === source) continue;
    await writeFile(file, changed);
    rewritten++;
  }
  return rewritten;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [first, second, third] = process.argv.slice(2);
  if (first === '--vendor' && second && third) {
    await vendorPackage({ distDir: second, name: third });
  } else if (first && second && !first.startsWith('-')) {
    await bundlePackages({ entry: first, outfile: first, anchor: second });
  } else {
    throw new Error('usage: node scripts/bundle-packages.mjs <compiled entry .js> <package it imports>\n       node scripts/bundle-packages.mjs --vendor <dist folder> <package>');
  }
}
