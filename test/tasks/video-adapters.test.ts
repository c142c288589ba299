import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { DataError } from '../../core/errors.js';
import { checkData } from '../../tasks/data-check.js';
import { bundledDataDir, tasks } from '../../tasks/registry.js';
import type { TaskAdapter } from '../../core/contracts/task.js';
import { copyOfBundledSample, loadAll, loadCollecting, temporaryFolder, writeJsonFile } from './dataset-folders.js';
import { asFile } from '../helpers/media-refs.js';

const videoTasks: TaskAdapter[] = [tasks['msvd-qa'], tasks['msrvtt-qa'], tasks['activitynet-qa']];

describe('video QA adapters on their bundled samples', () => {
  for (const task of videoTasks) {
    it(`${task.id}: one exact-match answer per question, videos inside the data root, clustered by video`, async () => {
      assert.equal(task.modality, 'video');
      assert.equal(task.metric, 'exact_match');
      const dataDir = bundledDataDir(task);
      const samples = await loadAll(task, { dataDir, split: task.defaultSplit });
      assert.ok(samples.length >= 20);
      const videos = new Set<string>();
      for (const sample of samples) {
        assert.equal(sample.answers.length, 1);
        assert.equal(sample.media.length, 1);
        const [media] = sample.media;
        assert.ok(media!.kind === 'video' || media!.kind === 'frames');
        assert.equal(media!.root, dataDir);
        assert.ok(media!.path.startsWith(dataDir + path.sep));
        assert.equal(typeof sample.meta.videoId, 'string');
        assert.equal(typeof sample.meta.questionType, 'string');
        videos.add(sample.meta.videoId as string);
      }
      assert.ok(videos.size >= 6 && videos.size < samples.length, 'several questions per video');
      const report = await checkData(task, dataDir, { split: task.defaultSplit });
      assert.deepEqual(report.problems, []);
      assert.equal(report.splits[0]!.missingImages, 0);
    });
  }

  it('msrvtt-qa: video<video_id>.mp4 in TestVideo/, question words as question types', async () => {
    const samples = await loadAll(tasks['msrvtt-qa'], { dataDir: bundledDataDir(tasks['msrvtt-qa']), split: 'test' });
    assert.match(asFile(samples[0]!.media[0]).path, /TestVideo[\\/]video\d{4}\.mp4$/);
    assert.match(samples[0]!.meta.videoId as string, /^video\d{4}$/);
    assert.ok(samples.some((sample) => sample.meta.questionType === 'what'));
  });

  it('msvd-qa: video_id → youtube_mapping.txt → YouTubeClips/<clip>.avi', async () => {
    const dataDir = bundledDataDir(tasks['msvd-qa']);
    const mapping = new Map(readFileSync(path.join(dataDir, 'youtube_mapping.txt'), 'utf8').trim().split('\n').map((line) => line.split(' ').reverse() as [string, string]));
    const questions = JSON.parse(readFileSync(path.join(dataDir, 'test_qa.json'), 'utf8')) as Array<{ id: number; video_id: number }>;
    const samples = await loadAll(tasks['msvd-qa'], { dataDir, split: 'test' });
    for (const [index, sample] of samples.entries()) {
      const clip = mapping.get(`vid${questions[index]!.video_id}`)!;
      assert.equal(asFile(sample.media[0]).path, path.join(dataDir, 'YouTubeClips', `${clip}.avi`));
      assert.equal(sample.meta.videoId, clip);
    }
  });

  it('activitynet-qa: joins test_q.json and test_a.json, mixes containers and a frames folder', async () => {
    const samples = await loadAll(tasks['activitynet-qa'], { dataDir: bundledDataDir(tasks['activitynet-qa']), split: 'test' });
    const extensions = new Set(samples.map((sample) => (sample.media[0]!.kind === 'frames' ? 'frames' : path.extname(asFile(sample.media[0]).path))));
    assert.deepEqual([...extensions].sort(), ['.mkv', '.mp4', '.webm', 'frames']);
    assert.ok(samples.every((sample) => sample.id.startsWith(`v_${sample.meta.videoId as string}_`)));
    assert.ok(samples.some((sample) => sample.meta.questionType === 'motion'));
  });
});

describe('video QA adapters on broken or unusual folders', () => {
  it('rejects a video name that would leave the data root (ActivityNet video_name)', async () => {
    const folder = copyOfBundledSample('activitynet-qa');
    const questions = JSON.parse(readFileSync(path.join(folder, 'test_q.json'), 'utf8')) as Array<{ video_name: string }>;
    questions[2]!.video_name = '../../../../etc/passwd';
    writeJsonFile(folder, 'test_q.json', questions);
    await assert.rejects(loadAll(tasks['activitynet-qa'], { dataDir: folder, split: 'test' }), (error: unknown) => {
      assert.ok(error instanceof DataError);
      assert.equal(error.field, '[2].video_name');
      assert.match(error.message, /test_q\.json: \[2\]\.video_name: video name "v_\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd" is not a plain file name/);
      return true;
    });
    // data check lists it and goes on with the other questions.
    const { samples, problems } = await loadCollecting(tasks['activitynet-qa'], { dataDir: folder, split: 'test' });
    assert.equal(problems.length, 1);
    assert.equal(samples.length, questions.length - 1);
  });

  it('rejects a YouTube mapping entry that climbs out of the clip folder (MSVD)', async () => {
    const folder = copyOfBundledSample('msvd-qa');
    const mappingFile = path.join(folder, 'youtube_mapping.txt');
    const lines = readFileSync(mappingFile, 'utf8').trim().split('\n');
    const questions = JSON.parse(readFileSync(path.join(folder, 'test_qa.json'), 'utf8')) as Array<{ video_id: number }>;
    const target = lines.findIndex((line) => line.endsWith(` vid${questions[0]!.video_id}`));
    lines[target] = `.. vid${questions[0]!.video_id}`;
    writeFileSync(mappingFile, `${lines.join('\n')}\n`);
    const { samples, problems } = await loadCollecting(tasks['msvd-qa'], { dataDir: folder, split: 'test' });
    const askedAboutIt = questions.filter((question) => question.video_id === questions[0]!.video_id).length;
    assert.equal(problems.length, askedAboutIt);
    assert.deepEqual(problems[0], { file: path.join(folder, 'test_qa.json'), field: '[0].video_id', message: 'video name ".." is not a plain file name (it could leave the video folder)' });
    assert.equal(samples.length, questions.length - askedAboutIt);
  });

  it('reports malformed and missing youtube_mapping.txt lines with their line numbers', async () => {
    const folder = copyOfBundledSample('msvd-qa');
    const mappingFile = path.join(folder, 'youtube_mapping.txt');
    const lines = readFileSync(mappingFile, 'utf8').trim().split('\n');
    const questions = JSON.parse(readFileSync(path.join(folder, 'test_qa.json'), 'utf8')) as Array<{ video_id: number }>;
    const dropped = lines.findIndex((line) => line.endsWith(` vid${questions[0]!.video_id}`));
    lines[dropped] = 'this line is not a mapping';
    writeFileSync(mappingFile, `${lines.join('\n')}\n`);
    const { problems } = await loadCollecting(tasks['msvd-qa'], { dataDir: folder, split: 'test' });
    assert.deepEqual(problems[0], { file: mappingFile, field: `line ${dropped + 1}`, message: 'expected "<youtube clip name> vid<number>", found "this line is not a mapping"' });
    assert.match(problems[1]!.message, new RegExp(`video_id ${questions[0]!.video_id} has no "vid${questions[0]!.video_id}" line`));
    assert.equal(problems[1]!.field, '[0].video_id');
  });

  it('validates MSRVTT-QA entries strictly, naming the file and the JSON path', async () => {
    const folder = temporaryFolder();
    writeJsonFile(folder, 'test_qa.json', [
      { answer: 'man', id: 1, question: 'who is talking?', video_id: 7010 },
      { answer: 'man', id: 'two', question: 'who is talking?', video_id: 7010 },
      { answer: 'dog', id: 1, question: 'what runs?', video_id: 7011 },
    ]);
    const { samples, problems } = await loadCollecting(tasks['msrvtt-qa'], { dataDir: folder, split: 'test' });
    assert.equal(samples.length, 1);
    assert.deepEqual(
      problems.map((problem) => [problem.field, problem.message]),
      [
        ['[1].id', 'expected number, found the string "two"'],
        ['[2].id', 'duplicate question id 1, already used by [0]'],
      ],
    );
  });

  it('finds videos flattened into videos/, in any accepted container, or as a frames folder; a missing one is reported by data check', async () => {
    const folder = copyOfBundledSample('msrvtt-qa');
    const [first, second, third] = (JSON.parse(readFileSync(path.join(folder, 'test_qa.json'), 'utf8')) as Array<{ video_id: number }>)
      .map((entry) => entry.video_id)
      .filter((videoId, index, all) => all.indexOf(videoId) === index);
    mkdirSync(path.join(folder, 'videos'));
    renameSync(path.join(folder, 'TestVideo', `video${first}.mp4`), path.join(folder, 'videos', `video${first}.webm`));
    mkdirSync(path.join(folder, 'frames', `video${second}`), { recursive: true });
    rmSync(path.join(folder, 'TestVideo', `video${second}.mp4`));
    rmSync(path.join(folder, 'TestVideo', `video${third}.mp4`));
    const samples = await loadAll(tasks['msrvtt-qa'], { dataDir: folder, split: 'test' });
    const mediaOf = (videoId: number) => samples.find((sample) => sample.meta.videoId === `video${videoId}`)!.media[0]!;
    assert.equal(asFile(mediaOf(first!)).path, path.join(folder, 'videos', `video${first}.webm`));
    assert.deepEqual(mediaOf(second!), { kind: 'frames', path: path.join(folder, 'frames', `video${second}`), root: folder });
    assert.deepEqual(mediaOf(third!), { kind: 'video', path: path.join(folder, 'TestVideo', `video${third}.mp4`), root: folder });
    const report = await checkData(tasks['msrvtt-qa'], folder, { split: 'test' });
    assert.equal(report.splits[0]!.missingImages, 1);
    assert.match(report.problems[0]!.message, /^video file not found \(needed by question \d+\)$/);
  });

  it('data check refuses a video that is a link leading outside the data root', async () => {
    const folder = copyOfBundledSample('msrvtt-qa');
    const outside = temporaryFolder();
    const [name] = readdirSync(path.join(folder, 'TestVideo'));
    renameSync(path.join(folder, 'TestVideo', name!), path.join(outside, name!));
    symlinkSync(path.join(outside, name!), path.join(folder, 'TestVideo', name!));
    const report = await checkData(tasks['msrvtt-qa'], folder, { split: 'test' });
    assert.equal(report.problems.length, 1);
    assert.match(report.problems[0]!.message, /^video is a link to .*, outside the data root/);
  });

  it('a split absent except for the shared mapping file is not a problem (MSVD val)', async () => {
    const report = await checkData(tasks['msvd-qa'], bundledDataDir(tasks['msvd-qa']));
    assert.deepEqual(report.problems, []);
    assert.deepEqual(report.splits.map((split) => [split.split, split.found]), [['test', true], ['val', false], ['train', false]]);
  });
});
