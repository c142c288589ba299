// Tensor helpers for the dtypes exported decoders use. Node 20 has no Float16Array, so onnxruntime-node
// hands float16 tensors over as Uint16Array bit patterns; these helpers convert at the edges so the
// search code works in float32 whatever the model's dtype.
import { Tensor } from 'onnxruntime-node';

export type FloatType = 'float32' | 'float16';
export type IntegerType = 'int64' | 'int32';
export type FloatData = Float32Array | Uint16Array;

export { float16BitsToFloat32, float32ArrayToFloat16Bits, float32ToFloat16Bits } from './float16.js';
import { float16BitsToFloat32, float32ToFloat16Bits } from './float16.js';

/** A float tensor's values as float32, converting float16 bit patterns (and Float16Array, where it exists). */
export function readFloat32(tensor: Tensor): Float32Array {
  const data = tensor.data;
  if (data instanceof Float32Array) return data;
  if (data instanceof Uint16Array) return Float32Array.from(data, float16BitsToFloat32);
  if (ArrayBuffer.isView(data)) return Float32Array.from(data as unknown as ArrayLike<number>);
  throw new Error(`expected a float tensor, found ${tensor.type}`);
}

/** Converts float32 values to the storage a tensor of `type` needs. */
export function toFloatData(type: FloatType, values: Float32Array): FloatData {
  if (type === 'float32') return values;
  return Uint16Array.from(values, float32ToFloat16Bits);
}

export function floatTensor(type: FloatType, values: FloatData, dims: readonly number[]): Tensor {
  return new Tensor(type, values, dims);
}

export function emptyFloatData(type: FloatType, length: number): FloatData {
  return type === 'float32' ? new Float32Array(length) : new Uint16Array(length);
}

export function integerTensor(type: IntegerType, values: ArrayLike<number>, dims: readonly number[]): Tensor {
  if (type === 'int32') return new Tensor('int32', Int32Array.from(values), dims);
  const data = new BigInt64Array(values.length);
  for (let index = 0; index < values.length; index++) data[index] = BigInt(values[index]);
  return new Tensor('int64', data, dims);
}

export function asFloatType(type: string, where: string): FloatType {
  if (type === 'float32' || type === 'float16') return type;
  throw new Error(`${where} has type ${type}; only float32 and float16 are supported`);
}

export function asIntegerType(type: string, where: string): IntegerType {
  if (type === 'int64' || type === 'int32') return type;
  throw new Error(`${where} has type ${type}; only int64 and int32 are supported`);
}
