// The protobuf wire format, read just far enough for SentencePiece's ModelProto: varints, 32-bit floats and
// length-delimited submessages/strings. Hand-written rather than through protobufjs, which is only a transitive
// dependency here, and because ModelProto needs no schema machinery: its handful of fields are decoded by number.
import { DataError } from '../../../core/errors.js';

export const WireType = { varint: 0, fixed64: 1, lengthDelimited: 2, fixed32: 5 } as const;

export interface WireField {
  number: number;
  wireType: number;
  /** Varint fields. A bigint because int32 -1 (SentencePiece's unset pad_id) is sent as a 10-byte varint. */
  varint: bigint;
  /** Length-delimited, fixed32 and fixed64 fields: the raw bytes, a view into the input. */
  bytes: Uint8Array;
}

/** Every field of one message, in file order; `file` names the source in errors. */
export function* readFields(message: Uint8Array, file: string): Generator<WireField> {
  let offset = 0;
  const fail = (what: string): never => {
    throw new DataError(`${file}: not a valid protobuf message (${what} at byte ${offset})`, file);
  };
  const readVarint = (): bigint => {
    let value = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (offset >= message.length) fail('truncated varint');
      const byte = message[offset++]!;
      value |= BigInt(byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return BigInt.asUintN(64, value);
    }
    return fail('varint longer than 10 bytes');
  };
  const take = (length: number): Uint8Array => {
    if (length > message.length - offset) fail(`field of ${length} bytes running past the end`);
    const bytes = message.subarray(offset, offset + length);
    offset += length;
    return bytes;
  };
  const empty = new Uint8Array(0);
  while (offset < message.length) {
    const key = readVarint();
    const number = Number(key >> 3n);
    const wireType = Number(key & 7n);
    if (number === 0) fail('field number 0');
    switch (wireType) {
      case WireType.varint:
        yield { number, wireType, varint: readVarint(), bytes: empty };
        break;
      case WireType.fixed64:
        yield { number, wireType, varint: 0n, bytes: take(8) };
        break;
      case WireType.lengthDelimited: {
        const length = readVarint();
        if (length > BigInt(message.length)) fail(`field of ${length} bytes running past the end`);
        yield { number, wireType, varint: 0n, bytes: take(Number(length)) };
        break;
      }
      case WireType.fixed32:
        yield { number, wireType, varint: 0n, bytes: take(4) };
        break;
      default:
        // Groups (3, 4) are proto1-era and never written by SentencePiece; anything else is corruption.
        fail(`unsupported wire type ${wireType} for field ${number}`);
    }
  }
}

/** An int32/enum field: protobuf sends negative int32 values sign-extended to 64 bits. */
export function int32Of(field: WireField): number {
  return Number(BigInt.asIntN(32, field.varint));
}

export function float32Of(field: WireField): number {
  return new DataView(field.bytes.buffer, field.bytes.byteOffset, 4).getFloat32(0, true);
}
