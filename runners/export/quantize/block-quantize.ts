// Blockwise weight-only quantization in the layout of onnxruntime's com.microsoft.MatMulNBits, following
// the reference quantizer (onnxruntime/python/tools/quantization/matmul_nbits_quantizer.py → MLAS
// BlockwiseQuantizer::quantizeAndTranspose, round-to-nearest):
//   - a MatMul weight B is [K, N] (inputs × outputs); each output column n is cut along K into
//     ceil(K / blockSize) blocks, and each block gets one scale (and, asymmetric, one zero point);
//   - packed:      uint8 [N, blocks, blockSize·bits/8], column n's blocks in K order; with 4 bits two
//                  values share a byte, the even k in the low nibble;
//   - scales:      float [N · blocks], index n·blocks + b;
//   - zeroPoints:  uint8 [N · ceil(blocks·bits/8)] (asymmetric only), packed like B: with 4 bits block
//                  2j in the low nibble of byte n·ceil(blocks/2) + j, an odd last block leaving the
//                  high nibble at the default 2^(bits−1), as MLAS does;
//   - symmetric has no zero points: MatMulNBits then uses 2^(bits−1) (8 for 4 bits, 128 for 8 bits).
// K that is not a multiple of the block size is padded with zeros (as the reference's np.pad): the
// padding quantizes to the zero point, so it dequantizes to exactly 0 and the range is unchanged.
// Arithmetic is float32 like MLAS (Math.fround at each step) and rounding is C's roundf (half away
// from zero), so the bytes are those onnxruntime's own quantizer writes for the same float32 weights.

export interface BlockQuantization {
  bits: 4 | 8;
  /** Values along K sharing one scale: a power of two, ≥ 16 for MatMulNBits. */
  blockSize: number;
  /** No zero points: scale = −(the block's value of largest magnitude) / 2^(bits−1). */
  symmetric: boolean;
}

export interface QuantizedMatrix {
  K: number;
  N: number;
  blocksPerColumn: number;
  blobSize: number;
  /** [N, blocksPerColumn, blobSize]. */
  packed: Uint8Array;
  /** [N · blocksPerColumn]. */
  scales: Float32Array;
  /** [N · zeroPointBytesPerColumn]; absent when symmetric. */
  zeroPoints?: Uint8Array;
}

const f = Math.fround;

/** What MatMulNBits accepts: 4 or 8 bits (of its 2, 4, 8), a power-of-two block of at least 16. */
export function checkBlockQuantization(settings: BlockQuantization): void {
  checkQuantizable(settings);
  if (settings.blockSize < 16) throw new RangeError(`block size ${settings.blockSize}: MatMulNBits needs a power of two ≥ 16`);
}

/** The quantizer itself also takes smaller blocks (a hand-checkable 4), as long as whole bytes hold whole blocks. */
function checkQuantizable({ bits, blockSize }: BlockQuantization): void {
  if (bits !== 4 && bits !== 8) throw new RangeError(`bits ${bits}: MatMulNBits export supports 4 or 8`);
  if (!Number.isInteger(blockSize) || blockSize < 2 || (blockSize & (blockSize - 1)) !== 0) throw new RangeError(`block size ${blockSize}: expected a power of two`);
}

export function blocksPerColumn(K: number, blockSize: number): number {
  return Math.ceil(K / blockSize);
}

/** Bytes of one column's zero points: blocks · bits / 8, rounded up. */
export function zeroPointBytesPerColumn(blocks: number, bits: number): number {
  return Math.ceil((blocks * bits) / 8);
}

/** C's roundf: halves go away from zero (Math.round sends −2.5 to −2). */
function roundHalfAwayFromZero(value: number): number {
  return value < 0 ? -Math.floor(-value + 0.5) : Math.floor(value + 0.5);
}

/** `weights` is B of the MatMul, [K, N] row-major. */
export function quantizeBlockwise(weights: Float32Array, K: number, N: number, settings: BlockQuantization): QuantizedMatrix {
  checkQuantizable(settings);
  if (weights.length !== K * N) throw new RangeError(`quantizeBlockwise: ${weights.length} values for [${K}, ${N}]`);
  const { bits, blockSize, symmetric } = settings;
  const blocks = blocksPerColumn(K, blockSize);
  const blobSize = (blockSize * bits) / 8;
  const maxLevel = (1 << bits) - 1;
  const middle = 1 << (bits - 1);
  const packed = new Uint8Array(N * blocks * blobSize);
  const scales = new Float32Array(N * blocks);
  const zeroPointStride = zeroPointBytesPerColumn(blocks, bits);
  // Odd-count padding nibbles keep the default zero point, as MLAS initializes its zero-point bytes.
  const zeroPoints = symmetric ? undefined : new Uint8Array(N * zeroPointStride).fill(bits === 4 ? middle | (middle << 4) : middle);

  for (let n = 0; n < N; n++) {
    for (let block = 0; block < blocks; block++) {
      const start = block * blockSize;
      const end = Math.min(start + blockSize, K);
      let min = Infinity;
      let max = -Infinity;
      for (let k = start; k < end; k++) {
        const value = weights[k * N + n];
        if (value < min) min = value;
        if (value > max) max = value;
      }
      let scale: number;
      let zeroPoint = middle;
      if (symmetric) {
        // The larger-magnitude side maps onto −2^(bits−1), the wider half of the integer range.
        const extreme = Math.abs(max) > Math.abs(min) ? max : min;
        scale = f(-extreme / middle);
      } else {
        const low = Math.min(min, 0);
        const high = Math.max(max, 0);
        scale = f(f(high - low) / maxLevel);
        const zeroPointFloat = scale !== 0 ? f(0 - f(low / scale)) : low;
        zeroPoint = zeroPointFloat < 0 ? 0 : zeroPointFloat > maxLevel ? maxLevel : roundHalfAwayFromZero(zeroPointFloat);
        const byte = n * zeroPointStride + (bits === 4 ? block >> 1 : block);
        if (bits === 8) zeroPoints![byte] = zeroPoint;
        else if (block % 2 === 0) zeroPoints![byte] = (zeroPoints![byte] & 0xf0) | zeroPoint;
        else zeroPoints![byte] = (zeroPoints![byte] & 0x0f) | (zeroPoint << 4);
      }
      scales[n * blocks + block] = scale;
      const reciprocal = scale !== 0 ? f(1 / scale) : 0;
      const blob = (n * blocks + block) * blobSize;
      for (let offset = 0; offset < blockSize; offset++) {
        const k = start + offset;
        const value = k < K ? weights[k * N + n] : 0;
        const level = Math.min(maxLevel, Math.max(0, roundHalfAwayFromZero(f(f(value * reciprocal) + zeroPoint))));
        if (bits === 8) packed[blob + offset] = level;
        else packed[blob + (offset >> 1)] |= offset % 2 === 0 ? level : level << 4;
      }
    }
  }
  return { K, N, blocksPerColumn: blocks, blobSize, packed, scales, zeroPoints };
}

/** The zero point of one block: stored, or the default 2^(bits−1) when symmetric. */
export function blockZeroPoint(matrix: QuantizedMatrix, bits: number, n: number, block: number): number {
  if (!matrix.zeroPoints) return 1 << (bits - 1);
  const stride = zeroPointBytesPerColumn(matrix.blocksPerColumn, bits);
  if (bits === 8) return matrix.zeroPoints[n * stride + block];
  const byte = matrix.zeroPoints[n * stride + (block >> 1)];
  return block % 2 === 0 ? byte & 0x0f : byte >> 4;
}

/** The [K, N] weights MatMulNBits computes with: (level − zero point) · scale, per the operator's definition. */
export function dequantizeBlockwise(matrix: QuantizedMatrix, bits: 4 | 8): Float32Array {
  const { K, N, blocksPerColumn: blocks, blobSize, packed, scales } = matrix;
  const blockSize = (blobSize * 8) / bits;
  const result = new Float32Array(K * N);
  for (let n = 0; n < N; n++) {
    for (let block = 0; block < blocks; block++) {
      const scale = scales[n * blocks + block];
      const zeroPoint = blockZeroPoint(matrix, bits, n, block);
      const blob = (n * blocks + block) * blobSize;
      for (let offset = 0; offset < blockSize; offset++) {
        const k = block * blockSize + offset;
        if (k >= K) break;
        const level = bits === 8 ? packed[blob + offset] : (packed[blob + (offset >> 1)] >> (offset % 2 === 0 ? 0 : 4)) & 0x0f;
        result[k * N + n] = (level - zeroPoint) * scale;
      }
    }
  }
  return result;
}
