// float32 ⇄ float16 bit conversions (Node 20 has no Float16Array), free of onnxruntime so the exporter
// and the GPU bench's child process can use them without loading an onnxruntime binding.
const conversionView = new DataView(new ArrayBuffer(4));

export function float32ToFloat16Bits(value: number): number {
  conversionView.setFloat32(0, value);
  return float16BitsOfFloat32Bits(conversionView.getUint32(0));
}

/**
 * A whole array converted as float32ToFloat16Bits converts one value (the same bits), reading the
 * float32 bits through an integer view instead of a DataView per value: the exporter converts billions
 * of weights with it.
 */
export function float32ArrayToFloat16Bits(values: Float32Array): Uint16Array {
  const words = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const halves = new Uint16Array(values.length);
  for (let index = 0; index < words.length; index++) halves[index] = float16BitsOfFloat32Bits(words[index]);
  return halves;
}

/** IEEE float32 bits → float16 bits, rounding half to even; overflow to ±inf, NaN stays NaN. */
function float16BitsOfFloat32Bits(bits: number): number {
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa !== 0 ? 0x200 : 0);
  const halfExponent = exponent - 127 + 15;
  if (halfExponent >= 0x1f) return sign | 0x7c00;
  if (halfExponent <= 0) {
    if (halfExponent < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - halfExponent;
    let half = mantissa >>> shift;
    // round half to even
    const remainder = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (remainder > halfway || (remainder === halfway && (half & 1) === 1)) half++;
    return sign | half;
  }
  let half = sign | (halfExponent << 10) | (mantissa >>> 13);
  const remainder = mantissa & 0x1fff;
  if (remainder > 0x1000 || (remainder === 0x1000 && (half & 1) === 1)) half++;
  return half;
}

export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}
