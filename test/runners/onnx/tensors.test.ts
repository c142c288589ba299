import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Tensor } from 'onnxruntime-node';
import { float16BitsToFloat32, float32ArrayToFloat16Bits, float32ToFloat16Bits, readFloat32, toFloatData } from '../../../runners/onnx/tensors.js';

describe('float16 conversion (Node 20 has no Float16Array)', () => {
  test('the array conversion gives float32ToFloat16Bits\' bits for every kind of float32 (specials, subnormals, ties, overflow, random bit patterns)', () => {
    const words = new Uint32Array(200_000);
    let state = 12345;
    for (let index = 0; index < words.length; index++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      words[index] = state;
    }
    const special = [0, -0, 1, -1, 65504, 65520, 65519.99, 1e9, -1e9, Infinity, -Infinity, NaN, 2 ** -24, 2 ** -25, 3 * 2 ** -26, 2 ** -14, 2 ** -15 * 1.5, 1 + 2 ** -11, 1 + 3 * 2 ** -11, 5.960464477539063e-8];
    const values = new Float32Array(words.buffer);
    values.set(special);
    const converted = float32ArrayToFloat16Bits(values);
    for (let index = 0; index < values.length; index++) assert.equal(converted[index], float32ToFloat16Bits(values[index]), `value ${values[index]} (bits ${words[index].toString(16)})`);
  });

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
