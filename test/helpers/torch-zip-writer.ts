// The zip container torch.save writes (PyTorchStreamWriter over miniz): stored entries whose data starts
// on a 64-byte boundary (an "FB" extra field of 'Z' padding), sizes and CRC in a data descriptor after the
// data, central directory, ZIP64 end records, end record. Streams each record to the file as it comes.
import { closeSync, openSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';

const ALIGNMENT = 64;
const U32_MAX = 0xffffffff;

interface Written {
  name: Uint8Array;
  offset: number;
  size: number;
  crc: number;
}

export class TorchZipWriter {
  private readonly fd: number;
  private position = 0;
  private readonly written: Written[] = [];

  /** `forceZip64` writes the ZIP64 forms (saturated fields + extended information) even for small archives. */
  constructor(
    file: string,
    private readonly forceZip64 = false,
  ) {
    this.fd = openSync(file, 'w');
  }

  private write(bytes: Uint8Array) {
    let done = 0;
    while (done < bytes.length) done += writeSync(this.fd, bytes, done, bytes.length - done, this.position + done);
    this.position += bytes.length;
  }

  /** One stored record; `parts` are written back to back (a storage converted piece by piece). */
  record(name: string, parts: Uint8Array[]) {
    const nameBytes = new TextEncoder().encode(name);
    const size = parts.reduce((sum, part) => sum + part.length, 0);
    const crc = parts.reduce((value, part) => crc32(part, value), 0);
    const zip64 = size >= U32_MAX || this.position >= U32_MAX;
    // Local ZIP64 extra: both sizes (zero here: the data descriptor carries them), as miniz writes it.
    const zip64Extra = zip64 ? 4 + 16 : 0;
    const start = this.position + 30 + nameBytes.length + zip64Extra + 4;
    const padding = (ALIGNMENT - (start % ALIGNMENT)) % ALIGNMENT;
    const header = new DataView(new ArrayBuffer(30 + nameBytes.length + zip64Extra + 4 + padding));
    header.setUint32(0, 0x04034b50, true);
    header.setUint16(6, 0x0808, true); // data descriptor follows; UTF-8 names
    header.setUint16(26, nameBytes.length, true);
    header.setUint16(28, zip64Extra + 4 + padding, true);
    new Uint8Array(header.buffer).set(nameBytes, 30);
    let at = 30 + nameBytes.length;
    if (zip64) {
      header.setUint16(at, 0x0001, true);
      header.setUint16(at + 2, 16, true);
      at += zip64Extra;
    }
    header.setUint8(at, 0x46); // 'F'
    header.setUint8(at + 1, 0x42); // 'B'
    header.setUint16(at + 2, padding, true);
    new Uint8Array(header.buffer, at + 4, padding).fill(0x5a); // 'Z'
    const offset = this.position;
    this.write(new Uint8Array(header.buffer));
    for (const part of parts) this.write(part);
    const descriptor = new DataView(new ArrayBuffer(zip64 ? 24 : 16));
    descriptor.setUint32(0, 0x08074b50, true);
    descriptor.setUint32(4, crc, true);
    if (zip64) {
      descriptor.setBigUint64(8, BigInt(size), true);
      descriptor.setBigUint64(16, BigInt(size), true);
    } else {
      descriptor.setUint32(8, size, true);
      descriptor.setUint32(12, size, true);
    }
    this.write(new Uint8Array(descriptor.buffer));
    this.written.push({ name: nameBytes, offset, size, crc });
  }

  close() {
    const directoryOffset = this.position;
    for (const entry of this.written) {
      const bigSize = this.forceZip64 || entry.size >= U32_MAX;
      const bigOffset = this.forceZip64 || entry.offset >= U32_MAX;
      const extraLength = bigSize || bigOffset ? 4 + (bigSize ? 16 : 0) + (bigOffset ? 8 : 0) : 0;
      const view = new DataView(new ArrayBuffer(46 + entry.name.length + extraLength));
      view.setUint32(0, 0x02014b50, true);
      view.setUint16(8, 0x0808, true);
      view.setUint32(16, entry.crc, true);
      view.setUint32(20, bigSize ? U32_MAX : entry.size, true);
      view.setUint32(24, bigSize ? U32_MAX : entry.size, true);
      view.setUint16(28, entry.name.length, true);
      view.setUint16(30, extraLength, true);
      view.setUint32(42, bigOffset ? U32_MAX : entry.offset, true);
      new Uint8Array(view.buffer).set(entry.name, 46);
      if (extraLength > 0) {
        let at = 46 + entry.name.length;
        view.setUint16(at, 0x0001, true);
        view.setUint16(at + 2, extraLength - 4, true);
        at += 4;
        // Order fixed by the format: uncompressed size, compressed size, local header offset.
        if (bigSize) {
          view.setBigUint64(at, BigInt(entry.size), true);
          view.setBigUint64(at + 8, BigInt(entry.size), true);
          at += 16;
        }
        if (bigOffset) view.setBigUint64(at, BigInt(entry.offset), true);
      }
      this.write(new Uint8Array(view.buffer));
    }
    const directorySize = this.position - directoryOffset;
    const count = this.written.length;
    const end = new DataView(new ArrayBuffer(56 + 20 + 22));
    const zip64End = this.position;
    end.setUint32(0, 0x06064b50, true);
    end.setBigUint64(4, 44n, true);
    end.setUint16(12, 0x031e, true);
    end.setUint16(14, 0x002d, true);
    end.setBigUint64(24, BigInt(count), true);
    end.setBigUint64(32, BigInt(count), true);
    end.setBigUint64(40, BigInt(directorySize), true);
    end.setBigUint64(48, BigInt(directoryOffset), true);
    end.setUint32(56, 0x07064b50, true);
    end.setBigUint64(56 + 8, BigInt(zip64End), true);
    end.setUint32(56 + 16, 1, true);
    const e = 56 + 20;
    const saturate = this.forceZip64 || directoryOffset >= U32_MAX;
    end.setUint32(e, 0x06054b50, true);
    end.setUint16(e + 8, Math.min(count, 0xffff), true);
    end.setUint16(e + 10, Math.min(count, 0xffff), true);
    end.setUint32(e + 12, saturate ? U32_MAX : directorySize, true);
    end.setUint32(e + 16, saturate ? U32_MAX : directoryOffset, true);
    this.write(new Uint8Array(end.buffer));
    closeSync(this.fd);
  }
}
