// Finds and checks the files of a model folder in the onnx-community / transformers.js VLM layout:
//   config.json  generation_config.json (optional)  preprocessor_config.json  tokenizer.json
//   tokenizer_config.json  onnx/{vision_encoder,embed_tokens,decoder_model_merged}[_<dtype>].onnx (+ .onnx_data)
// Every problem is reported up front, naming the file, before any worker spends seconds loading weights.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from '../../core/errors.js';
import { isInside } from '../../core/safe-path.js';
import {
  generationConfigSchema,
  modelConfigSchema,
  preprocessorConfigSchema,
  readJsonFile,
  resolveModelSettings,
  type ModelSettings,
  type PreprocessorConfigFile,
} from './config.js';
import { scanOnnxFile, type OnnxFileSummary } from './onnx-file-scan.js';

export const MODEL_COMPONENTS = ['vision_encoder', 'embed_tokens', 'decoder_model_merged'] as const;
export type ModelComponent = (typeof MODEL_COMPONENTS)[number];

/** transformers.js's file-name suffix per dtype (`DEFAULT_DTYPE_SUFFIX_MAPPING`). */
export const DTYPE_SUFFIXES: Readonly<Record<string, string>> = {
  fp32: '',
  fp16: '_fp16',
  q8: '_quantized',
  quantized: '_quantized',
  int8: '_int8',
  uint8: '_uint8',
  q4: '_q4',
  q4f16: '_q4f16',
  bnb4: '_bnb4',
};

const COMPONENT_ALIASES: Readonly<Record<string, ModelComponent>> = {
  vision: 'vision_encoder',
  vision_encoder: 'vision_encoder',
  embed: 'embed_tokens',
  embed_tokens: 'embed_tokens',
  decoder: 'decoder_model_merged',
  decoder_model_merged: 'decoder_model_merged',
};

const REQUIRED_FILES = ['config.json', 'preprocessor_config.json', 'tokenizer.json', 'tokenizer_config.json'];

export interface ModelFolder {
  directory: string;
  settings: ModelSettings;
  preprocessor: PreprocessorConfigFile;
  tokenizerJson: Record<string, unknown>;
  tokenizerConfig: Record<string, unknown>;
  /** Jinja source from tokenizer_config.json, or from chat_template.jinja / chat_template.json (newer exports). */
  chatTemplate?: string;
  /** Absolute paths of the chosen .onnx files. */
  files: Record<ModelComponent, string>;
  dtypes: Record<ModelComponent, string>;
  scans: Record<ModelComponent, OnnxFileSummary>;
}

/**
 * `dtype` is one dtype for every component (`fp16`) or per component
 * (`vision_encoder=fp32,decoder_model_merged=q4`; unnamed components use fp32).
 */
export function parseDtype(dtype: string | undefined): Record<ModelComponent, string> {
  const chosen: Record<ModelComponent, string> = { vision_encoder: 'fp32', embed_tokens: 'fp32', decoder_model_merged: 'fp32' };
  if (dtype === undefined || dtype.trim() === '') return chosen;
  const known = (value: string) => {
    if (!(value in DTYPE_SUFFIXES)) throw new ConfigError(`--dtype ${value}: unknown dtype; expected one of ${Object.keys(DTYPE_SUFFIXES).join(', ')}`, true);
    return value;
  };
  if (!dtype.includes('=')) {
    const value = known(dtype.trim());
    for (const component of MODEL_COMPONENTS) chosen[component] = value;
    return chosen;
  }
  for (const assignment of dtype.split(',')) {
    const [name, value] = assignment.split('=').map((part) => part.trim());
    const component = COMPONENT_ALIASES[name];
    if (!component || value === undefined) {
      throw new ConfigError(`--dtype ${dtype}: expected component=dtype pairs with components ${MODEL_COMPONENTS.join(', ')}`, true);
    }
    chosen[component] = known(value);
  }
  return chosen;
}

export async function openModelFolder(directory: string, dtype?: string): Promise<ModelFolder> {
  const root = path.resolve(directory);
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new ConfigError(`model folder ${root} does not exist`);
  const missing = REQUIRED_FILES.filter((name) => !existsSync(path.join(root, name)));
  if (missing.length > 0) {
    throw new ConfigError(
      `model folder ${root} is missing ${missing.join(', ')} (expected the onnx-community / transformers.js layout: ` +
        `${REQUIRED_FILES.join(', ')}, onnx/${MODEL_COMPONENTS.join('.onnx, onnx/')}.onnx)`,
    );
  }
  const dtypes = parseDtype(dtype);
  const files = {} as Record<ModelComponent, string>;
  const scans = {} as Record<ModelComponent, OnnxFileSummary>;
  for (const component of MODEL_COMPONENTS) {
    files[component] = locateComponent(root, component, dtypes[component]);
    scans[component] = scanComponent(root, files[component]);
  }

  const configFile = path.join(root, 'config.json');
  const generationFile = path.join(root, 'generation_config.json');
  const [config, generation, preprocessor, tokenizerJson, tokenizerConfig] = await Promise.all([
    readJsonFile(configFile, modelConfigSchema),
    existsSync(generationFile) ? readJsonFile(generationFile, generationConfigSchema) : Promise.resolve(undefined),
    readJsonFile(path.join(root, 'preprocessor_config.json'), preprocessorConfigSchema),
    readObject(path.join(root, 'tokenizer.json')),
    readObject(path.join(root, 'tokenizer_config.json')),
  ]);
  if (typeof tokenizerJson.model !== 'object' || tokenizerJson.model === null) {
    throw new ConfigError(`${path.join(root, 'tokenizer.json')}: model: expected the tokenizer model object (a Hugging Face tokenizers file), found ${JSON.stringify(tokenizerJson.model)}`);
  }
  const settings = resolveModelSettings(configFile, config, generation);
  const chatTemplate = await findChatTemplate(root, tokenizerConfig);
  return { directory: root, settings, preprocessor, tokenizerJson, tokenizerConfig, chatTemplate, files, dtypes, scans };
}

async function findChatTemplate(root: string, tokenizerConfig: Record<string, unknown>): Promise<string | undefined> {
  const fromConfig = pickTemplate(tokenizerConfig.chat_template);
  if (fromConfig !== undefined) return fromConfig;
  const jinjaFile = path.join(root, 'chat_template.jinja');
  if (existsSync(jinjaFile)) return readFile(jinjaFile, 'utf8');
  const jsonFile = path.join(root, 'chat_template.json');
  if (existsSync(jsonFile)) return pickTemplate((await readObject(jsonFile)).chat_template);
  return undefined;
}

/** A template is a string, or Hugging Face's list of named templates, of which `default` is the one to use. */
function pickTemplate(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const named = value as Array<{ name?: unknown; template?: unknown }>;
    const chosen = named.find((entry) => entry.name === 'default') ?? named[0];
    return typeof chosen?.template === 'string' ? chosen.template : undefined;
  }
  return undefined;
}

function locateComponent(root: string, component: ModelComponent, dtype: string): string {
  const relative = path.join('onnx', `${component}${DTYPE_SUFFIXES[dtype]}.onnx`);
  const file = path.join(root, relative);
  if (existsSync(file)) return file;
  const available = availableDtypes(root, component);
  const hint = available.length > 0 ? `this folder has ${component} as: ${available.join(', ')}; choose with --dtype` : `no onnx/${component}*.onnx file exists at all`;
  throw new ConfigError(`model folder ${root} is missing ${relative} (dtype ${dtype}); ${hint}`);
}

function availableDtypes(root: string, component: ModelComponent): string[] {
  const folder = path.join(root, 'onnx');
  if (!existsSync(folder)) return [];
  const bySuffix = new Map<string, string>();
  for (const [name, suffix] of Object.entries(DTYPE_SUFFIXES)) if (!bySuffix.has(suffix)) bySuffix.set(suffix, name);
  const found: string[] = [];
  for (const name of readdirSync(folder)) {
    if (!name.startsWith(component) || !name.endsWith('.onnx')) continue;
    const suffix = name.slice(component.length, -'.onnx'.length);
    found.push(bySuffix.get(suffix) ?? `(unknown suffix ${suffix})`);
  }
  return found.sort();
}

/** Parses the graph's weight table and checks every external-data file it names exists and is long enough. */
function scanComponent(root: string, file: string): OnnxFileSummary {
  const relative = path.relative(root, file);
  let summary: OnnxFileSummary;
  try {
    summary = scanOnnxFile(file);
  } catch (error) {
    throw new ConfigError(`${relative} is not a readable ONNX model: ${(error as Error).message}`);
  }
  const folder = path.dirname(file);
  const needed = new Map<string, number>();
  for (const initializer of summary.initializers.values()) {
    if (!initializer.external) continue;
    const dataFile = path.resolve(folder, initializer.external.location);
    if (!isInside(folder, dataFile)) {
      throw new ConfigError(`${relative}: weight ${initializer.name} points at external data ${initializer.external.location}, outside the model's onnx/ folder`);
    }
    const end = initializer.external.offset + (initializer.external.length ?? 0);
    needed.set(dataFile, Math.max(needed.get(dataFile) ?? 0, end));
  }
  for (const [dataFile, end] of needed) {
    const dataRelative = path.relative(root, dataFile);
    if (!existsSync(dataFile)) throw new ConfigError(`${relative} keeps its weights in ${dataRelative}, which is missing`);
    const size = statSync(dataFile).size;
    if (size < end) {
      throw new ConfigError(`${dataRelative} has ${size} bytes but ${relative} reads up to byte ${end}: the data file does not belong to this graph or is truncated`);
    }
  }
  return summary;
}

async function readObject(file: string): Promise<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`${file}: expected a JSON object`);
  return value as Record<string, unknown>;
}
