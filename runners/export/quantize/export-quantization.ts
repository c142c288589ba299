// `emu-eval export --dtype int8|int4 [--block-size 32|128] [--quant symmetric|asymmetric]`: from the
// command's options to the weight format every graph is built with, and the record config.json keeps.
//
// Activations are float32. onnxruntime's CPU MatMulNBits takes float32 or float16 A, but its MLAS
// kernels compute in float32 (float16 A is converted on every call), the float32 path is the one
// onnxruntime-genai's builder emits for int4 on CPU, and it is what transformers.js calls `q4` (the
// `_q4` files the runner already loads) — float16 activations would be `q4f16`, a GPU layout.
// What is not a MatMul weight stays unquantized and is stored as the float16 export stores it: the
// token embedding table and RMSNorm scales in float16, the vision towers' LayerNorms (CLIP, Emu2's EVA-CLIP,
// CogVLM's EVA2-CLIP and GLU adapter) in float32 (see GraphBuilder.weight).
import { ConfigError } from '../../../core/errors.js';
import type { WeightFormat } from '../export-plan.js';
import { checkBlockQuantization, type BlockQuantization } from './block-quantize.js';

export const BLOCK_SIZES = [32, 128] as const;
export const QUANT_MODES = ['symmetric', 'asymmetric'] as const;
export type QuantMode = (typeof QUANT_MODES)[number];

/** onnxruntime-genai's builder defaults for int4: block 32, symmetric. */
export const DEFAULT_BLOCK_SIZE = 32;
export const DEFAULT_QUANT_MODE: QuantMode = 'symmetric';

export interface QuantizationOptions {
  /** `--block-size`: only with int8 / int4. */
  blockSize?: number;
  /** `--quant`: only with int8 / int4. */
  quant?: QuantMode;
}

export function exportWeightFormat(options: QuantizationOptions & { dtype: string }): WeightFormat {
  const bits = options.dtype === 'int8' ? 8 : options.dtype === 'int4' ? 4 : undefined;
  if (bits === undefined) {
    if (options.blockSize !== undefined) throw new ConfigError(`--block-size ${options.blockSize}: only --dtype int8 and int4 are quantized; --dtype ${options.dtype} has no blocks`, true);
    if (options.quant !== undefined) throw new ConfigError(`--quant ${options.quant}: only --dtype int8 and int4 are quantized; --dtype ${options.dtype} is not`, true);
    return { precision: options.dtype === 'fp16' ? 'float16' : 'float32' };
  }
  const blockSize = options.blockSize ?? DEFAULT_BLOCK_SIZE;
  if (!(BLOCK_SIZES as readonly number[]).includes(blockSize)) throw new ConfigError(`--block-size ${blockSize}: expected one of ${BLOCK_SIZES.join(', ')}`, true);
  const quant = options.quant ?? DEFAULT_QUANT_MODE;
  if (!(QUANT_MODES as readonly string[]).includes(quant)) throw new ConfigError(`--quant ${quant}: expected one of ${QUANT_MODES.join(', ')}`, true);
  const quantization: BlockQuantization = { bits, blockSize, symmetric: quant === 'symmetric' };
  checkBlockQuantization(quantization);
  return { precision: 'float32', quantization };
}

/** config.json's emu_eval_export.quantization: enough to know what was done without opening a graph. */
export function quantizationRecord(quantization: BlockQuantization): Record<string, unknown> {
  return {
    method: 'weight-only round-to-nearest, com.microsoft.MatMulNBits',
    bits: quantization.bits,
    block_size: quantization.blockSize,
    symmetric: quantization.symmetric,
    activations: 'float32',
    quantized: 'every MatMul weight: decoder projections (CogVLM: both experts) and lm_head, vision tower layers, projector / adapter',
    unquantized: 'embed_tokens and RMSNorm scales float16; vision LayerNorms float32; other weights float16',
  };
}
