// Widening 16-bit floats to float32 in place. The raw 16-bit values are read into the upper half of the
// float32 output's own buffer and widened front to back: writing element i (bytes 4i..4i+3) never reaches
// a value not yet read (at byte 2n+2j, j > i), so a tensor costs its float32 size and nothing more: for
// Emu2's 852 MB embedding that is the difference between fitting and not on a 2 GB-heap machine.
import { endianness } from 'node:os';

export type WideDtype = 'F32' | 'F16' | 'BF16';

export const BYTES_PER_ELEMENT: Record<WideDtype, number> = { F32: 4, F16: 2, BF16: 2 };

// Typed-array views read in host byte order; every checkpoint format stores little-endian.
if (endianness() !== 'LE') throw new Error('checkpoint readers need a little-endian host');

let halfTable: Uint32Array | undefined;
let halfTableSigned: Int32Array | undefined;

/** float32 bit patterns of all 65,536 half-precision values, exact (subnormals, ±inf, NaN payloads kept). */
export function halfToFloatBitsTable(): Uint32Array {
  if (halfTable) return halfTable;
  const table = new Uint32Array(65536);
  for (let half = 0; half < 65536; half++) {
    const sign = (half & 0x8000) << 16;
    const exponent = (half >> 10) & 0x1f;
    let mantissa = half & 0x3ff;
    if (exponent === 0x1f) table[half] = sign | 0x7f800000 | (mantissa << 13);
    else if (exponent !== 0) table[half] = sign | ((exponent + 112) << 23) | (mantissa << 13);
    else if (mantissa === 0) table[half] = sign;
    else {
      // Subnormal half: normalise; every one is a normal float32.
      let shift = 0;
      while ((mantissa & 0x400) === 0) {
        mantissa <<= 1;
        shift++;
      }
      table[half] = sign | ((113 - shift) << 23) | ((mantissa & 0x3ff) << 13);
    }
  }
  halfTable = table;
  return table;
}

function halfBitsTable(): Int32Array {
  halfTableSigned ??= new Int32Array(halfToFloatBitsTable().buffer);
  return halfTableSigned;
}

/**
 * Where to read the raw bytes of `count` elements of `dtype` so that {@link widenInPlace} can turn them
 * into float32 in the same buffer: a view of `output` (element 0 for F32, the upper half for 16-bit).
 */
export function rawRegion(output: Float32Array, dtype: WideDtype): Uint8Array {
  const bytes = output.length * BYTES_PER_ELEMENT[dtype];
  return new Uint8Array(output.buffer, output.byteOffset + output.byteLength - bytes, bytes);
}

/** Widens the values {@link rawRegion} received into `output`; F32 needs nothing. */
export function widenInPlace(output: Float32Array, dtype: WideDtype): void {
  if (dtype === 'F32') return;
  const count = output.length;
  // Int32 views: V8 stores a shifted (signed) int into an Int32Array without the conversion a
  // Uint32Array needs, measured 2–7× faster here.
  const words = new Int32Array(output.buffer, output.byteOffset, count);
  const halves = new Uint16Array(output.buffer, output.byteOffset + 2 * count, count);
  if (dtype === 'BF16') {
    // bfloat16 is the upper half of a float32, so the shift is exact for every value, NaN included.
    for (let i = 0; i < count; i++) words[i] = halves[i]! << 16;
  } else {
    const table = halfBitsTable();
    for (let i = 0; i < count; i++) words[i] = table[halves[i]!]!;
  }
}
