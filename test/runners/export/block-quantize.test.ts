import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { seededRandom } from '../../../core/random.js';
import { ElementType, GraphBuilder } from '../../../runners/export/graph/graph-builder.js';
import { blockZeroPoint, dequantizeBlockwise, quantizeBlockwise, type BlockQuantization } from '../../../runners/export/quantize/block-quantize.js';
import { writeGraph } from '../../../runners/export/writer/write-graph.js';
import { temporaryFolder } from '../../helpers/cli.js';

function randomMatrix(seed: number, length: number, spread = 1): Float32Array {
  const random = seededRandom(seed);
  return Float32Array.from({ length }, () => (random() * 2 - 1) * spread);
}

const SETTINGS: BlockQuantization[] = [4, 8].flatMap((bits) => [16, 32, 128].flatMap((blockSize) => [true, false].map((symmetric) => ({ bits: bits as 4 | 8, blockSize, symmetric }))));
const describeSettings = ({ bits, blockSize, symmetric }: BlockQuantization) => `${bits}-bit, block ${blockSize}, ${symmetric ? 'symmetric' : 'asymmetric'}`;

describe('quantizeBlockwise: the MatMulNBits layout', () => {
  // B = [K=8, N=2] (nn.Linear [2, 8] transposed), block 4: two blocks per column. Column 0 is k-major
  // in `weights[k * 2 + 0]`.
  const column0 = [-2, -1, 0, 1.75, 0.5, 1, 1.5, 2];
  const column1 = [0, 0, 0, 0, -1, 1, 0.5, -0.25];
  const weights = Float32Array.from({ length: 16 }, (_, index) => (index % 2 === 0 ? column0 : column1)[index >> 1]);

  test('symmetric 4-bit: levels, low nibble first, per column then per block; scales −extreme/8; no zero points', () => {
    const matrix = quantizeBlockwise(weights, 8, 2, { bits: 4, blockSize: 4, symmetric: true });
    // Column 0 block 0: extreme −2 → scale 0.25, levels round(v/0.25 + 8) = 0 4 8 15 → bytes 0x40 0xF8.
    // Column 0 block 1: extreme 2 → scale −0.25, levels 6 4 2 0 → 0x46 0x02.
    // Column 1 block 0: all zero → scale −0, levels 8 → 0x88 0x88.
    // Column 1 block 1: |−1| is not above |1| so the extreme is −1 → scale 0.125, levels 0 16→15 12 6 → 0xF0 0x6C.
    assert.deepEqual([...matrix.packed], [0x40, 0xf8, 0x46, 0x02, 0x88, 0x88, 0xf0, 0x6c]);
    assert.deepEqual([...matrix.scales], [0.25, -0.25, -0, 0.125]);
    assert.ok(Object.is(matrix.scales[2], -0), 'an all-zero block has scale −0, as MLAS computes it');
    assert.equal(matrix.zeroPoints, undefined);
    assert.equal(matrix.blocksPerColumn, 2);
    assert.equal(matrix.blobSize, 2);
    // The saturated +1 dequantizes one step short (7 · 0.125); everything else is exact.
    const restored = dequantizeBlockwise(matrix, 4);
    assert.deepEqual([...restored].filter((_, index) => index % 2 === 0), column0);
    // (8 − 8) · −0 is −0; `+ 0` compares it as the 0 it stands for.
    assert.deepEqual([...restored].filter((_, index) => index % 2 === 1).map((value) => value + 0), [0, 0, 0, 0, -1, 0.875, 0.5, -0.25]);
  });

  test('asymmetric 4-bit: zero points packed two blocks a byte, low nibble first', () => {
    const asymmetric = Float32Array.from(weights);
    // Column 0 block 1 → [0, 0.5, 1, 3.75]; column 1 block 1 → [−1.5, 2.25, 0.5, −0.25]: both have scale 0.25.
    [0, 0.5, 1, 3.75].forEach((value, offset) => (asymmetric[(4 + offset) * 2] = value));
    [-1.5, 2.25, 0.5, -0.25].forEach((value, offset) => (asymmetric[(4 + offset) * 2 + 1] = value));
    const matrix = quantizeBlockwise(asymmetric, 8, 2, { bits: 4, blockSize: 4, symmetric: false });
    // Zero points: column 0 (8, 0) → 0x08; column 1 (0 for the all-zero block, 6) → 0x60.
    assert.deepEqual([...matrix.zeroPoints!], [0x08, 0x60]);
    assert.deepEqual([...matrix.scales], [0.25, 0.25, 0, 0.25]);
    // Levels: (0 4 8 15) (0 2 4 15) (0 0 0 0) (0 15 8 5).
    assert.deepEqual([...matrix.packed], [0x40, 0xf8, 0x20, 0xf4, 0x00, 0x00, 0xf0, 0x58]);
    assert.deepEqual([...dequantizeBlockwise(matrix, 4)], [...asymmetric]);
  });

  test('an odd number of 4-bit blocks leaves the last zero-point byte high nibble at the default 8', () => {
    const matrix = quantizeBlockwise(randomMatrix(3, 12 * 3), 12, 3, { bits: 4, blockSize: 4, symmetric: false });
    assert.equal(matrix.zeroPoints!.length, 3 * 2);
    for (let n = 0; n < 3; n++) assert.equal(matrix.zeroPoints![n * 2 + 1] >> 4, 8, `column ${n}`);
  });

  test('8-bit: one level a byte; K not a multiple of the block is padded with the zero point', () => {
    const values = randomMatrix(4, 40 * 3);
    for (const symmetric of [true, false]) {
      const matrix = quantizeBlockwise(values, 40, 3, { bits: 8, blockSize: 32, symmetric });
      assert.equal(matrix.packed.length, 3 * 2 * 32);
      for (let n = 0; n < 3; n++) {
        const zeroPoint = blockZeroPoint(matrix, 8, n, 1);
        for (let offset = 8; offset < 32; offset++) assert.equal(matrix.packed[(n * 2 + 1) * 32 + offset], zeroPoint, `column ${n} padding ${offset}`);
      }
    }
  });

  for (const settings of SETTINGS) {
    test(`${describeSettings(settings)}: dequantized error within half a step per block (a step for symmetric saturation)`, () => {
      const K = 2 * settings.blockSize + 8;
      const N = 5;
      const values = randomMatrix(settings.bits * 1000 + settings.blockSize, K * N, 0.7);
      const matrix = quantizeBlockwise(values, K, N, settings);
      const restored = dequantizeBlockwise(matrix, settings.bits);
      const middle = 1 << (settings.bits - 1);
      for (let n = 0; n < N; n++) {
        for (let k = 0; k < K; k++) {
          const step = Math.abs(matrix.scales[n * matrix.blocksPerColumn + Math.floor(k / settings.blockSize)]);
          const value = values[k * N + n];
          // Symmetric maps the larger-magnitude side onto −2^(bits−1); the other side tops out at 2^(bits−1) − 1.
          const saturated = settings.symmetric && value / (-step * Math.sign(matrix.scales[n * matrix.blocksPerColumn + Math.floor(k / settings.blockSize)])) < -(middle - 0.5);
          const bound = (saturated ? step : step / 2) * (1 + 1e-5);
          const error = Math.abs(restored[k * N + n] - value);
          assert.ok(error <= bound, `k ${k} n ${n}: |${restored[k * N + n]} − ${value}| = ${error} > ${bound}`);
        }
      }
    });

    test(`${describeSettings(settings)}: values already on the grid come back exactly`, () => {
      const K = settings.blockSize * 2;
      const N = 3;
      const random = seededRandom(settings.blockSize + settings.bits);
      const maxLevel = (1 << settings.bits) - 1;
      const middle = 1 << (settings.bits - 1);
      const values = new Float32Array(K * N);
      for (let n = 0; n < N; n++) {
        for (let block = 0; block < 2; block++) {
          const scale = 2 ** -(2 + ((n + block) % 4)); // powers of two: every product below is exact
          const zeroPoint = settings.symmetric ? middle : Math.floor(random() * (maxLevel + 1));
          for (let offset = 0; offset < settings.blockSize; offset++) {
            // Level 0 (and, asymmetric, the top level) appear in every block, so the block's range is the grid's.
            let level = Math.floor(random() * (maxLevel + 1));
            if (offset === 0) level = 0;
            if (offset === 1 && !settings.symmetric) level = maxLevel;
            values[(block * settings.blockSize + offset) * N + n] = (level - zeroPoint) * scale;
          }
        }
      }
      const restored = dequantizeBlockwise(quantizeBlockwise(values, K, N, settings), settings.bits);
      assert.deepEqual([...restored], [...values]);
    });
  }
});

describe('onnxruntime MatMulNBits on the packed weights', () => {
  async function matMulNBits(settings: BlockQuantization, K: number, N: number, weights: Float32Array, input: Float32Array, rows: number): Promise<Float32Array> {
    const graph = new GraphBuilder('matmul_nbits', { quantization: settings });
    const a = graph.input('a', ElementType.float, [rows, K]);
    graph.matmul(a, 'layer.weight', K, N, async () => weights, 'y');
    graph.output('y', ElementType.float, [rows, N]);
    const folder = temporaryFolder();
    mkdirSync(path.join(folder, 'onnx'));
    const written = await writeGraph(graph, { opset: 17, folder, name: 'model' });
    assert.equal(written.parameters, K * N, 'the packed matrix counts as the K·N parameters it stands for');
    const session = await InferenceSession.create(path.join(folder, 'onnx', 'model.onnx'));
    const { y } = await session.run({ a: new Tensor('float32', input, [rows, K]) });
    await session.release();
    return y.data as Float32Array;
  }

  // K = 72 is not a multiple of 32 or 128 (padding), and K = 64 is one block of 128 with 64 padding.
  for (const settings of SETTINGS.filter((setting) => setting.blockSize !== 16)) {
    for (const K of [72, 64]) {
      test(`${describeSettings(settings)}, K ${K}: equals A · dequantized B within float32 rounding`, async () => {
        const N = 24;
        const rows = 3;
        const weights = randomMatrix(K + settings.bits, K * N, 0.5);
        const input = randomMatrix(K * 7, rows * K);
        const dequantized = dequantizeBlockwise(quantizeBlockwise(weights, K, N, settings), settings.bits);
        const output = await matMulNBits(settings, K, N, weights, input, rows);
        let largest = 0;
        let reach = 0;
        for (let row = 0; row < rows; row++) {
          for (let n = 0; n < N; n++) {
            let expected = 0;
            let magnitude = 0;
            for (let k = 0; k < K; k++) {
              expected += input[row * K + k] * dequantized[k * N + n];
              magnitude += Math.abs(input[row * K + k] * dequantized[k * N + n]);
            }
            largest = Math.max(largest, Math.abs(output[row * N + n] - expected));
            reach = Math.max(reach, magnitude);
          }
        }
        // Float32 accumulation over K terms: a few ulps of the sum of magnitudes. A wrong layout (a column
        // or a nibble out of place) is off by the size of a weight, about 0.1 · |x| here.
        assert.ok(largest <= 1e-5 * reach, `max |Δ| ${largest} (Σ|terms| ${reach})`);
      });
    }
  }
});
