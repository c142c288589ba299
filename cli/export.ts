import path from 'node:path';
import cliProgress from 'cli-progress';
import type { Argv } from 'yargs';
import { commandHeader } from './command-headers.js';
import { ConfigError } from '../core/errors.js';
import { EXPORT_DTYPES, exportCheckpoint, RUNNER_DTYPES, type ExportDtype } from '../runners/export/export-checkpoint.js';
import { ATTENTION_KINDS, type AttentionKind } from '../runners/export/graph/fused-attention.js';
import { DEFAULT_RANDOM_SEED, exportRandomModel } from '../runners/export/random/export-random.js';
import { BLOCK_SIZES, DEFAULT_BLOCK_SIZE, DEFAULT_QUANT_MODE, QUANT_MODES, type QuantMode } from '../runners/export/quantize/export-quantization.js';
import { notifier, type Command, type CommandArguments, type CommandIO } from './io.js';

const GIB = 1024 ** 3;

export function exportCommand(io: CommandIO): Command {
  return {
    ...commandHeader('export'),
    builder: (yargs: Argv) =>
      yargs
        .positional('checkpoint', { type: 'string', describe: 'A Hugging Face checkpoint folder as downloaded: config.json, *.safetensors (+ index), tokenizer.json, tokenizer_config.json, preprocessor_config.json' })
        .option('random', {
          type: 'string',
          describe:
            'Instead of a checkpoint: a Hugging Face config.json of a supported architecture. Writes the model at that size with seeded random weights ' +
            '(streamed, one tensor in memory at a time) and a synthetic byte-level tokenizer of the config\'s vocabulary size, for measuring speed where no weights can be downloaded. Default --dtype fp16',
        })
        .option('seed', { type: 'number', describe: `--random: the weights' seed (default ${DEFAULT_RANDOM_SEED})` })
        .option('out', { type: 'string', demandOption: true, describe: 'Model folder to create (must not exist or be empty); appears only once complete' })
        .option('dtype', {
          choices: EXPORT_DTYPES,
          describe:
            'Weight precision (default fp32; fp16 with --random). fp16 writes onnx/*_fp16.onnx (run it with --dtype fp16); norms and softmax stay float32. ' +
            'int8 / int4 quantize every MatMul weight (com.microsoft.MatMulNBits, float32 activations; embeddings and norms unquantized) into onnx/*_int8.onnx / *_q4.onnx (run with --dtype int8 / q4)',
        })
        .option('attention', {
          choices: ATTENTION_KINDS,
          describe:
            'Decoder attention and RMSNorm form. fused: onnxruntime GroupQueryAttention + RotaryEmbedding + (Skip)SimplifiedLayerNormalization, ' +
            'the kernels that pay on CUDA (its GroupQueryAttention is float16 only; head size must be a multiple of 8). plain: standard ONNX operators. ' +
            'Default: fused for --dtype fp16 where the head size allows, plain otherwise. Both give the same tokens; recorded in config.json emu_eval_export.attention',
        })
        .option('block-size', { type: 'number', choices: BLOCK_SIZES, describe: `int8/int4: weights sharing one scale along the input dimension (default ${DEFAULT_BLOCK_SIZE})` })
        .option('quant', { type: 'string', choices: QUANT_MODES, describe: `int8/int4: symmetric (scale only) or asymmetric (scale and zero point) blocks (default ${DEFAULT_QUANT_MODE})` })
        .example('$0 export ~/hf/llava-1.5-7b-hf --out models/llava-1.5-7b-onnx', 'export once (≈27 GB fp32, peak memory about one tensor)')
        .example('$0 run vqav2 --model onnx:models/llava-1.5-7b-onnx --data vqav2=~/data/vqav2', 'then evaluate the exported folder')
        .example('$0 export ~/hf/llava-1.5-7b-hf --out models/llava-1.5-7b-q4 --dtype int4 --block-size 32', 'int4 weights (MatMulNBits, block 32, symmetric); run with --dtype q4')
        .example('$0 run vqav2 --model hf:~/hf/llava-1.5-7b-hf', 'or let run export into the model cache on first use')
        .example('$0 export --random bench/configs/llava-1.5-7b.json --out models/llava-7b-random', 'a LLaVA-1.5-7B-shaped model with random weights (fp16, fused attention) for throughput runs')
        .epilog(
          'Supported now: LLaVA-1.5 (config.json model_type "llava", LlavaForConditionalGeneration: llava-hf/llava-1.5-7b-hf, -13b-hf), ' +
            'with tensor names of any transformers version; CogVLM (CogVLMForCausalLM: THUDM/cogvlm-chat-hf, -base-490-hf, -grounding-*-hf; ' +
            'run with --protocol cogvlm). Weights are read one tensor at a time and written as they are read; ' +
            'the output is built in a hidden sibling folder and renamed into place, so a folder at --out is always complete.',
        ),
    handler: async (parsed: unknown) => {
      const argv = parsed as CommandArguments;
      const checkpoint = argv.checkpoint as string | undefined;
      const random = argv.random as string | undefined;
      const out = argv.out as string;
      if (!out) throw new ConfigError('export needs --out DIR, the model folder to create', true);
      if (checkpoint !== undefined && random !== undefined) throw new ConfigError('export takes a checkpoint folder or --random CONFIG_JSON, not both', true);
      if (checkpoint === undefined && random === undefined) throw new ConfigError('export needs a checkpoint folder (emu-eval export DIR --out OUT) or --random CONFIG_JSON', true);
      if (argv.seed !== undefined && random === undefined) throw new ConfigError('--seed applies to --random exports only', true);
      const notify = notifier(io, argv);
      const bar = io.interactive && !argv.quiet ? progressBar() : undefined;
      try {
        const options = {
          dtype: (argv.dtype as ExportDtype | undefined) ?? (random === undefined ? 'fp32' : 'fp16'),
          attention: argv.attention as AttentionKind | undefined,
          blockSize: argv.blockSize as number | undefined,
          quant: argv.quant as QuantMode | undefined,
          onProgress: bar?.update,
        };
        const result =
          random === undefined
            ? await exportCheckpoint(checkpoint!, out, options)
            : await exportRandomModel(random, out, { ...options, seed: argv.seed as number | undefined });
        bar?.stop();
        for (const note of result.notes) notify('info', note);
        if (argv.json) {
          const { notes: _notes, ...summary } = result;
          io.stdout(`${JSON.stringify(summary)}\n`);
        } else {
          io.stdout(
            `exported ${result.architecture} (${result.dtype}, ${result.attention} attention, ${humanCount(result.parameters)} parameters) to ${result.out} in ${result.seconds.toFixed(1)} s\n` +
              `evaluate it with: emu-eval run vqav2 --model onnx:${path.relative(process.cwd(), result.out) || '.'}${result.dtype === 'fp32' ? '' : ` --dtype ${RUNNER_DTYPES[result.dtype]}`}\n`,
          );
        }
      } finally {
        bar?.stop();
      }
    },
  };
}

function humanCount(count: number): string {
  if (count >= 1e9) return `${(count / 1e9).toFixed(2)}B`;
  if (count >= 1e6) return `${(count / 1e6).toFixed(1)}M`;
  return count >= 1e3 ? `${(count / 1e3).toFixed(1)}K` : String(count);
}

/** Weight bytes written, with rate and ETA, on an interactive stderr. */
function progressBar(): { update: (written: number, total: number) => void; stop: () => void } {
  const bar = new cliProgress.SingleBar(
    { format: 'export {bar} {written}/{size} GiB | {rate} MiB/s | ETA {eta_formatted}', stream: process.stderr, etaBuffer: 50, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let started: number | undefined;
  let running = false;
  return {
    update(written, total) {
      const payload = () => {
        const seconds = started === undefined ? 0 : (Date.now() - started) / 1000;
        return { written: (written / GIB).toFixed(2), size: (total / GIB).toFixed(2), rate: seconds > 0 ? (written / 1024 ** 2 / seconds).toFixed(0) : '0' };
      };
      if (!running) {
        started = Date.now();
        running = true;
        bar.start(total, written, payload());
      } else bar.update(written, payload());
    },
    stop() {
      if (running) bar.stop();
      running = false;
    },
  };
}
