// Loads the three ONNX sessions and reads their interface from the sessions' own metadata — input and
// output names, dtypes, layer count, KV heads — then checks it against config.json, so files from
// different models (or a config that lies) fail at load time with the files named.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import onnxProto from 'onnx-proto';
import { InferenceSession } from 'onnxruntime-node';
import { ConfigError } from '../../core/errors.js';
import type { ModelSettings } from './config.js';
import { buildDecodeLoopModel } from './decode-loop/loop-model.js';
import { graphMetadata, type SessionMetadata } from './decode-loop/proto-metadata.js';
import type { ModelComponent } from './model-folder.js';
import type { DecoderSignature, ModelSignature } from './model-signature.js';
import { asFloatType, asIntegerType } from './tensors.js';

type TensorMetadata = InferenceSession.TensorValueMetadata;

/**
 * `step`: JavaScript runs the decoder once per token and the KV cache crosses into JavaScript between
 * steps. `graph`: one session runs prefill and the whole search inside an ONNX Loop (./decode-loop/).
 */
export type DecodeLoop = 'step' | 'graph';

export interface SessionSettings {
  executionProviders: InferenceSession.ExecutionProviderConfig[];
  intraOpThreads?: number;
  interOpThreads?: number;
  decodeLoop?: DecodeLoop;
}

export type { DecoderSignature, ModelSignature } from './model-signature.js';

export interface ModelSessions {
  vision: InferenceSession;
  embed: InferenceSession;
  /** The decoder, for the step loop; with the graph decode loop, opened only when `stepDecoder` is first called. */
  decoder?: InferenceSession;
  /**
   * The decoder session for work the loop graph does not do (scoring given continuations), opened on first
   * use: a graph-loop run that only generates never holds the decoder's weights twice.
   */
  stepDecoder(): Promise<InferenceSession>;
  /** The decode-loop graph (prefill + search in one run), with `decodeLoop: 'graph'`. */
  decodeLoop?: InferenceSession;
  signature: ModelSignature;
  release(): Promise<void>;
}

export interface SessionFiles {
  directory: string;
  files: Record<ModelComponent, string>;
}

export async function createModelSessions(
  model: SessionFiles,
  settings: ModelSettings,
  sessionSettings: SessionSettings,
  tokenizerVocabularySize?: number,
): Promise<ModelSessions> {
  const options: InferenceSession.SessionOptions = {
    executionProviders: sessionSettings.executionProviders,
    intraOpNumThreads: sessionSettings.intraOpThreads,
    interOpNumThreads: sessionSettings.interOpThreads ?? 1,
    graphOptimizationLevel: 'all',
    logSeverityLevel: 3,
  };
  const open = async (component: ModelComponent) => {
    try {
      return await InferenceSession.create(model.files[component], options);
    } catch (error) {
      throw new ConfigError(`cannot load ${relativeName(model, component)}: ${(error as Error).message}`);
    }
  };
  if (sessionSettings.decodeLoop === 'graph') return createLoopSessions(model, settings, options, open, tokenizerVocabularySize);
  const [vision, embed, decoder] = await Promise.all([open('vision_encoder'), open('embed_tokens'), open('decoder_model_merged')]);
  const release = async () => {
    await Promise.all([vision.release(), embed.release(), decoder.release()]);
  };
  try {
    const signature = readSignature(model, { vision, embed, decoder }, settings, tokenizerVocabularySize);
    return { vision, embed, decoder, stepDecoder: async () => decoder, signature, release };
  } catch (error) {
    await release();
    throw error;
  }
}

/**
 * Opens the vision encoder and embed_tokens as usual and, instead of the decoder, the decode-loop graph
 * built from the decoder and embed_tokens files. The decoder's interface is read from its graph; its
 * weights stay in their external-data files, which the loop graph (loaded from memory) finds through
 * onnxruntime's external-initializers folder setting.
 */
async function createLoopSessions(
  model: SessionFiles,
  settings: ModelSettings,
  options: InferenceSession.SessionOptions,
  open: (component: ModelComponent) => Promise<InferenceSession>,
  tokenizerVocabularySize: number | undefined,
): Promise<ModelSessions> {
  const decoderFile = model.files.decoder_model_merged;
  const embedFile = model.files.embed_tokens;
  if (path.dirname(decoderFile) !== path.dirname(embedFile)) {
    throw new ConfigError(`--decode-loop graph needs ${relativeName(model, 'decoder_model_merged')} and ${relativeName(model, 'embed_tokens')} in one folder (their external data is looked up there)`);
  }
  const decode = async (component: ModelComponent) => {
    try {
      return onnxProto.onnx.ModelProto.decode(await readFile(model.files[component]));
    } catch (error) {
      throw new ConfigError(`cannot read ${relativeName(model, component)} for the decode loop: ${(error as Error).message}`);
    }
  };
  const [vision, embed, decoderModel, embedModel] = await Promise.all([open('vision_encoder'), open('embed_tokens'), decode('decoder_model_merged'), decode('embed_tokens')]);
  let decodeLoop: InferenceSession | undefined;
  let decoder: Promise<InferenceSession> | undefined;
  const stepDecoder = (): Promise<InferenceSession> => (decoder ??= open('decoder_model_merged'));
  const release = async () => {
    const opened = decoder ? await decoder.catch(() => undefined) : undefined;
    await Promise.all([vision.release(), embed.release(), decodeLoop?.release(), opened?.release()]);
  };
  try {
    const signature = readSignature(model, { vision, embed, decoder: graphMetadata(decoderModel.graph ?? {}) }, settings, tokenizerVocabularySize);
    let bytes: Uint8Array;
    try {
      bytes = buildDecodeLoopModel({ decoder: decoderModel, embed: embedModel, decoderFile: relativeName(model, 'decoder_model_merged'), embedFile: relativeName(model, 'embed_tokens') }, signature);
    } catch (error) {
      throw new ConfigError(`cannot build the decode loop from ${relativeName(model, 'decoder_model_merged')}: ${(error as Error).message}`);
    }
    try {
      decodeLoop = await InferenceSession.create(bytes, { ...options, extra: { session: { model_external_initializers_file_folder_path: path.dirname(decoderFile) } } });
    } catch (error) {
      throw new ConfigError(`cannot load the decode loop built from ${relativeName(model, 'decoder_model_merged')}: ${(error as Error).message}`);
    }
    return { vision, embed, decodeLoop, stepDecoder, signature, release };
  } catch (error) {
    await release();
    throw error;
  }
}

function relativeName(model: SessionFiles, component: ModelComponent): string {
  return path.relative(model.directory, model.files[component]);
}

function tensorMetadata(list: readonly InferenceSession.ValueMetadata[]): TensorMetadata[] {
  return list.filter((entry): entry is TensorMetadata => entry.isTensor);
}

function numericDim(metadata: TensorMetadata | undefined, index: number): number | undefined {
  const dim = metadata?.shape[index];
  return typeof dim === 'number' ? dim : undefined;
}

export function readSignature(
  model: SessionFiles,
  sessions: { vision: SessionMetadata; embed: SessionMetadata; decoder: SessionMetadata },
  settings: ModelSettings,
  tokenizerVocabularySize?: number,
): ModelSignature {
  const visionFile = relativeName(model, 'vision_encoder');
  const embedFile = relativeName(model, 'embed_tokens');
  const decoderFile = relativeName(model, 'decoder_model_merged');
  const fail = (message: string): never => {
    throw new ConfigError(`model folder ${model.directory}: ${message}`);
  };
  const wrap = <Value>(compute: () => Value): Value => {
    try {
      return compute();
    } catch (error) {
      return fail((error as Error).message);
    }
  };

  const visionInputs = tensorMetadata(sessions.vision.inputMetadata);
  const visionOutputs = tensorMetadata(sessions.vision.outputMetadata);
  if (visionInputs.length !== 1) fail(`${visionFile} takes inputs ${visionInputs.map((input) => input.name).join(', ')}; only a single pixel_values input is supported`);
  const visionOutput = visionOutputs.find((output) => output.name === 'image_features') ?? visionOutputs[0];
  const vision = wrap(() => ({
    input: visionInputs[0].name,
    inputType: asFloatType(visionInputs[0].type, `${visionFile} input ${visionInputs[0].name}`),
    output: visionOutput.name,
    outputType: asFloatType(visionOutput.type, `${visionFile} output ${visionOutput.name}`),
    imageTokenCount: numericDim(visionOutput, 1),
  }));

  const embedInputs = tensorMetadata(sessions.embed.inputMetadata);
  const embedOutputs = tensorMetadata(sessions.embed.outputMetadata);
  const embedInput = embedInputs.find((input) => input.name === 'input_ids') ?? embedInputs[0];
  const embed = wrap(() => ({
    input: embedInput.name,
    inputType: asIntegerType(embedInput.type, `${embedFile} input ${embedInput.name}`),
    output: embedOutputs[0].name,
    outputType: asFloatType(embedOutputs[0].type, `${embedFile} output ${embedOutputs[0].name}`),
  }));

  const decoderInputs = new Map(tensorMetadata(sessions.decoder.inputMetadata).map((entry) => [entry.name, entry]));
  const decoderOutputs = new Map(tensorMetadata(sessions.decoder.outputMetadata).map((entry) => [entry.name, entry]));
  const requireInput = (name: string) => decoderInputs.get(name) ?? fail(`${decoderFile} has no input ${name} (inputs: ${[...decoderInputs.keys()].join(', ')})`);
  const embeds = requireInput('inputs_embeds');
  const mask = requireInput('attention_mask');
  const logits = decoderOutputs.get('logits') ?? fail(`${decoderFile} has no output logits`);
  const positions = decoderInputs.get('position_ids');
  const logitsToKeep = decoderInputs.get('num_logits_to_keep') ?? decoderInputs.get('logits_to_keep');
  const tokenTypes = decoderInputs.get('token_type_ids');

  const layers: DecoderSignature['layers'] = [];
  for (let layer = 0; decoderInputs.has(`past_key_values.${layer}.key`); layer++) {
    const presentKey = `present.${layer}.key`;
    const presentValue = `present.${layer}.value`;
    if (!decoderOutputs.has(presentKey) || !decoderOutputs.has(presentValue)) fail(`${decoderFile} takes past_key_values.${layer} but has no ${presentKey} / ${presentValue} outputs`);
    layers.push({ pastKey: `past_key_values.${layer}.key`, pastValue: `past_key_values.${layer}.value`, presentKey, presentValue });
  }
  if (layers.length === 0) fail(`${decoderFile} has no past_key_values.N.key inputs: it is not a decoder with a KV cache`);
  const firstPast = requireInput(layers[0].pastKey);
  const hiddenSize = numericDim(embeds, 2);

  const decoder: DecoderSignature = wrap(() => ({
    embedsName: embeds.name,
    embedsType: asFloatType(embeds.type, `${decoderFile} input inputs_embeds`),
    maskName: mask.name,
    maskType: asIntegerType(mask.type, `${decoderFile} input attention_mask`),
    positionName: positions?.name,
    positionType: positions ? asIntegerType(positions.type, `${decoderFile} input position_ids`) : 'int64',
    layers,
    pastType: asFloatType(firstPast.type, `${decoderFile} input ${layers[0].pastKey}`),
    keyValueHeads: numericDim(firstPast, 1) ?? settings.keyValueHeads ?? fail(`${decoderFile} does not declare its KV heads and config.json has no num_key_value_heads`),
    headDim: numericDim(firstPast, 3) ?? settings.headDim ?? fail(`${decoderFile} does not declare its head size and config.json has no head_dim`),
    logitsName: logits.name,
    logitsToKeepName: logitsToKeep?.name,
    logitsToKeepType: logitsToKeep ? asIntegerType(logitsToKeep.type, `${decoderFile} input ${logitsToKeep.name}`) : 'int64',
    useCacheBranchName: decoderInputs.has('use_cache_branch') ? 'use_cache_branch' : undefined,
    tokenTypeName: tokenTypes?.name,
    tokenTypeType: tokenTypes ? asIntegerType(tokenTypes.type, `${decoderFile} input token_type_ids`) : 'int64',
    imagePositions: settings.imagePositions,
  }));
  const extra = [...decoderInputs.keys()].filter(
    (name) => ![decoder.embedsName, decoder.maskName, decoder.positionName, decoder.logitsToKeepName, decoder.useCacheBranchName, decoder.tokenTypeName].includes(name) && !name.startsWith('past_key_values.'),
  );
  if (extra.length > 0) fail(`${decoderFile} takes inputs this runner does not know how to feed: ${extra.join(', ')}`);

  const signature: ModelSignature = { vision, embed, decoder, hiddenSize, vocabularySize: numericDim(logits, 2) };
  checkAgainstConfig(signature, settings, { visionFile, embedFile, decoderFile, visionOutput, embedOutput: embedOutputs[0] }, tokenizerVocabularySize, fail);
  return signature;
}

function checkAgainstConfig(
  signature: ModelSignature,
  settings: ModelSettings,
  context: { visionFile: string; embedFile: string; decoderFile: string; visionOutput: TensorMetadata; embedOutput: TensorMetadata },
  tokenizerVocabularySize: number | undefined,
  fail: (message: string) => never,
): void {
  const { visionFile, embedFile, decoderFile } = context;
  const decoderHidden = signature.hiddenSize;
  const visionHidden = numericDim(context.visionOutput, 2);
  const embedHidden = numericDim(context.embedOutput, 2);
  if (decoderHidden !== undefined && visionHidden !== undefined && visionHidden !== decoderHidden) {
    fail(`${visionFile} produces image features of width ${visionHidden} but ${decoderFile} takes inputs_embeds of width ${decoderHidden}: the files come from different models`);
  }
  if (decoderHidden !== undefined && embedHidden !== undefined && embedHidden !== decoderHidden) {
    fail(`${embedFile} produces embeddings of width ${embedHidden} but ${decoderFile} takes inputs_embeds of width ${decoderHidden}: the files come from different models`);
  }
  if (settings.hiddenSize !== undefined && decoderHidden !== undefined && settings.hiddenSize !== decoderHidden) {
    fail(`config.json says hidden_size ${settings.hiddenSize} but ${decoderFile} takes inputs_embeds of width ${decoderHidden}`);
  }
  const layers = signature.decoder.layers.length;
  if (settings.layers !== undefined && settings.layers !== layers) {
    fail(`config.json says num_hidden_layers ${settings.layers} but ${decoderFile} has ${layers} layers of past_key_values`);
  }
  if (settings.keyValueHeads !== undefined && settings.keyValueHeads !== signature.decoder.keyValueHeads) {
    fail(`config.json says num_key_value_heads ${settings.keyValueHeads} but ${decoderFile}'s KV cache has ${signature.decoder.keyValueHeads} heads`);
  }
  const visionTokens = signature.vision.imageTokenCount;
  if (settings.imageTokenCount !== undefined && visionTokens !== undefined && settings.imageTokenCount !== visionTokens) {
    fail(`config.json says ${settings.imageTokenCount} tokens per image but ${visionFile} produces ${visionTokens}`);
  }
  const vocabulary = signature.vocabularySize;
  if (vocabulary !== undefined && tokenizerVocabularySize !== undefined && tokenizerVocabularySize > vocabulary) {
    fail(`tokenizer.json has ${tokenizerVocabularySize} tokens but ${decoderFile} produces logits for only ${vocabulary}`);
  }
  if (vocabulary !== undefined && settings.imageTokenId >= vocabulary) {
    fail(`config.json image_token_id ${settings.imageTokenId} is outside ${decoderFile}'s vocabulary of ${vocabulary}`);
  }
}
