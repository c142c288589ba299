// Build step (`npm run build`, after tsc): rewrites a compiled entry module with the npm packages it
// imports bundled in (esbuild), so starting the command reads one file instead of yargs's ~500 ES
// modules. Only packages are bundled: emu-eval's own modules stay imports of their compiled files
// (one copy of each, so its error classes stay the ones the error boundary checks). A bundled
// package that finds its own files from import.meta.url (yargs reads its locales beside its shim)
// gets the URL that file has in node_modules, resolved when the bundle runs.
import path from 'node:path';
import { readFile } from 'node:fs/promises';
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

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [entry, anchor] = process.argv.slice(2);
  if (!entry || !anchor) throw new Error('usage: node scripts/bundle-packages.mjs <compiled entry .js> <package it imports>');
  await bundlePackages({ entry, outfile: entry, anchor });
}
