// `emu-eval export`: a Hugging Face checkpoint folder → a model folder the ONNX runner loads. Everything
// is written into a temporary sibling of the output folder that is renamed into place at the end, so a
// folder at the output path is always complete; any failure (a missing tensor, a read error, a full
// disk) removes the temporary folder and names what failed.
import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { convertCheckpointTokenizer } from './tokenizer/write-tokenizer-json.js';
import { ConfigError } from '../../core/errors.js';
import { findArchitecture } from './architecture.js';
import { ATTENTION_KINDS, type AttentionChoice, type AttentionKind } from './graph/fused-attention.js';
import type { ComponentName, WeightFormat } from './export-plan.js';
import { openCheckpoint, type Checkpoint } from './checkpoint/checkpoint.js';
import { exportWeightFormat, quantizationRecord, type QuantizationOptions } from './quantize/export-quantization.js';
import { graphWeightBytes, writeGraph } from './writer/write-graph.js';

export const EXPORT_DTYPES = ['fp32', 'fp16', 'int8', 'int4'] as const;
export type ExportDtype = (typeof EXPORT_DTYPES)[number];

/**
 * The file-name suffix of each export dtype, the one the ONNX runner's `--dtype` picks
 * (runners/onnx/model-folder.ts): int4 MatMulNBits with float32 activations is transformers.js's `q4`.
 */
export const EXPORT_SUFFIXES: Readonly<Record<ExportDtype, string>> = { fp32: '', fp16: '_fp16', int8: '_int8', int4: '_q4' };
/** The runner's `--dtype` that loads each export dtype. */
export const RUNNER_DTYPES: Readonly<Record<ExportDtype, string>> = { fp32: 'fp32', fp16: 'fp16', int8: 'int8', int4: 'q4' };

/**
 * Bumped whenever exported graphs change for the same checkpoint, so `--model hf:` re-exports instead of
 * reusing a cached export made by older code.
 */
export const EXPORT_FORMAT_VERSION = 2;

/**
 * The decoder's attention form when --attention is not given: fused where onnxruntime's fused kernels pay,
 * which is CUDA, whose GroupQueryAttention runs float16 (and bfloat16) only — so fp16 exports, the ones
 * meant for GPUs, where the head size allows it. fp32 and the quantized exports (float32 activations) stay plain.
 */
export function defaultAttention(dtype: ExportDtype): AttentionChoice {
  return dtype === 'fp16' ? 'fused-where-supported' : 'plain';
}

const OPSET = 17;
/** Files copied as they are when the checkpoint has them: tokenizer, chat template, generation defaults. */
const COPIED_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'added_tokens.json', 'chat_template.json', 'chat_template.jinja', 'generation_config.json', 'preprocessor_config.json'];

export interface ExportOptions extends QuantizationOptions {
  dtype: ExportDtype;
  /** The decoder's attention form (default: defaultAttention(dtype)). */
  attention?: AttentionKind;
  /** Weight bytes written so far and in all. */
  onProgress?: (written: number, total: number) => void;
  /** Extra fields recorded under config.json's emu_eval_export (the hf: cache records its content key). */
  provenance?: Record<string, unknown>;
}

export interface ExportResult {
  out: string;
  architecture: string;
  dtype: ExportDtype;
  attention: AttentionKind;
  /** Paths relative to `out`. */
  files: string[];
  parameters: number;
  seconds: number;
  notes: string[];
}

export async function exportCheckpoint(checkpointFolder: string, outFolder: string, options: ExportOptions): Promise<ExportResult> {
  const source = path.resolve(checkpointFolder);
  const configFile = path.join(source, 'config.json');
  const config = await readConfig(configFile);
  const architecture = findArchitecture(configFile, config);
  exportFormat(options);
  const convertedTokenizer = tokenizerToConvert(source, architecture.missingTokenizerHint);
  return writeExport({ source, configFile, config, open: () => openCheckpoint(source), convertedTokenizer, record: { checkpoint: source } }, outFolder, options);
}

/** Where an export's weights and files come from: a checkpoint folder, or made up (./random/export-random.ts). */
export interface ExportSource {
  /** The folder holding config.json and the tokenizer, preprocessor and chat-template files copied over. */
  source: string;
  configFile: string;
  config: Record<string, unknown>;
  open(): Promise<Checkpoint>;
  convertedTokenizer?: Record<string, unknown>;
  /** Fields recorded under config.json's emu_eval_export that say where the weights came from. */
  record: Record<string, unknown>;
  /** Files written into the export as they are (name → text). */
  extraFiles?: Record<string, string>;
}

/** The weight format and attention form of every graph, checked (usage errors name the flag). */
function exportFormat(options: ExportOptions): WeightFormat {
  if (options.attention !== undefined && !(ATTENTION_KINDS as readonly string[]).includes(options.attention)) throw new ConfigError(`--attention ${options.attention}: expected one of ${ATTENTION_KINDS.join(', ')}`, true);
  return { ...exportWeightFormat(options), attention: options.attention ?? defaultAttention(options.dtype) };
}

/** Plans and writes an export into a hidden sibling of `outFolder`, renamed into place once complete. */
export async function writeExport(input: ExportSource, outFolder: string, options: ExportOptions): Promise<ExportResult> {
  const started = performance.now();
  const { source, configFile, config, convertedTokenizer } = input;
  const out = path.resolve(outFolder);
  const architecture = findArchitecture(configFile, config);
  const format = exportFormat(options);
  if (existsSync(out) && (await readdir(out)).length > 0) throw new ConfigError(`${out} already exists and is not empty; choose another --out or remove it`);

  const temporary = path.join(path.dirname(out), `.${path.basename(out)}.exporting-${process.pid}-${randomBytes(4).toString('hex')}`);
  const checkpoint = await input.open();
  try {
    const plan = await architecture.plan(checkpoint, configFile, config, format);
    const decoder = plan.graphs.decoder_model_merged;
    const attention: AttentionKind = decoder.hasOperator('MultiHeadAttention') || decoder.hasOperator('GroupQueryAttention') ? 'fused' : 'plain';
    const notes = [...plan.notes, ...Object.values(plan.graphs).flatMap((graph) => graph.notes)];
    await mkdir(path.join(temporary, 'onnx'), { recursive: true });
    const components = Object.entries(plan.graphs) as Array<[ComponentName, (typeof plan.graphs)[ComponentName]]>;
    const total = components.reduce((sum, [, graph]) => sum + graphWeightBytes(graph), 0);
    let written = 0;
    options.onProgress?.(0, total);
    const files: string[] = [];
    let parameters = 0;
    const suffix = EXPORT_SUFFIXES[options.dtype];
    for (const [component, graph] of components) {
      const result = await writeGraph(graph, {
        opset: OPSET,
        folder: temporary,
        name: `${component}${suffix}`,
        onBytes: (bytes) => options.onProgress?.((written += bytes), total),
      });
      files.push(...result.files);
      parameters += result.parameters;
    }
    for (const name of COPIED_FILES) {
      if (!existsSync(path.join(source, name))) continue;
      await copyFile(path.join(source, name), path.join(temporary, name));
      files.push(name);
    }
    if (convertedTokenizer) {
      await writeJson(path.join(temporary, 'tokenizer.json'), convertedTokenizer);
      files.push('tokenizer.json');
    }
    if (!existsSync(path.join(source, 'preprocessor_config.json'))) {
      await writeJson(path.join(temporary, 'preprocessor_config.json'), plan.preprocessorConfig);
      files.push('preprocessor_config.json');
    }
    for (const [name, text] of Object.entries(input.extraFiles ?? {})) {
      await writeFile(path.join(temporary, name), text);
      files.push(name);
    }
    const quantization = format.quantization ? { quantization: quantizationRecord(format.quantization) } : {};
    const exportRecord = { architecture: architecture.name, dtype: options.dtype, attention, format_version: EXPORT_FORMAT_VERSION, ...input.record, ...quantization, ...options.provenance };
    await writeJson(path.join(temporary, 'config.json'), { ...plan.runnerConfig, emu_eval_export: exportRecord });
    files.push('config.json');
    await rm(out, { recursive: true, force: true }); // only ever an empty folder here (checked above)
    await rename(temporary, out);
    return { out, architecture: architecture.name, dtype: options.dtype, attention, files: files.sort(), parameters, seconds: (performance.now() - started) / 1000, notes };
  } finally {
    await checkpoint.close();
    await rm(temporary, { recursive: true, force: true });
  }
}

export async function readConfig(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ConfigError((error as NodeJS.ErrnoException).code === 'ENOENT' ? `${file} is missing: is ${path.dirname(file)} a Hugging Face checkpoint folder?` : `cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected a JSON object');
    return value as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError(`${file} is not a valid config: ${(error as Error).message}`);
  }
}

/**
 * Checked before any weight is read: a missing or unreadable tokenizer should not cost an hour of exporting.
 * A checkpoint with only SentencePiece's tokenizer.model gets the equivalent tokenizer.json, converted here.
 */
function tokenizerToConvert(source: string, hint: string | undefined): Record<string, unknown> | undefined {
  if (existsSync(path.join(source, 'tokenizer.json'))) return undefined;
  if (existsSync(path.join(source, 'tokenizer.model'))) return convertCheckpointTokenizer(source);
  throw new ConfigError(`${source} has no tokenizer.json (nor tokenizer.model): the exported model could not tokenize prompts${hint ? `. ${hint}` : ''}`);
}

async function writeJson(file: string, value: unknown): Promise<void> {
  await writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
}
