// Cached responses on disk: one small JSON file per request key, in 256 subfolders by the key's first
// two hex digits. Each file is written to a temporary name and renamed into place, so concurrent
// writers (several runs, several shards on a shared disk) and crashes never leave a half entry where a
// reader looks; anything unreadable or invalid reads as a miss, never as an answer.
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

const STORE_FORMAT = 1;

const entrySchema = z.strictObject({
  format: z.literal(STORE_FORMAT),
  key: z.string(),
  // A generated answer, or the scores of a loglik request (their keys never coincide: request-key.ts).
  output: z.union([
    z.strictObject({
      text: z.string(),
      finishReason: z.enum(['stop', 'length']),
      tokens: z.number().int().nonnegative().optional(),
      latencyMs: z.number().nonnegative(),
    }),
    z.strictObject({
      logprobs: z.array(z.number()),
      tokens: z.array(z.number().int().nonnegative()),
      latencyMs: z.number().nonnegative(),
    }),
  ]),
  storedAt: z.string(),
});

export type StoredEntry = z.infer<typeof entrySchema>['output'];
export type StoredOutput = Extract<StoredEntry, { text: string }>;
export type StoredScores = Extract<StoredEntry, { logprobs: number[] }>;

let temporaryCounter = 0;

export class ResponseStore {
  private readonly createdFolders = new Set<string>();

  constructor(readonly directory: string) {}

  fileFor(key: string): string {
    return path.join(this.directory, key.slice(0, 2), `${key}.json`);
  }

  async get(key: string): Promise<StoredEntry | undefined> {
    let text: string;
    try {
      text = await readFile(this.fileFor(key), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const parsed = entrySchema.safeParse(JSON.parse(text));
      // The key inside guards against a file copied or renamed under the wrong name.
      return parsed.success && parsed.data.key === key ? parsed.data.output : undefined;
    } catch {
      return undefined;
    }
  }

  async put(key: string, output: StoredEntry): Promise<void> {
    const file = this.fileFor(key);
    const folder = path.dirname(file);
    if (!this.createdFolders.has(folder)) {
      await mkdir(folder, { recursive: true });
      this.createdFolders.add(folder);
    }
    const entry = { format: STORE_FORMAT, key, output, storedAt: new Date().toISOString() };
    const temporary = `${file}.${process.pid}.${(temporaryCounter += 1)}.tmp`;
    try {
      // No fsync: a cache entry lost to a power cut is only a miss, and syncing each response would cost
      // more than the request it saves on a fast server.
      await writeFile(temporary, JSON.stringify(entry));
      await rename(temporary, file);
    } catch (error) {
      await unlink(temporary).catch(() => {});
      throw error;
    }
  }
}
