// The CUDA build of onnxruntime-node for a GPU machine without internet. onnxruntime-node's own install
// script downloads the CUDA provider from NuGet, which an offline machine cannot; instead three npm
// tarballs, packed beforehand on a machine with the npm registry (`npm run bench -- gpu --prepare`),
// travel with the repository in bench/gpu-vendor/:
//   onnxruntime-node-1.29.0.tgz, onnxruntime-common-1.29.0.tgz — the Node binding and its JS API;
//   com.github.asus4.onnxruntime.linux-x64-gpu-0.4.9.tgz — libonnxruntime_providers_cuda.so and
//     libonnxruntime_providers_shared.so built for onnxruntime 1.29.0 and CUDA 13 (no cuDNN needed).
// install unpacks them into one node_modules folder and puts the provider libraries beside
// libonnxruntime.so.1, where onnxruntime looks for providers. The provider then needs CUDA 13's
// libcudart, libcublas, libcublasLt and libcurand, found on the machine (findCudaLibraries).
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const ORT_VERSION = '1.29.0';
export const VENDOR_PACKAGES = [
  { name: 'onnxruntime-node', version: ORT_VERSION, tarball: `onnxruntime-node-${ORT_VERSION}.tgz` },
  { name: 'onnxruntime-common', version: ORT_VERSION, tarball: `onnxruntime-common-${ORT_VERSION}.tgz` },
  { name: 'com.github.asus4.onnxruntime.linux-x64-gpu', version: '0.4.9', tarball: 'com.github.asus4.onnxruntime.linux-x64-gpu-0.4.9.tgz' },
] as const;
const PROVIDER_FILES = ['libonnxruntime_providers_cuda.so', 'libonnxruntime_providers_shared.so'];
const PROVIDER_FOLDER_IN_TARBALL = 'package/Plugins/Linux/x64';
const BINDING_FOLDER = 'bin/napi-v6/linux/x64';
/** What the CUDA provider links against (readelf -d libonnxruntime_providers_cuda.so), besides the driver's libcuda.so.1. */
export const CUDA_LIBRARIES = ['libcudart.so.13', 'libcublas.so.13', 'libcublasLt.so.13', 'libcurand.so.10'];

/** `npm pack`s the vendor tarballs into `vendor` (needs the npm registry). */
export function prepareVendor(vendor: string): string[] {
  mkdirSync(vendor, { recursive: true });
  for (const { name, version, tarball } of VENDOR_PACKAGES) {
    if (existsSync(path.join(vendor, tarball))) continue;
    execFileSync('npm', ['pack', `${name}@${version}`, '--pack-destination', vendor], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  return VENDOR_PACKAGES.map(({ tarball }) => `${tarball}: ${(statSync(path.join(vendor, tarball)).size / 2 ** 20).toFixed(0)} MiB`);
}

export function missingVendorTarballs(vendor: string): string[] {
  return VENDOR_PACKAGES.filter(({ tarball }) => !existsSync(path.join(vendor, tarball))).map(({ tarball }) => tarball);
}

/**
 * Unpacks the vendor tarballs into `runtime/node_modules` (once: a marker records the tarballs' sizes)
 * and returns the folder to resolve onnxruntime-node from.
 */
export function installCudaRuntime(vendor: string, runtime: string): string {
  const missing = missingVendorTarballs(vendor);
  if (missing.length > 0) throw new Error(`${vendor} lacks ${missing.join(', ')}: run \`npm run bench -- gpu --prepare\` where the npm registry is reachable and copy ${vendor} along`);
  const stamp = VENDOR_PACKAGES.map(({ tarball }) => `${tarball} ${statSync(path.join(vendor, tarball)).size}`).join('\n');
  const marker = path.join(runtime, '.installed');
  if (existsSync(marker) && readFileSync(marker, 'utf8') === stamp) return runtime;
  rmSync(runtime, { recursive: true, force: true });
  const modules = path.join(runtime, 'node_modules');
  for (const { name, tarball } of VENDOR_PACKAGES.slice(0, 2)) {
    const target = path.join(modules, name);
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', path.join(vendor, tarball), '-C', target, '--strip-components=1']);
  }
  const bindingFolder = path.join(modules, 'onnxruntime-node', BINDING_FOLDER);
  if (!existsSync(path.join(bindingFolder, 'libonnxruntime.so.1'))) throw new Error(`${VENDOR_PACKAGES[0].tarball} has no ${BINDING_FOLDER}/libonnxruntime.so.1`);
  const unpacked = path.join(runtime, 'provider');
  mkdirSync(unpacked, { recursive: true });
  execFileSync('tar', ['-xzf', path.join(vendor, VENDOR_PACKAGES[2].tarball), '-C', unpacked, ...PROVIDER_FILES.map((file) => `${PROVIDER_FOLDER_IN_TARBALL}/${file}`)]);
  for (const file of PROVIDER_FILES) copyFileSync(path.join(unpacked, PROVIDER_FOLDER_IN_TARBALL, file), path.join(bindingFolder, file));
  rmSync(unpacked, { recursive: true, force: true });
  writeFileSync(marker, stamp);
  return runtime;
}

/**
 * Folders holding CUDA_LIBRARIES: LD_LIBRARY_PATH, the CUDA toolkit, and the nvidia-* wheels of the
 * machine's Python (PyTorch's CUDA 13 libraries). Returns the folders and the libraries not found.
 */
export function findCudaLibraries(extraRoots: string[] = []): { folders: string[]; missing: string[] } {
  const roots = [
    ...(process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean),
    ...extraRoots,
    '/usr/local/cuda/lib64',
    '/usr/local/cuda/targets/x86_64-linux/lib',
    '/usr/lib/x86_64-linux-gnu',
    ...pythonNvidiaFolders(),
  ];
  const folders: string[] = [];
  const missing: string[] = [];
  for (const library of CUDA_LIBRARIES) {
    const folder = roots.map((root) => findFile(root, library, 4)).find((found) => found !== undefined);
    if (folder === undefined) missing.push(library);
    else if (!folders.includes(folder)) folders.push(folder);
  }
  return { folders, missing };
}

function pythonNvidiaFolders(): string[] {
  try {
    const output = execFileSync('python3', ['-c', 'import site; print("\\n".join(site.getsitepackages()))'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 20_000 });
    return output.split('\n').filter(Boolean).map((folder) => path.join(folder, 'nvidia'));
  } catch {
    return [];
  }
}

function findFile(root: string, name: string, depth: number): string | undefined {
  if (!existsSync(root)) return undefined;
  if (existsSync(path.join(root, name))) return root;
  if (depth === 0) return undefined;
  let entries: string[];
  try {
    entries = readdirSync(root, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    const found = findFile(path.join(root, entry), name, depth - 1);
    if (found) return found;
  }
  return undefined;
}
