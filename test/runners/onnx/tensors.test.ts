import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Tensor } from 'onnxruntime-node';
import { float16BitsToFloat32, float32ToFloat16Bits, readFloat32, toFloatData } from '../../../runners/onnx/tensors.js';

describe('float16 conversion (Node 20 has no Float16Array)', () => {
  test('exact values, limits and specials', () => {
    const cases: Array<[number, number]> = [
      [0, 0x0000],
      [1, 0x3c00],
      [-2, 0xc000],
      [0.5, 0x3800],
      [65504, 0x7bff],
      [2 ** -24, 0x0001],
      [2 ** -14, 0x0400],
      [Infinity, 0x7c00],
      [-Infinity, 0xfc00],
    ];
    for (const [value, bits] of cases) {
      assert.equal(float32ToFloat16Bits(value), bits, `encode ${value}`);
      assert.equal(float16BitsToFloat32(bits), value, `decode ${bits.toString(16)}`);
    }
    assert.equal(float32ToFloat16Bits(1e6), 0x7c00);
    assert.equal(float32ToFloat16Bits(1e-9), 0);
    assert.ok(Number.isNaN(float16BitsToFloat32(float32ToFloat16Bits(NaN))));
  });

  test('rounds to nearest even and round-trips within half precision', () => {
    assert.equal(float32ToFloat16Bits(1 + 2 ** -11), 0x3c00);
    assert.equal(float32ToFloat16Bits(1 + 3 * 2 ** -11), 0x3c02);
    for (const value of [3.14159, -0.001234, 1234.5678, 1e-5]) {
      const back = float16BitsToFloat32(float32ToFloat16Bits(value));
      assert.ok(Math.abs(back - value) <= Math.abs(value) * 2 ** -11 + 2 ** -25, `${value} → ${back}`);
    }
  });

  test('float16 tensors read back as float32', () => {
    const values = Float32Array.of(0.25, -3, 100);
    const tensor = new Tensor('float16', toFloatData('float16', values) as Uint16Array, [3]);
    assert.deepEqual(Array.from(readFloat32(tensor)), [0.25, -3, 100]);
    assert.equal(toFloatData('float32', values), values);
  });
});
