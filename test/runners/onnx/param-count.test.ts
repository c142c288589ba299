import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import onnxProto from 'onnx-proto';
import { openModelFolder } from '../../../runners/onnx/model-folder.js';
import { scanOnnxFile } from '../../../runners/onnx/onnx-file-scan.js';
import { countComponent, countParameters, declaredParameters } from '../../../runners/onnx/param-count.js';
import { TINY_EMU_DIMENSIONS } from '../../../runners/onnx/tiny-emu/dimensions.js';
import { ensureTinyEmu } from '../../../runners/onnx/tiny-emu/ensure-tiny-emu.js';
import { temporaryFolder } from './helpers.js';

const { onnx } = onnxProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
const UINT8 = onnx.TensorProto.DataType.UINT8;
const INT64 = onnx.TensorProto.DataType.INT64;

describe('parameter counts from ONNX initializers', () => {
  test('tiny-emu: vision, projection and language match its dimensions exactly', async () => {
    const folder = await openModelFolder(await ensureTinyEmu());
    const { visionHidden: vision, hidden, keyValueHeads, heads, layers, intermediate, patchSize, imageGrid } = TINY_EMU_DIMENSIONS.tiny;
    const vocabulary = folder.settings.vocabSize!;
    const headDim = hidden / heads;
    const expectedVision = vision * 3 * patchSize * patchSize + vision + imageGrid * imageGrid * vision + 2 * vision;
    const expectedProjection = vision * hidden + hidden;
    const perLayer = 2 * hidden + hidden * heads * headDim * 2 + 2 * hidden * keyValueHeads * headDim + 3 * hidden * intermediate;
    const expectedLanguage = vocabulary * hidden + layers * perLayer + hidden + hidden * vocabulary;
    assert.deepEqual(countParameters(folder), {
      total: expectedVision + expectedProjection + expectedLanguage,
      vision: expectedVision,
      projection: expectedProjection,
      language: expectedLanguage,
      source: 'counted',
    });
    assert.deepEqual(declaredParameters(37_000_000_000), { total: 37_000_000_000, source: 'declared' });
  });

  test('packed 4-bit weights, subgraph weights, shape constants and buffers are counted by what they stand for', () => {
    const tensor = (name: string, dataType: number, dims: number[]) => {
      const count = dims.reduce((product, dim) => product * dim, 1);
      return { name, dataType, dims, rawData: new Uint8Array(count * (dataType === INT64 ? 8 : dataType === FLOAT ? 4 : 1)) };
    };
    const branch = (name: string) => ({ name, node: [{ opType: 'Identity', input: [`${name}.weight`], output: [`${name}_out`] }], initializer: [tensor(`${name}.weight`, FLOAT, [10, 10])], output: [{ name: `${name}_out` }] });
    const model = onnx.ModelProto.encode({
      irVersion: 8,
      opsetImport: [{ domain: '', version: 17 }, { domain: 'com.microsoft', version: 1 }],
      graph: {
        name: 'quantized',
        node: [
          {
            opType: 'MatMulNBits',
            domain: 'com.microsoft',
            input: ['x', 'layer.q_proj.weight_Q4', 'layer.q_proj.weight_scales', 'layer.q_proj.weight_zp'],
            output: ['y'],
            attribute: [
              { name: 'K', type: onnx.AttributeProto.AttributeType.INT, i: 64 },
              { name: 'N', type: onnx.AttributeProto.AttributeType.INT, i: 32 },
              { name: 'bits', type: onnx.AttributeProto.AttributeType.INT, i: 4 },
              { name: 'block_size', type: onnx.AttributeProto.AttributeType.INT, i: 32 },
            ],
          },
          {
            opType: 'If',
            input: ['condition'],
            output: ['z'],
            attribute: [
              { name: 'then_branch', type: onnx.AttributeProto.AttributeType.GRAPH, g: branch('then') },
              { name: 'else_branch', type: onnx.AttributeProto.AttributeType.GRAPH, g: branch('else') },
            ],
          },
        ],
        initializer: [
          tensor('layer.q_proj.weight_Q4', UINT8, [32, 2, 16]),
          tensor('layer.q_proj.weight_scales', FLOAT, [64]),
          tensor('layer.q_proj.weight_zp', UINT8, [32]),
          tensor('shape_constant', INT64, [3]),
          tensor('model.rotary_emb.inv_freq', FLOAT, [8]),
          tensor('epsilon', FLOAT, []),
          tensor('norm.weight', FLOAT, [64]),
        ],
      },
    }).finish();
    const file = path.join(temporaryFolder(), 'quantized.onnx');
    writeFileSync(file, model);
    const summary = scanOnnxFile(file);
    assert.equal(summary.initializers.get('layer.q_proj.weight_Q4')?.elementCount, 1024);
    // 64×32 (MatMulNBits K×N) + 2×(10×10) in the If branches + 64 norm weights.
    assert.deepEqual(countComponent(summary), { total: 64 * 32 + 200 + 64, projection: 0 });
  });

  test('tied embeddings count once', async () => {
    const folder = await openModelFolder(await ensureTinyEmu());
    const untied = countParameters(folder);
    const tied = countParameters({ ...folder, settings: { ...folder.settings, tieWordEmbeddings: true } });
    assert.equal(untied.total - tied.total, folder.settings.vocabSize! * TINY_EMU_DIMENSIONS.tiny.hidden);
  });
});
