// Python 3's round(x, ndigits) for floats, which the official VQA report uses for its 2-decimal
// figures. Python rounds the *exact* binary value, ties to even: round(0.125, 2) = 0.12 but
// round(0.375, 2) = 0.38, and round(2.675, 2) = 2.67 because 2.675 is stored as 2.67499999…
// JS `toFixed` is exact too but sends ties up, so ties (and anything too close to call in floating
// point) take an exact BigInt path.

/** Python's limits (floatobject.c): beyond them the result is x itself, or a zero of x's sign. */
const MOST_DIGITS = 323;
const FEWEST_DIGITS = -308;
/** Below this scaled magnitude, the floating-point product is accurate to far better than TIE_MARGIN. */
const FAST_PATH_LIMIT = 2 ** 31;
const TIE_MARGIN = 1e-6;

export function roundHalfEven(x: number, digits: number): number {
  if (!Number.isInteger(digits)) throw new RangeError(`round digits must be an integer, got ${digits}`);
  if (!Number.isFinite(x) || x === 0) return x;
  if (digits > MOST_DIGITS) return x;
  if (digits < FEWEST_DIGITS) return 0 * x;
  if (digits >= 0 && digits <= 22) {
    const scaled = Math.abs(x) * 10 ** digits;
    if (scaled < FAST_PATH_LIMIT && Math.abs(scaled - Math.floor(scaled) - 0.5) > TIE_MARGIN) {
      return Number(x.toFixed(digits));
    }
  }
  return roundExactly(x, digits);
}

const bitsView = new DataView(new ArrayBuffer(8));

/** x = mantissa · 2^exponent exactly, with mantissa a non-negative integer. */
function decompose(magnitude: number): { mantissa: bigint; exponent: number } {
  bitsView.setFloat64(0, magnitude);
  const high = bitsView.getUint32(0);
  const low = bitsView.getUint32(4);
  const biasedExponent = (high >>> 20) & 0x7ff;
  const fraction = (BigInt(high & 0xfffff) << 32n) | BigInt(low);
  if (biasedExponent === 0) return { mantissa: fraction, exponent: -1074 }; // subnormal
  return { mantissa: fraction | (1n << 52n), exponent: biasedExponent - 1075 };
}

function roundExactly(x: number, digits: number): number {
  const { mantissa, exponent } = decompose(Math.abs(x));
  // x · 10^digits as the exact fraction numerator / denominator.
  let numerator = mantissa;
  let denominator = 1n;
  if (exponent >= 0) numerator <<= BigInt(exponent);
  else denominator <<= BigInt(-exponent);
  if (digits >= 0) numerator *= 10n ** BigInt(digits);
  else denominator *= 10n ** BigInt(-digits);

  let quotient = numerator / denominator;
  const twiceRemainder = 2n * (numerator % denominator);
  if (twiceRemainder > denominator || (twiceRemainder === denominator && (quotient & 1n) === 1n)) quotient += 1n;

  // Parsing a decimal string is correctly rounded in V8, as Python's strtod of its dtoa digits is.
  const result = Number(`${x < 0 ? '-' : ''}${quotient}e${-digits}`);
  if (!Number.isFinite(result)) throw new RangeError(`round(${x}, ${digits}): rounded value too large to represent`);
  return result;
}
