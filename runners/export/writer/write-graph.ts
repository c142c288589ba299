// Writes a graph whose weights stream from a checkpoint: each weight is loaded, converted to the graph's
// precision and written at its aligned offset in the external data file before the next one is read, so
// peak memory is about one tensor whatever the model's size. The model proto (small: structure, constants
// and external-data references) is encoded last, once every offset is known.
import { open, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DataError } from '../../../core/errors.js';
import {
  alignmentPadding,
  checkLength,
  encodeFloats,
  externalTensor,
  inlineTensor,
  isExternal,
  bytesPerElement,
  precisionOf,
  type GraphBuilder,
  type Initializer,
  type TensorProto,
} from '../graph/graph-builder.js';

export interface WrittenGraph {
  /** Paths relative to the output folder. */
  files: string[];
  /** Elements of the streamed (checkpoint) weights; a quantized matrix counts its K·N. */
  parameters: number;
  bytes: number;
}

export interface WriteGraphOptions {
  opset: number;
  /** The model folder being written (the temporary one); files go to its onnx/ subfolder. */
  folder: string;
  /** File name without extension, e.g. `decoder_model_merged_fp16`. */
  name: string;
  /** Called after each weight is written with the bytes it added. */
  onBytes?: (bytes: number) => void;
}

export async function writeGraph(graph: GraphBuilder, options: WriteGraphOptions): Promise<WrittenGraph> {
  const modelName = `${options.name}.onnx`;
  const dataName = `${options.name}.onnx_data`;
  const dataFile = path.join(options.folder, 'onnx', dataName);
  const data = await open(dataFile, 'w').catch((error: NodeJS.ErrnoException) => {
    throw writeError(dataFile, undefined, error);
  });
  let offset = 0;
  let parameters = 0;
  const tensors: TensorProto[] = [];
  try {
    for (const initializer of graph.initializers) {
      const bytes = await initializerBytes(initializer);
      if (initializer.load) parameters += initializer.dims.reduce((product, dim) => product * dim, 1);
      else if (initializer.encode) parameters += initializer.parameters ?? 0;
      if (!isExternal(bytes.byteLength)) {
        tensors.push(inlineTensor(initializer, bytes));
        continue;
      }
      offset += alignmentPadding(offset);
      await writeFully(data, bytes, offset).catch((error: NodeJS.ErrnoException) => {
        throw writeError(dataFile, initializer.name, error);
      });
      tensors.push(externalTensor(initializer, dataName, offset, bytes.byteLength));
      offset += bytes.byteLength;
      options.onBytes?.(bytes.byteLength);
    }
    await data.sync().catch((error: NodeJS.ErrnoException) => {
      throw writeError(dataFile, undefined, error);
    });
  } finally {
    await data.close();
  }
  const modelFile = path.join(options.folder, 'onnx', modelName);
  const model = graph.encode(options.opset, tensors);
  await writeFile(modelFile, model).catch((error: NodeJS.ErrnoException) => {
    throw writeError(modelFile, undefined, error);
  });
  return { files: [`onnx/${modelName}`, `onnx/${dataName}`], parameters, bytes: offset + model.byteLength };
}

/** The bytes of all streamed and in-memory weights of a graph, for progress totals. */
export function graphWeightBytes(graph: GraphBuilder): number {
  return graph.initializers.reduce((total, initializer) => {
    if (initializer.bytes) return total + (isExternal(initializer.bytes.byteLength) ? initializer.bytes.byteLength : 0);
    return total + initializer.dims.reduce((product, dim) => product * dim, 1) * bytesPerElement(initializer.dataType);
  }, 0);
}

async function initializerBytes(initializer: Initializer): Promise<Uint8Array> {
  if (initializer.bytes) return initializer.bytes;
  if (initializer.encode) {
    const bytes = await initializer.encode();
    const expected = initializer.dims.reduce((product, dim) => product * dim, 1) * bytesPerElement(initializer.dataType);
    if (bytes.byteLength !== expected) throw new Error(`weight ${initializer.name}: ${bytes.byteLength} bytes for dims [${initializer.dims}]`);
    return bytes;
  }
  const values = await initializer.load!();
  checkLength(initializer.name, initializer.dims, values);
  return encodeFloats(values, precisionOf(initializer));
}

async function writeFully(handle: Awaited<ReturnType<typeof open>>, bytes: Uint8Array, position: number): Promise<void> {
  let written = 0;
  while (written < bytes.byteLength) {
    const { bytesWritten } = await handle.write(bytes, written, bytes.byteLength - written, position + written);
    written += bytesWritten;
  }
}

function writeError(file: string, tensor: string | undefined, error: NodeJS.ErrnoException): DataError {
  const reason = error.code === 'ENOSPC' ? 'no space left on device (ENOSPC)' : error.message;
  return new DataError(`cannot write ${file}${tensor ? ` (at weight ${tensor})` : ''}: ${reason}`, file, tensor);
}
