import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { EXTERNAL_DATA_ALIGNMENT, GraphBuilder } from '../../../runners/export/graph/graph-builder.js';
import { writeGraph } from '../../../runners/export/writer/write-graph.js';
import { temporaryFolder } from '../../helpers/cli.js';
import { scanOnnxFile } from '../../../runners/onnx/onnx-file-scan.js';

function twoWeightGraph(loads: string[]): GraphBuilder {
  const graph = new GraphBuilder('test');
  const input = graph.input('x', graph.floatType, [1, 512]);
  const first = graph.weight('first.weight', [512, 512], async () => {
    loads.push('first');
    return new Float32Array(512 * 512).fill(1);
  });
  const second = graph.weight('second.weight', [512, 3], async () => {
    loads.push('second');
    return new Float32Array(512 * 3).fill(2);
  });
  graph.op('MatMul', [graph.op('MatMul', [input, first]), second], {}, 'y');
  graph.output('y', graph.floatType, [1, 3]);
  return graph;
}

describe('streaming graph writer', () => {
  test('writes weights in order at 4096-byte aligned offsets, loading each only when it is written', async () => {
    const folder = temporaryFolder();
    mkdirSync(path.join(folder, 'onnx'));
    const loads: string[] = [];
    const graph = twoWeightGraph(loads);
    assert.deepEqual(loads, []);
    const result = await writeGraph(graph, { opset: 17, folder, name: 'test' });
    assert.deepEqual(loads, ['first', 'second']);
    assert.equal(result.parameters, 512 * 512 + 512 * 3);
    const scan = scanOnnxFile(path.join(folder, 'onnx', 'test.onnx'));
    const second = scan.initializers.get('second.weight')!.external!;
    assert.equal(second.offset % EXTERNAL_DATA_ALIGNMENT, 0);
    const data = readFileSync(path.join(folder, 'onnx', 'test.onnx_data'));
    assert.equal(new Float32Array(data.buffer, data.byteOffset + second.offset, 3)[2], 2);
  });

  test('a full disk is a DataError naming the data file and the weight being written', async () => {
    const folder = temporaryFolder();
    mkdirSync(path.join(folder, 'onnx'));
    symlinkSync('/dev/full', path.join(folder, 'onnx', 'test.onnx_data'));
    await assert.rejects(writeGraph(twoWeightGraph([]), { opset: 17, folder, name: 'test' }), (error: Error) => {
      assert.equal(error.name, 'DataError');
      assert.match(error.message, /test\.onnx_data \(at weight first\.weight\): no space left on device \(ENOSPC\)/);
      return true;
    });
  });
});
