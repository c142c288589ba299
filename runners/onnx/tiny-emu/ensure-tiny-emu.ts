// ensureTinyEmu(): the cached tiny-emu model folder, built on first use. The cache lives in
// $EMU_EVAL_CACHE/models/ when that variable is set, else in <repo>/.cache/models/ (gitignored).
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { packageRoot as repositoryRoot } from '../../../core/package-root.js';
import { buildTinyEmu, builderFingerprint } from './build-tiny-emu.js';
import type { TinyEmuVariant } from './dimensions.js';

export { buildTinyEmu } from './build-tiny-emu.js';

const pendingBuilds = new Map<TinyEmuVariant, Promise<string>>();

/**
 * Returns the cached model folder, building it first when it is missing or was built by different
 * builder code. The build goes to a temporary sibling that is renamed into place, so a concurrent or
 * interrupted build never leaves a half-written model where a reader would find it.
 */
export function ensureTinyEmu(variant: TinyEmuVariant = 'tiny'): Promise<string> {
  let pending = pendingBuilds.get(variant);
  if (!pending) {
    pending = ensureBuilt(variant);
    pendingBuilds.set(variant, pending);
    pending.catch(() => pendingBuilds.delete(variant));
  }
  return pending;
}

export function tinyEmuFolder(variant: TinyEmuVariant = 'tiny'): string {
  const cacheRoot = process.env.EMU_EVAL_CACHE ? path.resolve(process.env.EMU_EVAL_CACHE) : path.join(repositoryRoot, '.cache');
  return path.join(cacheRoot, 'models', variant === 'tiny' ? 'tiny-emu' : 'tiny-emu-large');
}

async function ensureBuilt(variant: TinyEmuVariant): Promise<string> {
  const target = tinyEmuFolder(variant);
  const fingerprint = await builderFingerprint(variant);
  if ((await readFingerprint(target)) === fingerprint) return target;

  await mkdir(path.dirname(target), { recursive: true });
  const suffix = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temporary = `${target}.building-${suffix}`;
  try {
    await buildTinyEmu(temporary, variant);
    const stale = `${target}.stale-${suffix}`;
    await rename(target, stale).then(
      () => rm(stale, { recursive: true, force: true }),
      (error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      },
    );
    await rename(temporary, target).catch(async (error: NodeJS.ErrnoException) => {
      // Another process renamed its build in between; keep it when it is current.
      if ((error.code === 'ENOTEMPTY' || error.code === 'EEXIST') && (await readFingerprint(target)) === fingerprint) return;
      throw error;
    });
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
  return target;
}

async function readFingerprint(folder: string): Promise<string | undefined> {
  try {
    const config = JSON.parse(await readFile(path.join(folder, 'config.json'), 'utf8')) as { emu_eval_build?: string };
    return config.emu_eval_build;
  } catch {
    return undefined;
  }
}
