// A checkpoint whose tensors are made, not stored: every name an exporter asks for exists, with the shape
// it is asked for, and reading it draws seeded random values (core/random.ts, one stream per tensor name,
// so a tensor's values do not depend on the order tensors are written in). Scales keep a full-size model's
// activations and logits finite in float16: RMSNorm/LayerNorm scales are 1, biases small, and matrices
// uniform with standard deviation 1/√fan-in (fan-in = every dimension but the first, as nn.Linear's
// [out, in] and Conv2d's [out, in, kh, kw] store them), so each projection keeps its input's scale.
import { DataError } from '../../../core/errors.js';
import { fillSeededUniform, seedFromText } from '../../../core/random.js';
import type { Checkpoint, TensorInfo } from '../checkpoint/checkpoint.js';

/** Standard deviation of biases and other one-dimensional parameters that are not norm scales. */
const BIAS_STD = 0.02;
/** Norm scales by name: `input_layernorm`, `model.norm`, CLIP's `layer_norm1` and `pre_layrnorm`, EVA's `norm1`, `ln_post`. */
const NORM_SCALE = /(norm|layrnorm)\d*\.weight$|(^|\.)ln(_\w+)?\.weight$/i;

/** Every name exists; get() knows the shapes declared so far. */
class DeclaredTensors extends Map<string, TensorInfo> {
  override has(_name: string): boolean {
    return true;
  }
}

export class RandomCheckpoint implements Checkpoint {
  readonly format = 'random' as const;
  readonly unsupported = new Map();
  private readonly declared = new DeclaredTensors();

  /** `folder` holds config.json and the tokenizer files (exporters read those from the checkpoint folder). */
  constructor(
    readonly folder: string,
    readonly seed: number,
  ) {}

  get tensors(): ReadonlyMap<string, TensorInfo> {
    return this.declared;
  }

  declare(name: string, shape: readonly number[]): void {
    const known = this.declared.get(name);
    if (known && !sameShape(known.shape, shape)) throw new DataError(`random weights: tensor ${name} is asked for as [${shape}] and as [${known.shape}]`, this.folder, name);
    this.declared.set(name, { name, dtype: 'F16', shape: [...shape], file: `random weights (seed ${this.seed})` });
  }

  async read(name: string): Promise<Float32Array> {
    const info = this.declared.get(name);
    if (!info) throw new DataError(`random weights: tensor ${name} was never asked for, so its shape is unknown`, this.folder, name);
    return randomTensor(name, info.shape, this.seed);
  }

  async readShaped(name: string, shape: readonly number[]): Promise<Float32Array> {
    this.declare(name, shape);
    return randomTensor(name, shape, this.seed);
  }

  /** Independent draws have no layout to keep: the transposed tensor is drawn directly (no transpose pass). */
  async readTransposed(name: string, shape: readonly [number, number]): Promise<Float32Array> {
    return this.readShaped(name, shape);
  }

  async close(): Promise<void> {}
}

/** The values of one random tensor: the same for the same name, shape and seed. */
export function randomTensor(name: string, shape: readonly number[], seed: number): Float32Array {
  const length = shape.reduce((product, dim) => product * dim, 1);
  const values = new Float32Array(length);
  if (shape.length === 1 && NORM_SCALE.test(name)) return values.fill(1);
  const fanIn = shape.length === 1 ? 0 : shape.slice(1).reduce((product, dim) => product * dim, 1);
  const std = fanIn === 0 ? BIAS_STD : 1 / Math.sqrt(fanIn);
  // Uniform on [-a, a] has standard deviation a/√3.
  const bound = Math.sqrt(3) * std;
  fillSeededUniform(values, seedFromText(`${seed}:${name}`), -bound, bound);
  return values;
}

function sameShape(left: readonly number[], right: readonly number[]): boolean {
  return left.length === right.length && left.every((dim, index) => dim === right[index]);
}
