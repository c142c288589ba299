import { DataError } from '../../core/errors.js';
import type { MediaBytes } from '../../core/contracts/task.js';
import { ParquetFile, rowPlace, type ParquetRow } from './parquet-rows.js';
import { imageOfCell, parquetImageSchema, type ValidatedRow } from './parquet-validated.js';
import { problemFromError, type ProblemSink } from './problem-sink.js';

// GQA's snapshot keeps images apart from questions: files of {id, image} rows that questions name by
// imageId. The ids are indexed first (one read of the id column); an image is then read with its row
// group, and recent row groups are kept up to a byte budget, so a split whose images fit (testdev:
// 398 images) is read once, and a larger one stays within the budget.

/** Bytes of decoded image row groups kept for reuse. */
const CACHE_BYTES = 512 * 1024 * 1024;

interface Location {
  file: ParquetFile;
  rowGroup: number;
  offset: number;
}

export class ImageJoin {
  private readonly cached = new Map<string, { rows: ParquetRow[]; bytes: number }>();
  private cachedBytes = 0;

  private constructor(
    private readonly index: Map<string, Location>,
    private readonly sink: ProblemSink,
  ) {}

  static async open(files: readonly string[], sink: ProblemSink): Promise<ImageJoin> {
    const index = new Map<string, Location>();
    for (const name of files) {
      try {
        const file = await ParquetFile.open(name, ['id', 'image']);
        for (let rowGroup = 0; rowGroup < file.rowGroups; rowGroup += 1) {
          for (const [offset, row] of (await file.readRowGroup(rowGroup, ['id'])).entries()) {
            const id = row.values.id;
            if (typeof id !== 'string' && typeof id !== 'number') {
              sink.report({ file: name, field: `${rowPlace(row)}, column id`, message: `expected an image id, found ${JSON.stringify(id)}` });
              continue;
            }
            if (index.has(String(id))) {
              sink.report({ file: name, field: `${rowPlace(row)}, column id`, message: `duplicate image id ${JSON.stringify(String(id))}` });
              continue;
            }
            index.set(String(id), { file, rowGroup, offset });
          }
        }
      } catch (error) {
        if (!(error instanceof DataError)) throw error;
        sink.report(problemFromError(error, name));
      }
    }
    return new ImageJoin(index, sink);
  }

  /** The image a question row names, or undefined after reporting why not. */
  async image(id: string, question: ValidatedRow<unknown>): Promise<MediaBytes | undefined> {
    const location = this.index.get(id);
    if (!location) {
      this.sink.report({ file: question.file, field: question.place, message: `image ${JSON.stringify(id)} is in none of the image files` });
      return undefined;
    }
    const rows = await this.rowGroup(location);
    const row = rows[location.offset]!;
    const cell = parquetImageSchema.safeParse(row.values.image);
    if (!cell.success) {
      this.sink.report({ file: location.file.file, field: `${rowPlace(row)}, column image`, message: 'expected an image ({bytes, path})' });
      return undefined;
    }
    return imageOfCell(cell.data, location.file.file, rowPlace(row), 'image', this.sink);
  }

  private async rowGroup({ file, rowGroup }: Location): Promise<ParquetRow[]> {
    const key = `${file.file}\0${rowGroup}`;
    const hit = this.cached.get(key);
    if (hit) {
      // Most recently used last; eviction takes from the front.
      this.cached.delete(key);
      this.cached.set(key, hit);
      return hit.rows;
    }
    const rows = await file.readRowGroup(rowGroup, ['image']);
    const bytes = rows.reduce((sum, row) => sum + ((row.values.image as { bytes?: Uint8Array } | null)?.bytes?.length ?? 0), 0);
    this.cached.set(key, { rows, bytes });
    this.cachedBytes += bytes;
    for (const [oldKey, entry] of this.cached) {
      if (this.cachedBytes <= CACHE_BYTES || oldKey === key) break;
      this.cached.delete(oldKey);
      this.cachedBytes -= entry.bytes;
    }
    return rows;
  }

  close(): void {
    this.cached.clear();
    this.cachedBytes = 0;
  }
}
