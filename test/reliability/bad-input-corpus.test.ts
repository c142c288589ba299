// The committed bad-input corpus (test/fixtures/bad/, listed in test/README.md) through the real code paths.
// Broken media become error samples naming the file while the rest of the run is scored; broken
// dataset files stop `run` with a DataError naming the file and the JSON path, and `data check`
// lists every problem. Valid-but-unusual images (CMYK, 16-bit, grey + alpha) are decoded correctly.
import assert from 'node:assert/strict';
import { appendFileSync, copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { DataError } from '../../core/errors.js';
import { ImageEncoder } from '../../runners/openai/image-encoder.js';
import { preprocessImage, type ImagePreprocessing } from '../../runners/onnx/image-preprocess.js';
import { checkData } from '../../tasks/data-check.js';
import { bundledDataDir, getTask } from '../../tasks/registry.js';
import type { Sample } from '../../core/contracts/task.js';
import { runCli, writeGoldPredictions } from '../helpers/cli.js';
import { runCliProcess, scratchFolder } from './processes.js';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/bad');
const fixture = (name: string) => path.join(fixtures, name);
const QUESTIONS = 'v2_OpenEnded_mscoco_val2014_questions.json';
const ANNOTATIONS = 'v2_mscoco_val2014_annotations.json';
const tried: string[] = [];

after(() => {
  if (process.env.EMU_EVAL_RELIABILITY_LOG) appendFileSync(process.env.EMU_EVAL_RELIABILITY_LOG, `bad-input: ${tried.length} cases: ${tried.join('; ')}\n`);
});

interface SampleLine {
  sampleId: string;
  finishReason: string;
  error?: string;
  score: number | null;
  meta: Record<string, unknown>;
}

const readSamples = (runDirectory: string) =>
  readFileSync(path.join(runDirectory, 'samples.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as SampleLine);

const cocoName = (imageId: number) => `COCO_val2014_${String(imageId).padStart(12, '0')}.jpg`;

describe('bad images through the real path (tiny-emu, ONNX preprocessing)', () => {
  // Each bundled image replaced by a bad file (or removed, or linked out of the data root); the
  // questions about the other images must be answered normally.
  const replacements: Array<{ imageId: number; kind: string; make: (file: string) => void; error?: RegExp }> = [
    { imageId: 12330, kind: 'corrupt JPEG', make: (file) => copyFileSync(fixture('images/corrupt.jpg'), file), error: /cannot decode image .*: Input buffer has corrupt header: VipsJpeg/ },
    { imageId: 251682, kind: 'truncated JPEG', make: (file) => copyFileSync(fixture('images/truncated.jpg'), file), error: /cannot decode image .*: VipsJpeg: premature end of JPEG image/ },
    { imageId: 51011, kind: 'truncated PNG', make: (file) => copyFileSync(fixture('images/truncated.png'), file), error: /cannot decode image .*: vipspng: libpng read error/ },
    { imageId: 62835, kind: '0-byte file', make: (file) => copyFileSync(fixture('images/empty.jpg'), file), error: /cannot decode image .*: Input Buffer is empty/ },
    { imageId: 201213, kind: 'HTML saved as .jpg', make: (file) => copyFileSync(fixture('images/not-an-image.jpg'), file), error: /cannot decode image .*: Input buffer contains unsupported image format/ },
    { imageId: 77039, kind: 'decompression bomb (PNG claiming 30000×30000)', make: (file) => copyFileSync(fixture('images/bomb-30000x30000.png'), file), error: /cannot decode image .*: Input image exceeds pixel limit/ },
    { imageId: 523582, kind: 'JPEG cut inside its header', make: (file) => copyFileSync(fixture('images/truncated-header.jpg'), file), error: /cannot decode image .*: Input buffer has corrupt header: VipsJpeg: premature end of JPEG image/ },
    { imageId: 560017, kind: 'PNG cut inside its header', make: (file) => copyFileSync(fixture('images/truncated-header.png'), file), error: /cannot decode image .*: Input buffer has corrupt header:/ },
    { imageId: 366782, kind: 'missing image', make: (file) => unlinkSync(file), error: /media file not found: / },
    {
      imageId: 284799,
      kind: 'symlink out of the data root',
      make: (file) => {
        unlinkSync(file);
        symlinkSync(path.join(bundledDataDir(getTask('vqav2')), 'val2014', cocoName(284799)), file);
      },
      error: /is a link to .*, outside the data root /,
    },
    { imageId: 304517, kind: 'CMYK JPEG (decoded)', make: (file) => copyFileSync(fixture('images/cmyk.jpg'), file) },
    { imageId: 314999, kind: '16-bit PNG (decoded)', make: (file) => copyFileSync(fixture('images/rgb16.png'), file) },
    { imageId: 382650, kind: 'grey + alpha PNG (decoded)', make: (file) => copyFileSync(fixture('images/grey-alpha.png'), file) },
  ];

  it('bad images are error samples naming the file; the other samples are scored', { timeout: 120_000 }, async () => {
    const data = scratchFolder('emu-eval-bad-images-');
    cpSync(bundledDataDir(getTask('vqav2')), data, { recursive: true });
    for (const replacement of replacements) replacement.make(path.join(data, 'val2014', cocoName(replacement.imageId)));
    const questions = (JSON.parse(readFileSync(path.join(data, QUESTIONS), 'utf8')) as { questions: Array<{ question_id: number; image_id: number }> }).questions;
    const imageOf = new Map(questions.map((question) => [String(question.question_id), question.image_id]));

    const out = scratchFolder('emu-eval-bad-images-out-');
    const { code, stdout, stderr } = await runCliProcess(['run', 'vqav2', '--data', data, '--out', out, '--json', '--quiet']);
    assert.equal(code, 0, stderr);
    const { runDirectory, metrics } = JSON.parse(stdout) as { runDirectory: string; metrics: Array<{ all: { n: number; nErrors: number } }> };
    const lines = readSamples(runDirectory);
    assert.equal(lines.length, questions.length);
    let expectedErrors = 0;
    for (const line of lines) {
      const imageId = imageOf.get(line.sampleId)!;
      const replacement = replacements.find((candidate) => candidate.imageId === imageId);
      if (replacement?.error) {
        expectedErrors += 1;
        assert.equal(line.finishReason, 'error', `${replacement.kind}: question ${line.sampleId}`);
        assert.equal(line.score, null);
        assert.ok(line.error!.includes(path.join(data, 'val2014', cocoName(imageId))), `${replacement.kind}: the error names the file: ${line.error}`);
        assert.match(line.error!, replacement.error, replacement.kind);
      } else {
        assert.notEqual(line.finishReason, 'error', `${replacement?.kind ?? 'good image'} ${imageId}: ${line.error}`);
        assert.equal(typeof line.score, 'number');
      }
    }
    assert.equal(metrics[0]!.all.n, questions.length);
    assert.equal(metrics[0]!.all.nErrors, expectedErrors);
    tried.push(...replacements.map((replacement) => `image: ${replacement.kind} → ${replacement.error ? 'error sample' : 'scored'}`));

    // `data check` finds what it can without decoding pixels: the missing file, the link out of the root,
    // and every image whose header the run cannot read, with the run's reason. Only the two files cut
    // after their header (truncated.jpg, truncated.png) are left to the run.
    const report = await checkData(getTask('vqav2'), data, { split: 'val' });
    const headerProblems = [12330, 62835, 201213, 77039, 523582, 560017];
    assert.deepEqual(report.problems.map((problem) => path.basename(problem.file)).sort(), [...headerProblems, 284799, 366782].map(cocoName).sort());
    for (const imageId of headerProblems) {
      const file = path.join(data, 'val2014', cocoName(imageId));
      const problem = report.problems.find((candidate) => candidate.file === file)!;
      const runError = lines.find((line) => imageOf.get(line.sampleId) === imageId)!.error!;
      const runReason = runError.slice(`cannot decode image ${file}: `.length);
      assert.match(problem.message, /^cannot decode image: .* \(needed by question \d+\)$/);
      // libvips repeats its lines in the run's error; data check gives each once.
      for (const reasonLine of new Set(runReason.split('\n'))) assert.ok(problem.message.includes(reasonLine), `${cocoName(imageId)}: data check says "${problem.message}", the run "${runError}"`);
      assert.ok(problem.message.startsWith(`cannot decode image: ${runReason.split('\n')[0]}`), problem.message);
    }
  });

  const preprocessing: ImagePreprocessing = { resize: { mode: 'exact', width: 8, height: 8 }, kernel: 'cubic', rescale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1], width: 8, height: 8 };

  it('the decompression bomb is refused from its header: quickly, without allocating its pixels (ONNX and OpenAI --resize-images paths)', async () => {
    const bytes = readFileSync(fixture('images/bomb-30000x30000.png'));
    assert.ok(bytes.length < 1024);
    const metadata = await sharp(bytes, { limitInputPixels: false }).metadata();
    assert.deepEqual([metadata.width, metadata.height], [30_000, 30_000]);
    // Warm up sharp (libvips start-up, thread pool) so that only the bomb is measured.
    await preprocessImage(readFileSync(fixture('images/cmyk.jpg')), preprocessing);
    const before = process.memoryUsage().rss;
    const started = performance.now();
    await assert.rejects(preprocessImage(bytes, preprocessing), /Input image exceeds pixel limit/);
    const encoder = new ImageEncoder({ size: 448 });
    await assert.rejects(encoder.dataUrl({ kind: 'image', path: fixture('images/bomb-30000x30000.png'), root: fixtures }), /Input image exceeds pixel limit/);
    const elapsed = performance.now() - started;
    const grown = process.memoryUsage().rss - before;
    assert.ok(elapsed < 5000, `refused in ${elapsed.toFixed(0)} ms`);
    assert.ok(grown < 128 * 1024 * 1024, `RSS grew ${(grown / 1048576).toFixed(0)} MiB (decoding would need ${((30_000 * 30_000 * 3) / 1073741824).toFixed(1)} GiB)`);
  });

  it('CMYK, 16-bit and grey + alpha images decode to the right 8-bit RGB values', async () => {
    const channelMeans = async (name: string) => {
      const tensor = await preprocessImage(readFileSync(fixture(name)), preprocessing);
      const plane = 64;
      return [0, 1, 2].map((channel) => tensor.subarray(channel * plane, (channel + 1) * plane).reduce((sum, value) => sum + value, 0) / plane);
    };
    const [cmykRed, cmykGreen, cmykBlue] = await channelMeans('images/cmyk.jpg');
    assert.ok(cmykRed! > 0.85 && cmykGreen! < 0.1 && cmykBlue! < 0.1, `CMYK red → ${cmykRed}, ${cmykGreen}, ${cmykBlue}`);
    const [red, green, blue] = await channelMeans('images/rgb16.png');
    assert.ok(red! > 0.99 && green! < 0.01 && blue! < 0.01, `16-bit red → ${red}, ${green}, ${blue} (a 16-bit buffer read as bytes would give noise)`);
    const grey = await channelMeans('images/grey-alpha.png');
    assert.ok(grey.every((value) => Math.abs(value - 90 / 255) < 0.02), `grey + alpha → ${grey.join(', ')} (alpha dropped, not premultiplied)`);
  });
});

/** A four-question VQAv2 val folder from the fixture files, with one file swapped for a broken variant. */
function miniVqa(questionsFile = 'vqav2/questions.json', annotationsFile = 'vqav2/annotations.json'): string {
  const folder = scratchFolder('emu-eval-bad-json-');
  copyFileSync(fixture(questionsFile), path.join(folder, QUESTIONS));
  copyFileSync(fixture(annotationsFile), path.join(folder, ANNOTATIONS));
  mkdirSync(path.join(folder, 'val2014'));
  for (const imageId of [1, 2]) copyFileSync(fixture('images/cmyk.jpg'), path.join(folder, 'val2014', cocoName(imageId)));
  return folder;
}

async function loadAll(folder: string): Promise<Sample[]> {
  const samples: Sample[] = [];
  for await (const sample of getTask('vqav2').load({ dataDir: folder, split: 'val' })) samples.push(sample);
  return samples;
}

describe('bad dataset files: a fatal error naming the file and the JSON path; data check lists every problem', () => {
  const miniPredictions = path.join(scratchFolder('emu-eval-bad-json-predictions-'), 'predictions.json');
  writeFileSync(miniPredictions, JSON.stringify([1000, 1001, 2000, 2001].map((id, index) => ({ question_id: id, answer: ['red', 'yes', '2', 'circle'][index] }))));

  const cases: Array<{ kind: string; questions?: string; annotations?: string; file: string; field?: string; message: RegExp; listed: Array<[string, RegExp]> }> = [
    {
      kind: 'annotation fields of the wrong type',
      annotations: 'vqav2/annotations-wrong-types.json',
      file: ANNOTATIONS,
      field: 'annotations[0].question_id',
      message: /annotations\[0\]\.question_id: expected number, found the string "1000"/,
      listed: [
        ['annotations[0].question_id', /^expected number, found the string "1000"$/],
        ['annotations[1].answers[3].answer', /^expected string, found number 5$/],
        ['annotations[2].answer_type', /^expected one of "yes\/no", "number", "other", found the string "colour"$/],
        ['annotations[3].image_id', /^expected an integer, found number 2\.5$/],
        ['annotations[3].answers', /^expected array, found the string "circle"$/],
      ],
    },
    {
      kind: 'NaN in an annotation',
      annotations: 'vqav2/annotations-nan.json',
      file: ANNOTATIONS,
      field: 'annotations[0]',
      message: /malformed JSON at byte 311: NaN is not a JSON value \(in annotations\[0\]; Python's json\.dump writes it unless allow_nan=False\)/,
      listed: [['annotations[0]', /NaN is not a JSON value/]],
    },
    {
      kind: 'numbers too large for a double (1e400, 2^53 + 1, 1e20)',
      annotations: 'vqav2/annotations-huge-numbers.json',
      file: ANNOTATIONS,
      field: 'annotations[0].question_id',
      message: /annotations\[0\]\.question_id: expected a finite number, found number Infinity \(the number in the file is too large for a double\)/,
      listed: [
        ['annotations[0].question_id', /^expected a finite number, found number Infinity/],
        ['annotations[1].question_id', /^expected a value <= 9007199254740991, found number 9007199254740992 \(beyond 2\^53: the number in the file may have been rounded when read\)$/],
        ['annotations[2].image_id', /^expected a value <= 9007199254740991, found number 100000000000000000000 \(beyond 2\^53/],
      ],
    },
    {
      kind: 'duplicate question ids (questions file)',
      questions: 'vqav2/questions-duplicate-ids.json',
      file: QUESTIONS,
      field: 'questions[2].question_id',
      message: /questions\[2\]\.question_id: duplicate question_id 1001, already used by questions\[1\]/,
      listed: [['questions[2].question_id', /^duplicate question_id 1001, already used by questions\[1\]$/]],
    },
    {
      kind: 'duplicate question ids (annotations file)',
      annotations: 'vqav2/annotations-duplicate-ids.json',
      file: ANNOTATIONS,
      field: 'annotations[4].question_id',
      message: /annotations\[4\]\.question_id: duplicate question_id 1000, already used by annotations\[0\]/,
      listed: [['annotations[4].question_id', /^duplicate question_id 1000, already used by annotations\[0\]$/]],
    },
    {
      kind: 'annotations file cut off mid-element',
      annotations: 'vqav2/annotations-truncated.json',
      file: ANNOTATIONS,
      message: /malformed JSON at byte \d+: unexpected end of file: the "annotations" array ends inside an element that starts at byte \d+/,
      listed: [['', /unexpected end of file/]],
    },
    {
      kind: 'questions file in UTF-16',
      questions: 'vqav2/questions-utf16.json',
      file: QUESTIONS,
      message: /malformed JSON at byte 0: the file starts with a UTF-16 byte-order mark; JSON files must be UTF-8/,
      listed: [['', /UTF-16 byte-order mark/]],
    },
  ];

  for (const testCase of cases) {
    it(testCase.kind, async () => {
      const folder = miniVqa(testCase.questions, testCase.annotations);
      const file = path.join(folder, testCase.file);
      await assert.rejects(loadAll(folder), (error: unknown) => {
        assert.ok(error instanceof DataError, String(error));
        assert.equal(error.file, file);
        if (testCase.field) assert.equal(error.field, testCase.field);
        assert.match(error.message, testCase.message);
        return true;
      });
      const out = scratchFolder('emu-eval-bad-json-out-');
      const run = await runCli(['run', 'vqav2', '--data', folder, '--model', `replay:${miniPredictions}`, '--out', out, '--quiet']);
      assert.equal(run.code, 1, run.stdout);
      assert.ok(run.stderr.startsWith(`emu-eval: ${file}: `), run.stderr);
      assert.match(run.stderr, testCase.message);
      const report = await checkData(getTask('vqav2'), folder, { split: 'val' });
      for (const [field, message] of testCase.listed) {
        assert.ok(
          report.problems.some((problem) => problem.file === file && (problem.field ?? '') === field && message.test(problem.message)),
          `data check lists ${field} ${message}:\n${report.problems.map((problem) => `${problem.field}: ${problem.message}`).join('\n')}`,
        );
      }
      tried.push(`dataset file: ${testCase.kind} → fatal DataError naming ${testCase.file}${testCase.field ? ` ${testCase.field}` : ''}`);
    });
  }

  it('question text that is not UTF-8: invalid bytes become U+FFFD and the sample is still evaluated', async () => {
    const folder = miniVqa('vqav2/questions-latin1.json');
    const samples = await loadAll(folder);
    assert.equal(samples.find((sample) => sample.id === '1001')!.question, 'Is the caf\uFFFD sign red?');
    const out = scratchFolder('emu-eval-bad-json-out-');
    const run = await runCli(['run', 'vqav2', '--data', folder, '--out', out, '--json', '--quiet']);
    assert.equal(run.code, 0, run.stderr);
    const lines = readSamples(JSON.parse(run.stdout).runDirectory);
    assert.equal(lines.length, 4);
    assert.ok(lines.every((line) => line.finishReason !== 'error'), JSON.stringify(lines.map((line) => line.error)));
    assert.equal((await checkData(getTask('vqav2'), folder, { split: 'val' })).problems.length, 0);
    tried.push('dataset file: Latin-1 question text → U+FFFD, evaluated (tiny-emu)');
  });

  it('predictions with NaN or wrong types: score stops naming the file and the entry', async () => {
    const folder = miniVqa();
    const nan = await runCli(['score', 'vqav2', '--predictions', fixture('predictions/nan.json'), '--data', folder, '--out', scratchFolder()]);
    assert.equal(nan.code, 1);
    assert.match(nan.stderr, new RegExp(`emu-eval: ${fixture('predictions/nan.json')}: not valid JSON`));
    const wrong = await runCli(['score', 'vqav2', '--predictions', fixture('predictions/wrong-types.json'), '--data', folder, '--out', scratchFolder()]);
    assert.equal(wrong.code, 1);
    assert.match(wrong.stderr, new RegExp(`emu-eval: ${fixture('predictions/wrong-types.json')}: invalid content\\n  \\[1\\]`));
    assert.match(wrong.stderr, /\[2\]/);
    tried.push('predictions: NaN → fatal, names the file', 'predictions: wrong types → fatal, names the file and entries [1], [2]');
  });
});

describe('names that would leave the data root', () => {
  it('`..` and absolute image names in VizWiz are refused by run (fatal, file and field) and all listed by data check', async () => {
    for (const [name, field, message] of [
      ['vizwiz/val-dotdot.json', '[1].image', /contains '\.\.' and could leave the data root/],
      ['vizwiz/val-absolute.json', '[0].image', /is absolute; names must be relative to the data root/],
    ] as const) {
      const folder = scratchFolder('emu-eval-bad-names-');
      copyFileSync(fixture(name), path.join(folder, 'val.json'));
      mkdirSync(path.join(folder, 'val'));
      copyFileSync(fixture('images/cmyk.jpg'), path.join(folder, 'val', 'VizWiz_val_00000000.jpg'));
      const report = await checkData(getTask('vizwiz'), folder, { split: 'val' });
      assert.ok(report.problems.some((problem) => problem.file === path.join(folder, 'val.json') && problem.field === field && message.test(problem.message)), JSON.stringify(report.problems));
      if (name === 'vizwiz/val-dotdot.json') assert.deepEqual(report.problems.map((problem) => problem.field), ['[1].image', '[2].image']);
      const vizwizRun = await runCli(['run', 'vizwiz', '--data', folder, '--out', scratchFolder(), '--quiet']);
      assert.equal(vizwizRun.code, 1);
      assert.match(vizwizRun.stderr, new RegExp(`emu-eval: ${path.join(folder, 'val.json')}: ${field.replace(/[[\]]/g, '\\$&')}: file name .*${message.source}`));
      tried.push(`image name: ${name === 'vizwiz/val-dotdot.json' ? "'../' (2 names)" : 'absolute path'} → fatal DataError naming val.json ${field}`);
    }
  });
});

describe('bad videos (msrvtt-qa, real ffprobe/ffmpeg)', () => {
  const saved = process.env.EMU_EVAL_CACHE;
  after(() => {
    if (saved === undefined) delete process.env.EMU_EVAL_CACHE;
    else process.env.EMU_EVAL_CACHE = saved;
  });

  it('a video with no frames, no stream, cut in half, garbage, or an empty frames folder: error samples with the reason; the rest scored', { timeout: 60_000 }, async () => {
    process.env.EMU_EVAL_CACHE = scratchFolder('emu-eval-bad-video-cache-');
    const data = scratchFolder('emu-eval-bad-video-');
    cpSync(bundledDataDir(getTask('msrvtt-qa')), data, { recursive: true });
    const videos = path.join(data, 'TestVideo');
    const broken: Array<{ videoId: string; kind: string; make: () => void; error: RegExp }> = [
      { videoId: 'video7018', kind: 'video stream with no frames', make: () => (unlinkSync(path.join(videos, 'video7018.mp4')), copyFileSync(fixture('videos/no-frames.avi'), path.join(videos, 'video7018.avi'))), error: /video7018\.avi: the video stream has no frames/ },
      { videoId: 'video7213', kind: 'container with no video stream', make: () => copyFileSync(fixture('videos/no-streams.mp4'), path.join(videos, 'video7213.mp4')), error: /video7213\.mp4: no video stream found/ },
      { videoId: 'video7610', kind: 'MP4 cut in half', make: () => copyFileSync(fixture('videos/truncated.mp4'), path.join(videos, 'video7610.mp4')), error: /video7610\.mp4: ffprobe exited with status 1: .*moov atom not found/ },
      { videoId: 'video7682', kind: 'garbage bytes', make: () => copyFileSync(fixture('videos/garbage.mp4'), path.join(videos, 'video7682.mp4')), error: /video7682\.mp4: ffprobe exited with status 1: .*Invalid data found when processing input/ },
      {
        videoId: 'video7699',
        kind: 'empty frames folder',
        make: () => (unlinkSync(path.join(videos, 'video7699.mp4')), mkdirSync(path.join(data, 'frames', 'video7699'), { recursive: true })),
        error: /frames folder .*frames\/video7699: no frame images \(.jpg, .jpeg, .png, .webp, .bmp\) in the frames folder/,
      },
    ];
    for (const video of broken) video.make();
    const predictions = path.join(scratchFolder(), 'gold.json');
    await writeGoldPredictions('msrvtt-qa', predictions);
    const run = await runCli(['run', 'msrvtt-qa', '--data', data, '--model', `replay:${predictions}`, '--extraction', 'raw', '--frames', '4', '--out', scratchFolder(), '--json', '--quiet']);
    assert.equal(run.code, 0, run.stderr);
    const lines = readSamples(JSON.parse(run.stdout).runDirectory);
    for (const line of lines) {
      const video = broken.find((candidate) => candidate.videoId === line.meta.videoId);
      if (video) {
        assert.equal(line.finishReason, 'error', video.kind);
        assert.match(line.error!, video.error, `${video.kind}: ${line.error}`);
      } else {
        assert.equal(line.finishReason, 'stop', `${String(line.meta.videoId)}: ${line.error}`);
        assert.equal(line.score, 1);
      }
    }
    for (const video of broken) assert.ok(lines.some((line) => line.meta.videoId === video.videoId), video.videoId);
    tried.push(...broken.map((video) => `video: ${video.kind} → error sample`));
    rmSync(process.env.EMU_EVAL_CACHE, { recursive: true, force: true });
  });
});
