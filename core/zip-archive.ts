import { crc32, deflateRawSync } from 'node:zlib';

// A ZIP archive (PKWARE APPNOTE 6.3: local headers, deflated data, central directory, end record) of a
// few small in-memory files, for the Office Open XML files emu-eval writes. No ZIP64: every file and the
// archive stay far below 4 GiB, which is checked. Timestamps are fixed (1980-01-01) so equal contents give
// equal bytes.

export interface ZipEntry {
  /** Path inside the archive, `/`-separated. */
  name: string;
  data: Uint8Array;
}

const DOS_DATE_1980_01_01 = (0 << 9) | (1 << 5) | 1;
const LIMIT = 0xffff_fffe;

/** The fields a local header and its central directory entry share, from "version needed" to the name length. */
function writeSharedFields(header: Buffer, at: number, fields: { checksum: number; compressed: number; size: number; nameLength: number }): void {
  header.writeUInt16LE(20, at); // version needed: deflate
  header.writeUInt16LE(0x0800, at + 2); // names are UTF-8
  header.writeUInt16LE(8, at + 4); // deflate
  header.writeUInt16LE(0, at + 6); // time 00:00
  header.writeUInt16LE(DOS_DATE_1980_01_01, at + 8);
  header.writeUInt32LE(fields.checksum, at + 10);
  header.writeUInt32LE(fields.compressed, at + 14);
  header.writeUInt32LE(fields.size, at + 18);
  header.writeUInt16LE(fields.nameLength, at + 22);
}

export function zipArchive(entries: readonly ZipEntry[]): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const compressed = deflateRawSync(entry.data);
    if (entry.data.length > LIMIT || offset > LIMIT) throw new Error(`zip entry ${entry.name} is too large for an archive without ZIP64`);
    const fields = { checksum: crc32(entry.data), compressed: compressed.length, size: entry.data.length, nameLength: name.length };
    // Local header: signature, shared fields, extra length 0.
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    writeSharedFields(local, 4, fields);
    // Central entry: signature, "made by", shared fields; extra, comment, disk, attributes 0; local offset.
    const header = Buffer.alloc(46);
    header.writeUInt32LE(0x02014b50, 0);
    header.writeUInt16LE(20, 4);
    writeSharedFields(header, 6, fields);
    header.writeUInt32LE(offset, 42);
    parts.push(local, name, compressed);
    central.push(header, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...parts, directory, end]);
}
