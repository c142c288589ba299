import path from 'node:path';
import { choiceQuestions, placeOptions, type ChoiceQuestion } from './choice-questions.js';
import { freshFolder, writeJpeg, writeJson } from './output.js';
import { randomScene, renderScene } from './scenes.js';
import { SeededRandom } from './seeded-random.js';

// SEED-Bench v1: SEED-Bench.json ({questions, question_type}) and SEED-Bench-image/<data_id>, four
// options per question. A few video questions (dimensions 10–12) are included as the real file has
// them; the image task must leave them out.

const DIMENSION_OF: Record<ChoiceQuestion['skill'], number> = {
  scene: 1,
  identity: 2,
  location: 3,
  attribute: 4,
  counting: 5,
  spatial: 6,
};

const QUESTION_TYPES = {
  'Scene Understanding': 1,
  'Instance Identity': 2,
  'Instance Location': 3,
  'Instance Attributes': 4,
  'Instances Counting': 5,
  'Spatial Relation': 6,
  'Instance Interaction': 7,
  'Visual Reasoning': 8,
  'Text Understanding': 9,
  'Action Recognition': 10,
  'Action Prediction': 11,
  'Procedure Understanding': 12,
};

const IMAGES = 8;

export async function writeSeedBench(folder: string): Promise<Record<string, number>> {
  freshFolder(folder);
  const random = new SeededRandom('seed-bench/test');
  const questions: Array<Record<string, unknown>> = [];
  let nextQuestionId = 100_000;
  for (let image = 0; image < IMAGES; image++) {
    // CC3M-style names: <shard>_<id>.jpg
    const dataId = `${random.integer(1_000_000, 3_300_000)}_${random.integer(1_000_000_000, 4_000_000_000)}.jpg`;
    const scene = randomScene(random, 2, 5);
    await writeJpeg(path.join(folder, 'SEED-Bench-image', dataId), renderScene(scene, 96));
    for (const question of choiceQuestions(scene, random, 3)) {
      const { options, answer } = placeOptions(question, 4, random);
      nextQuestionId += random.integer(1, 30);
      questions.push({
        answer,
        choice_a: options[0],
        choice_b: options[1],
        choice_c: options[2],
        choice_d: options[3],
        data_id: dataId,
        data_type: 'image',
        question: question.question,
        question_id: String(nextQuestionId),
        question_type_id: DIMENSION_OF[question.skill],
      });
    }
  }
  const imageQuestions = questions.length;
  // Video dimensions, as in the real file; their videos are not bundled (the image task skips them).
  const videos = [
    { data_id: '94328.webm', question_type_id: 10, question: 'What is the action being carried out in the video?' },
    { data_id: 'P03/P03_24.MP4', question_type_id: 11, question: 'Please anticipate what action will occur following the end of this video.', segment: [648.0, 658.0] },
    { data_id: 'P06/cam01/P06_cereals.avi', question_type_id: 12, question: 'Can you identify the sequence of actions in this video and list them in order?', segment: [18, 166] },
  ];
  videos.forEach((video, position) => {
    questions.push({ answer: 'B', choice_a: 'opening something', choice_b: 'moving something', choice_c: 'lifting something', choice_d: 'pouring something', data_type: 'video', question_id: `v${1738 + position}`, ...video });
  });
  writeJson(path.join(folder, 'SEED-Bench.json'), { questions, question_type: QUESTION_TYPES });
  return { test: imageQuestions };
}
