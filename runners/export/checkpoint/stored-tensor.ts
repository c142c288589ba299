// Where one tensor's bytes lie in its file, as the format readers find it from headers alone, and the one
// routine that reads them: a positioned read of exactly those bytes, widened in place to float32.
import { DataError } from '../../../core/errors.js';
import { BYTES_PER_ELEMENT, rawRegion, type WideDtype, widenInPlace } from './float-widen.js';
import { type RandomAccessFile, readExactly } from './random-access-file.js';

export interface StoredTensor {
  name: string;
  dtype: WideDtype;
  shape: number[];
  file: string;
  /** Byte position of element 0 in the file. */
  position: number;
  /** Element strides (row-major contiguous for safetensors; whatever torch saved for .bin). */
  strides: number[];
}

/** A tensor the file holds in a dtype the readers do not widen (int64 position ids, float64, ...). */
export interface UnsupportedTensor {
  name: string;
  dtype: string;
  shape: number[];
  file: string;
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((product, size) => product * size, 1);
}

export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let axis = shape.length - 1; axis >= 0; axis--) {
    strides[axis] = step;
    step *= shape[axis]!;
  }
  return strides;
}

/** Elements from element 0 to the last one the strides reach, inclusive (0 for an empty tensor). */
export function stridedSpan(shape: readonly number[], strides: readonly number[]): number {
  if (shape.some((size) => size === 0)) return 0;
  return 1 + shape.reduce((span, size, axis) => span + (size - 1) * strides[axis]!, 0);
}

function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  const expected = contiguousStrides(shape);
  // A stride along a size-1 axis never moves, so torch is free to write anything there.
  return shape.every((size, axis) => size <= 1 || strides[axis] === expected[axis]);
}

export async function readStoredTensor(handle: RandomAccessFile, tensor: StoredTensor): Promise<Float32Array> {
  const count = elementCount(tensor.shape);
  if (isContiguous(tensor.shape, tensor.strides)) return readElements(handle, tensor, count);
  // A view saved as is (a transpose, a slice of a larger storage): read the span it covers and gather.
  const span = readElements(handle, tensor, stridedSpan(tensor.shape, tensor.strides));
  return gather(await span, tensor.shape, tensor.strides, count);
}

async function readElements(handle: RandomAccessFile, tensor: StoredTensor, count: number): Promise<Float32Array> {
  const output = new Float32Array(count);
  if (count === 0) return output;
  await readExactly(handle, rawRegion(output, tensor.dtype), tensor.position, tensor.file, `tensor ${tensor.name}`);
  widenInPlace(output, tensor.dtype);
  return output;
}

function gather(span: Float32Array, shape: readonly number[], strides: readonly number[], count: number): Float32Array {
  const output = new Float32Array(count);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let source = 0;
  for (let i = 0; i < count; i++) {
    output[i] = span[source]!;
    // Odometer over the index, innermost axis fastest, moving the source by the strides.
    for (let axis = rank - 1; axis >= 0; axis--) {
      if (++index[axis]! < shape[axis]!) {
        source += strides[axis]!;
        break;
      }
      source -= (shape[axis]! - 1) * strides[axis]!;
      index[axis] = 0;
    }
  }
  return output;
}

/** Bytes the tensor's strided span occupies from its position. */
export function spanBytes(tensor: Pick<StoredTensor, 'shape' | 'strides' | 'dtype'>): number {
  return stridedSpan(tensor.shape, tensor.strides) * BYTES_PER_ELEMENT[tensor.dtype];
}

export function checkShape(value: unknown, file: string, name: string): number[] {
  if (!Array.isArray(value) || !value.every((size) => Number.isSafeInteger(size) && size >= 0)) {
    throw new DataError(`${file}: tensor ${name}: shape ${JSON.stringify(value)} is not a list of non-negative integers`, file, name);
  }
  return value as number[];
}
