import type { AsyncBuffer, FileMetaData } from 'hyparquet';
import { DataError, errorMessage } from '../../core/errors.js';

// Parquet files as the Hugging Face hub distributes datasets (written by pyarrow through `datasets`:
// snappy or zstd pages, images as a struct {bytes, path}), read with hyparquet one row group at a time:
// memory holds one row group's columns, never the file. `datasets` writes image data in row groups of
// about 100 rows, so that is a few tens of megabytes.

/** One row, its values converted to plain JavaScript (int64 → number, nested lists and structs as arrays and objects). */
export interface ParquetRow {
  /** Zero-based row number in the file, as pyarrow and pandas count. */
  row: number;
  rowGroup: number;
  values: Record<string, unknown>;
}

/** Where a row sits, for messages: `row 12 (row group 0)`. */
export function rowPlace(row: ParquetRow): string {
  return `row ${row.row} (row group ${row.rowGroup})`;
}

// Loaded on first use: every command loads the task registry, few read Parquet (~100 ms of start-up saved).
type ParquetLibrary = typeof import('hyparquet') & { compressors: typeof import('hyparquet-compressors').compressors };
let library: Promise<ParquetLibrary> | undefined;

function parquetLibrary(): Promise<ParquetLibrary> {
  library ??= Promise.all([import('hyparquet'), import('hyparquet-compressors')]).then(([hyparquet, { compressors }]) => ({ ...hyparquet, compressors }));
  return library;
}

async function openParquet(file: string): Promise<{ buffer: AsyncBuffer; metadata: FileMetaData; parquet: ParquetLibrary }> {
  const parquet = await parquetLibrary();
  let buffer;
  try {
    buffer = await parquet.asyncBufferFromFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DataError(`${file}: ${code === 'ENOENT' ? 'file not found' : `cannot read the file (${code ?? errorMessage(error)})`}`, file);
  }
  try {
    return { buffer, metadata: await parquet.parquetMetadataAsync(buffer), parquet };
  } catch (error) {
    throw new DataError(`${file}: not a readable Parquet file (${errorMessage(error)})`, file);
  }
}

function topLevelColumns(parquet: ParquetLibrary, metadata: FileMetaData): string[] {
  return parquet.parquetSchema(metadata).children.map((child) => child.element.name);
}

/** The top-level column names of a file, in schema order, from its footer. */
export async function topLevelColumnsOf(file: string): Promise<string[]> {
  const { parquet, metadata } = await openParquet(file);
  return topLevelColumns(parquet, metadata);
}

/** An open file: its footer read, each row group readable on its own. */
export class ParquetFile {
  private constructor(
    readonly file: string,
    private readonly parquet: ParquetLibrary,
    private readonly buffer: AsyncBuffer,
    readonly metadata: FileMetaData,
    /** First row of each row group, and the total row count at the end. */
    readonly groupStarts: number[],
  ) {}

  static async open(file: string, columns: readonly string[]): Promise<ParquetFile> {
    const { buffer, metadata, parquet } = await openParquet(file);
    const present = topLevelColumns(parquet, metadata);
    const missing = columns.filter((column) => !present.includes(column));
    if (missing.length > 0) {
      const also = missing.length > 1 ? ` (and ${missing.slice(1).join(', ')})` : '';
      const field = `column ${missing[0]}`;
      throw new DataError(`${file}: ${field}: missing${also}; the file has ${present.map((column) => JSON.stringify(column)).join(', ')}`, file, field);
    }
    const starts = [0];
    for (const group of metadata.row_groups) starts.push(starts.at(-1)! + Number(group.num_rows));
    return new ParquetFile(file, parquet, buffer, metadata, starts);
  }

  get rowGroups(): number {
    return this.metadata.row_groups.length;
  }

  /** The rows of one row group, only `columns` read. */
  async readRowGroup(rowGroup: number, columns: readonly string[]): Promise<ParquetRow[]> {
    const rowStart = this.groupStarts[rowGroup]!;
    const rowEnd = this.groupStarts[rowGroup + 1]!;
    let rows: Array<Record<string, unknown>>;
    try {
      // utf8: false keeps unannotated BYTE_ARRAY columns (image bytes) as bytes; pyarrow marks text columns as strings.
      rows = await this.parquet.parquetReadObjects({ file: this.buffer, metadata: this.metadata, columns: [...columns], rowStart, rowEnd, utf8: false, compressors: this.parquet.compressors });
    } catch (error) {
      throw new DataError(`${this.file}: row group ${rowGroup} (rows ${rowStart}–${rowEnd - 1}) cannot be decoded: ${errorMessage(error)}`, this.file, `row group ${rowGroup}`);
    }
    return rows.map((values, offset) => ({ row: rowStart + offset, rowGroup, values: plainValues(values) as Record<string, unknown> }));
  }
}

/**
 * Streams the rows of a Parquet file, reading only `columns` (top-level names), one row group at a
 * time. A column the file lacks is a DataError naming the file, the column and the columns it has.
 */
export async function* readParquetRows(file: string, columns: readonly string[]): AsyncGenerator<ParquetRow> {
  const parquet = await ParquetFile.open(file, columns);
  for (let rowGroup = 0; rowGroup < parquet.rowGroups; rowGroup += 1) yield* await parquet.readRowGroup(rowGroup, columns);
}

/**
 * int64 columns arrive as bigint: a safe one becomes a number (question ids), a larger one stays a
 * bigint and fails the schema with the value shown. Bytes and everything else pass as they are.
 */
function plainValues(value: unknown): unknown {
  if (typeof value === 'bigint') return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
  if (value instanceof Uint8Array || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(plainValues);
  return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plainValues(inner)]));
}
