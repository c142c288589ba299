// The stand-ins torch.save's data.pkl may name, and the walk from the unpickled object to the state dict.
// Tensors become descriptions (storage key, offset, shape, strides, dtype), never data: the bytes stay in
// the archive until a tensor is read. Semantics from torch/_utils.py (_rebuild_tensor_v2/_v3,
// _rebuild_parameter) and torch/serialization.py (persistent ids, storage types).
import { DataError } from '../../../core/errors.js';
import type { PickleGlobal, PickleHooks } from './pickle-vm.js';

/** A storage named by a persistent id: `data/<key>` of the archive. */
export interface StorageRef {
  key: string;
  /** Element type from a typed storage class; undefined for torch.UntypedStorage (counted in bytes). */
  dtype: string | undefined;
  numel: number;
}

export interface TensorRef {
  storage: StorageRef;
  /** In elements of the tensor's dtype. */
  storageOffset: number;
  shape: number[];
  strides: number[];
  dtype: string;
}

/** A global that names a thing rather than a function: calling it is not something torch.save writes. */
abstract class Named implements PickleGlobal {
  constructor(readonly qualifiedName: string) {}
  call(): never {
    throw new Error(`${this.qualifiedName} is called, which torch.save never does`);
  }
}

/** torch.<X>Storage or torch.UntypedStorage, as the second element of a storage's persistent id. */
class StorageType extends Named {
  constructor(qualifiedName: string, readonly dtype: string | undefined) {
    super(qualifiedName);
  }
}

/** torch.float16 etc., the dtype argument of _rebuild_tensor_v3. */
class TorchDtype extends Named {
  constructor(qualifiedName: string, readonly dtype: string) {
    super(qualifiedName);
  }
}

// torch.<X>Storage classes and torch.<dtype> objects, by the safetensors-style dtype names used throughout.
const STORAGE_DTYPES: Record<string, string> = {
  FloatStorage: 'F32', HalfStorage: 'F16', BFloat16Storage: 'BF16', DoubleStorage: 'F64', LongStorage: 'I64', IntStorage: 'I32',
  ShortStorage: 'I16', CharStorage: 'I8', ByteStorage: 'U8', BoolStorage: 'BOOL', ComplexFloatStorage: 'C64', ComplexDoubleStorage: 'C128',
};
const TORCH_DTYPES: Record<string, string> = {
  float32: 'F32', float: 'F32', float16: 'F16', half: 'F16', bfloat16: 'BF16', float64: 'F64', double: 'F64', int64: 'I64', long: 'I64',
  int32: 'I32', int: 'I32', int16: 'I16', int8: 'I8', uint8: 'U8', bool: 'BOOL', complex64: 'C64', complex128: 'C128',
};
export const DTYPE_BYTES: Record<string, number> = { F32: 4, F16: 2, BF16: 2, F64: 8, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1, C64: 8, C128: 16 };

function integers(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((item) => Number.isSafeInteger(item));
}

/** GLOBAL allow-list and persistent-id resolution for one archive. */
export function torchPickleHooks(file: string): PickleHooks {
  const storages = new Map<string, StorageRef>();
  const bad = (what: string) => new DataError(`${file}: data.pkl: ${what}`, file);
  const fn = (qualifiedName: string, call: (args: unknown[]) => unknown): PickleGlobal => ({ qualifiedName, call });
  const rebuild = (qualifiedName: string, dtypeArgument: boolean) =>
    fn(qualifiedName, (args) => {
      const [storage, storageOffset, shape, strides] = args;
      const dtype = dtypeArgument ? args[6] : undefined;
      if (!(storage && typeof storage === 'object' && 'key' in storage) || !Number.isSafeInteger(storageOffset) || !integers(shape) || !integers(strides)) {
        throw bad(`${qualifiedName} with arguments that are not (storage, offset, size, stride, ...)`);
      }
      const ref = storage as StorageRef;
      const resolved = dtype instanceof TorchDtype ? dtype.dtype : ref.dtype;
      if (!resolved) throw bad(`tensor on untyped storage ${ref.key} without a dtype`);
      if (shape.length !== strides.length) throw bad(`tensor with ${shape.length} sizes but ${strides.length} strides`);
      return { storage: ref, storageOffset: storageOffset as number, shape, strides, dtype: resolved } satisfies TensorRef;
    });
  return {
    findGlobal(module, name) {
      const qualified = `${module}.${name}`;
      if (qualified === 'collections.OrderedDict') {
        return fn(qualified, (args) => new Map(Array.isArray(args[0]) ? (args[0] as [unknown, unknown][]) : []));
      }
      if (qualified === 'torch._utils._rebuild_tensor_v2') return rebuild(qualified, false);
      if (qualified === 'torch._utils._rebuild_tensor_v3') return rebuild(qualified, true);
      if (qualified === 'torch._utils._rebuild_parameter') return fn(qualified, (args) => args[0]);
      if (module === 'torch' && name in STORAGE_DTYPES) return new StorageType(qualified, STORAGE_DTYPES[name]);
      if ((module === 'torch' || module === 'torch.storage') && name === 'UntypedStorage') return new StorageType(qualified, undefined);
      if (module === 'torch' && name in TORCH_DTYPES) return new TorchDtype(qualified, TORCH_DTYPES[name]!);
      return undefined;
    },
    persistentLoad(pid) {
      if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length !== 5) throw bad(`persistent id ${JSON.stringify(pid)} is not ('storage', type, key, location, numel)`);
      const [, type, key, , numel] = pid;
      if (!(type instanceof StorageType) || typeof key !== 'string' || !Number.isSafeInteger(numel)) {
        throw bad(`persistent id for storage ${JSON.stringify(key)} is malformed`);
      }
      const known = storages.get(key);
      if (known) return known;
      const ref: StorageRef = { key, dtype: type.dtype, numel: numel as number };
      storages.set(key, ref);
      return ref;
    },
  };
}

function isTensor(value: unknown): value is TensorRef {
  return typeof value === 'object' && value !== null && 'storage' in value && 'strides' in value;
}

// Where training scripts put the weights when the saved object is not the state dict itself.
const NESTED_KEYS = ['state_dict', 'model_state_dict', 'model', 'module'];

/** The tensors of the unpickled object: the dict itself, or the state dict nested under a known key. */
export function stateDictTensors(root: unknown, file: string): Map<string, TensorRef> {
  let current = root;
  for (let depth = 0; depth < 4; depth++) {
    if (!(current instanceof Map)) break;
    const tensors = new Map<string, TensorRef>();
    for (const [key, item] of current) if (typeof key === 'string' && isTensor(item)) tensors.set(key, item);
    if (tensors.size > 0) return tensors;
    const nested = NESTED_KEYS.find((key) => current instanceof Map && current.get(key) instanceof Map);
    if (!nested) break;
    current = current.get(nested);
  }
  const keys = current instanceof Map ? [...current.keys()].slice(0, 10).map((key) => JSON.stringify(key)).join(', ') : typeof current;
  throw new DataError(`${file}: no tensors found in the saved object (looked in it and under ${NESTED_KEYS.join('/')}; found keys: ${keys || 'none'})`, file);
}
