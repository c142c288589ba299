// The export step for a checkpoint that ships only SentencePiece's tokenizer.model: write the equivalent
// tokenizer.json next to the exported ONNX files, so the runner needs one tokenizer format only.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeJsonAtomic } from '../../../core/atomic-file.js';
import { DataError } from '../../../core/errors.js';
import { parseSentencePieceModel } from './sentencepiece-model.js';
import { sentencePieceToTokenizerJson } from './sentencepiece-to-tokenizer-json.js';
import { readTokenizerSettings } from './tokenizer-settings.js';

/** Converts `<checkpoint>/tokenizer.model` (with its tokenizer_config.json etc.) to the object of a tokenizer.json. */
export function convertCheckpointTokenizer(checkpoint: string): Record<string, unknown> {
  const file = path.join(checkpoint, 'tokenizer.model');
  if (!existsSync(file)) throw new DataError(`${checkpoint}: has neither tokenizer.json nor a SentencePiece tokenizer.model`, file);
  const model = parseSentencePieceModel(readFileSync(file), file);
  return sentencePieceToTokenizerJson(model, readTokenizerSettings(checkpoint), file);
}

/** Writes `<output>/tokenizer.json` converted from the checkpoint's tokenizer.model; returns its path. */
export function writeTokenizerJsonFromSentencePiece(checkpoint: string, output: string): string {
  const target = path.join(output, 'tokenizer.json');
  writeJsonAtomic(target, convertCheckpointTokenizer(checkpoint));
  return target;
}
