// The central directory of a zip archive as torch.save writes it (miniz: stored entries, sizes in a data
// descriptor after each entry, so only the central directory has them; ZIP64 records for archives past
// 4 GB). Reads the end records and the directory only, never entry data. Layout: PKWARE APPNOTE.TXT 4.3.
import { DataError } from '../../../core/errors.js';
import { type RandomAccessFile, readRange } from './random-access-file.js';

export interface ZipEntry {
  name: string;
  /** 0 = stored; anything else is compressed. */
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const END_OF_DIRECTORY = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_END_OF_DIRECTORY = 0x06064b50;
const DIRECTORY_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const MAX_COMMENT = 0xffff;

function safe64(view: DataView, at: number, file: string): number {
  const value = view.getBigUint64(at, true);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new DataError(`${file}: corrupt zip: a 64-bit size or offset (${value}) is out of range`, file);
  return Number(value);
}

/** The end records at the file's tail: torch writes no archive comment, so 1 KiB nearly always holds them. */
async function findEnd(handle: RandomAccessFile, fileSize: number, file: string) {
  for (const window of [1024, 22 + MAX_COMMENT + 20]) {
    const tailLength = Math.min(fileSize, window);
    const tailStart = fileSize - tailLength;
    const tail = await readRange(handle, tailStart, tailLength, file, 'the zip end records');
    const tailView = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
    for (let at = tail.length - 22; at >= 0; at--) {
      if (tailView.getUint32(at, true) === END_OF_DIRECTORY) return { tailStart, tailView, end: at };
    }
    if (tailLength === fileSize) break;
  }
  return undefined;
}

export async function readZipDirectory(handle: RandomAccessFile, fileSize: number, file: string): Promise<ZipEntry[]> {
  const corrupt = (why: string) => new DataError(`${file}: not a readable zip archive (torch.save ≥ 1.6 format): ${why}`, file);
  const found = await findEnd(handle, fileSize, file);
  if (!found) throw corrupt('no end-of-central-directory record (a truncated file, or not a zip)');
  const { tailStart, tailView, end } = found;
  let entryCount = tailView.getUint16(end + 10, true);
  let directorySize = tailView.getUint32(end + 12, true);
  let directoryOffset = tailView.getUint32(end + 16, true);
  // miniz writes the ZIP64 records whenever they are needed (and often when not); when present they are the truth.
  if (end >= 20 && tailView.getUint32(end - 20, true) === ZIP64_LOCATOR) {
    const recordOffset = safe64(tailView, end - 12, file);
    if (recordOffset + 56 > tailStart + end - 20) throw corrupt('the ZIP64 end record lies past its locator');
    const record = await readRange(handle, recordOffset, 56, file, 'the ZIP64 end record');
    const view = new DataView(record.buffer, record.byteOffset, 56);
    if (view.getUint32(0, true) !== ZIP64_END_OF_DIRECTORY) throw corrupt('the ZIP64 locator points at no ZIP64 end record');
    entryCount = safe64(view, 32, file);
    directorySize = safe64(view, 40, file);
    directoryOffset = safe64(view, 48, file);
  }
  if (directoryOffset + directorySize > fileSize) {
    throw corrupt(`the central directory (bytes ${directoryOffset}..${directoryOffset + directorySize}) lies past the end of the ${fileSize}-byte file: truncated`);
  }
  const directory = await readRange(handle, directoryOffset, directorySize, file, 'the zip central directory');
  const view = new DataView(directory.buffer, directory.byteOffset, directory.byteLength);
  const decoder = new TextDecoder();
  const entries: ZipEntry[] = [];
  let at = 0;
  for (let index = 0; index < entryCount; index++) {
    if (at + 46 > directory.length || view.getUint32(at, true) !== DIRECTORY_ENTRY) throw corrupt(`central directory entry ${index} is malformed`);
    const nameLength = view.getUint16(at + 28, true);
    const extraLength = view.getUint16(at + 30, true);
    const commentLength = view.getUint16(at + 32, true);
    if (at + 46 + nameLength + extraLength + commentLength > directory.length) throw corrupt(`central directory entry ${index} runs past the directory`);
    const entry: ZipEntry = {
      name: decoder.decode(directory.subarray(at + 46, at + 46 + nameLength)),
      method: view.getUint16(at + 10, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      localHeaderOffset: view.getUint32(at + 42, true),
    };
    // ZIP64 extended information (header 0x0001): 8-byte values, only for the fields saturated at 0xFFFFFFFF, in this order.
    let extra = at + 46 + nameLength;
    const extraEnd = extra + extraLength;
    while (extra + 4 <= extraEnd) {
      const id = view.getUint16(extra, true);
      const length = view.getUint16(extra + 2, true);
      if (id === 0x0001) {
        let field = extra + 4;
        const next = () => {
          if (field + 8 > extra + 4 + length) throw corrupt(`entry ${entry.name}: ZIP64 extra field too short`);
          const value = safe64(view, field, file);
          field += 8;
          return value;
        };
        if (entry.size === 0xffffffff) entry.size = next();
        if (entry.compressedSize === 0xffffffff) entry.compressedSize = next();
        if (entry.localHeaderOffset === 0xffffffff) entry.localHeaderOffset = next();
      }
      extra += 4 + length;
    }
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** Where an entry's data starts: after its local header, whose extra field (torch's alignment padding) differs from the directory's. */
export async function entryDataOffset(handle: RandomAccessFile, entry: ZipEntry, file: string): Promise<number> {
  const header = await readRange(handle, entry.localHeaderOffset, 30, file, `the zip header of ${entry.name}`);
  const view = new DataView(header.buffer, header.byteOffset, 30);
  if (view.getUint32(0, true) !== LOCAL_HEADER) throw new DataError(`${file}: corrupt zip: no local header for ${entry.name} at byte ${entry.localHeaderOffset}`, file, entry.name);
  return entry.localHeaderOffset + 30 + view.getUint16(26, true) + view.getUint16(28, true);
}
