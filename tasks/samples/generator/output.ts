import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Raster } from './raster.js';

/** Empties a task's output folder so files from an earlier layout never linger in the commit. */
export function freshFolder(folder: string): void {
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
}

/** Compact, one line, like the official downloads. */
export function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value));
}

export async function writeJpeg(file: string, raster: Raster, options: { quality?: number; blur?: number } = {}): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, await raster.toJpeg(options));
}
