import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { openCheckpoint } from '../../../../runners/export/checkpoint/checkpoint.js';
import { rawRegion, widenInPlace } from '../../../../runners/export/checkpoint/float-widen.js';
import { writeSafetensors, writeTorchBin } from '../../../helpers/checkpoint-writers.js';
import { floatBitsToBfloat16, floatBitsToHalf } from '../../../helpers/float-narrow.js';

const folders: string[] = [];
after(() => folders.forEach((folder) => rmSync(folder, { recursive: true, force: true })));

// Reference conversions written from the IEEE 754 definitions, independent of the readers' bit tricks.
function halfValue(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0x1f) return mantissa === 0 ? sign * Infinity : NaN;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}
function bfloat16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 7) & 0xff;
  const mantissa = bits & 0x7f;
  if (exponent === 0xff) return mantissa === 0 ? sign * Infinity : NaN;
  if (exponent === 0) return sign * mantissa * 2 ** -133;
  return sign * (1 + mantissa / 128) * 2 ** (exponent - 127);
}

const ALL_PATTERNS = Uint16Array.from({ length: 65536 }, (_, i) => i);

/** float32 bits widened from 16-bit `patterns` by the reader's in-place routine. */
function widened(patterns: Uint16Array, dtype: 'F16' | 'BF16'): Uint32Array {
  const output = new Float32Array(patterns.length);
  rawRegion(output, dtype).set(new Uint8Array(patterns.buffer));
  widenInPlace(output, dtype);
  return new Uint32Array(output.buffer);
}

function assertMatches(bits: Uint32Array, reference: (pattern: number) => number, nanBits: (pattern: number) => number) {
  const floats = new Float32Array(bits.buffer);
  let nans = 0;
  for (let pattern = 0; pattern < 65536; pattern++) {
    const expected = reference(pattern);
    if (Number.isNaN(expected)) {
      nans++;
      assert.equal(bits[pattern], nanBits(pattern), `NaN pattern 0x${pattern.toString(16)} keeps sign and payload`);
    } else assert.ok(Object.is(floats[pattern], expected), `pattern 0x${pattern.toString(16)}: ${floats[pattern]} vs ${expected}`);
  }
  return nans;
}

describe('16-bit → float32 widening', () => {
  test('float16: all 65,536 patterns exact, subnormals, ±0, ±inf and NaN payloads included', () => {
    const bits = widened(ALL_PATTERNS, 'F16');
    const nans = assertMatches(bits, halfValue, (p) => (((p & 0x8000) << 16) | 0x7f800000 | ((p & 0x3ff) << 13)) >>> 0);
    assert.equal(nans, 2 * 1023);
    assert.equal(new Float32Array(bits.buffer)[0x0001], 2 ** -24, 'smallest subnormal');
    assert.equal(new Float32Array(bits.buffer)[0x03ff], 1023 * 2 ** -24, 'largest subnormal');
    assert.ok(Object.is(new Float32Array(bits.buffer)[0x8000], -0));
  });

  test('bfloat16: all 65,536 patterns exact, NaN payloads kept', () => {
    const bits = widened(ALL_PATTERNS, 'BF16');
    assertMatches(bits, bfloat16Value, (p) => p << 16 >>> 0);
  });

  test('the writers narrow float32 with round-to-nearest-even, ties to even', () => {
    const f32 = new Float32Array(1);
    const u32 = new Uint32Array(f32.buffer);
    const half = (value: number) => ((f32[0] = value), floatBitsToHalf(u32[0]!));
    const bf16 = (value: number) => ((f32[0] = value), floatBitsToBfloat16(u32[0]!));
    assert.equal(half(1 + 2 ** -11), 0x3c00, 'tie below rounds to even 1.0');
    assert.equal(half(1 + 3 * 2 ** -11), 0x3c02, 'tie above rounds to even');
    assert.equal(half(65520), 0x7c00, 'overflows to inf');
    assert.equal(half(2 ** -25), 0x0000, 'half the smallest subnormal ties to 0');
    assert.equal(half(1.5 * 2 ** -25), 0x0001);
    assert.equal(bf16(1 + 2 ** -8), 0x3f80);
    assert.equal(bf16(1 + 3 * 2 ** -8), 0x3f82);
    for (let pattern = 0; pattern < 65536; pattern++) {
      if (!Number.isNaN(halfValue(pattern))) assert.equal(half(halfValue(pattern)), pattern);
    }
  });

  for (const format of ['safetensors', 'pytorch'] as const) {
    test(`${format}: every float16 and bfloat16 pattern survives a file round trip`, async () => {
      const folder = mkdtempSync(path.join(tmpdir(), 'emu-eval-widen-'));
      folders.push(folder);
      const tensors = {
        half: { dtype: 'F16', shape: [256, 256], raw: new Uint8Array(ALL_PATTERNS.buffer) },
        brain: { dtype: 'BF16', shape: [65536], raw: new Uint8Array(ALL_PATTERNS.buffer) },
      };
      if (format === 'safetensors') writeSafetensors(path.join(folder, 'model.safetensors'), tensors);
      else writeTorchBin(path.join(folder, 'pytorch_model.bin'), tensors);
      const checkpoint = await openCheckpoint(folder);
      try {
        assert.deepEqual(new Uint32Array((await checkpoint.read('half')).buffer), widened(ALL_PATTERNS, 'F16'));
        assert.deepEqual(new Uint32Array((await checkpoint.read('brain')).buffer), widened(ALL_PATTERNS, 'BF16'));
        assert.equal((await checkpoint.read('half'))[0x3c00], 1);
      } finally {
        await checkpoint.close();
      }
    });
  }
});
