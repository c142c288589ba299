// Weight sources backed by a checkpoint: each weight is a loader that reads (and, for linear layers,
// transposes) one tensor when the writer reaches it. Every request is also recorded, so the exporter can
// check that all tensors exist with the expected shapes before it writes a single byte.
import { DataError } from '../../core/errors.js';
import type { Checkpoint } from './checkpoint/checkpoint.js';
import type { WeightSource } from './graph/graph-builder.js';

export interface TensorRequest {
  /** The tensor's name in the checkpoint. */
  source: string;
  /** Its shape as stored (nn.Linear's [out, in] for linear layers). */
  shape: number[];
}

export class CheckpointWeights {
  readonly requests: TensorRequest[] = [];

  constructor(private readonly checkpoint: Checkpoint) {}

  /** A source whose names are mapped to checkpoint names by `rename`. */
  source(rename: (name: string) => string = (name) => name): WeightSource {
    return (name, dims, kind) => {
      const source = rename(name);
      if (kind === 'linear') {
        const [inputs, outputs] = dims;
        this.requests.push({ source, shape: [outputs, inputs] });
        this.checkpoint.declare?.(source, [outputs, inputs]);
        const { checkpoint } = this;
        if (checkpoint.readTransposed) return () => checkpoint.readTransposed!(source, [outputs, inputs]);
        return async () => transpose(await checkpoint.readShaped(source, [outputs, inputs]), outputs, inputs);
      }
      this.requests.push({ source, shape: dims });
      this.checkpoint.declare?.(source, dims);
      return () => this.checkpoint.readShaped(source, dims);
    };
  }

  /** Fails on the first tensor that is missing or has another shape, naming it and its file. */
  checkAll(): void {
    for (const { source, shape } of this.requests) {
      const info = this.checkpoint.tensors.get(source);
      if (!info) throw new DataError(`${this.checkpoint.folder}: tensor ${source} (shape [${shape}]) is missing from the checkpoint`, this.checkpoint.folder, source);
      if (info.shape.length !== shape.length || info.shape.some((dim, index) => dim !== shape[index])) {
        throw new DataError(`${info.file}: tensor ${source} has shape [${info.shape}], but config.json implies [${shape}]`, info.file, source);
      }
    }
  }
}

/** [rows, columns] row-major → [columns, rows], in blocks so both sides stay cache-friendly on 500 MB matrices. */
export function transpose(values: Float32Array, rows: number, columns: number): Float32Array {
  const result = new Float32Array(values.length);
  const block = 64;
  for (let rowStart = 0; rowStart < rows; rowStart += block) {
    const rowEnd = Math.min(rowStart + block, rows);
    for (let columnStart = 0; columnStart < columns; columnStart += block) {
      const columnEnd = Math.min(columnStart + block, columns);
      for (let row = rowStart; row < rowEnd; row++) {
        for (let column = columnStart; column < columnEnd; column++) result[column * rows + row] = values[row * columns + column];
      }
    }
  }
  return result;
}
