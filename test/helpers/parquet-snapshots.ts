// Parquet copies of the bundled samples laid out as lmms-lab publishes them on the Hugging Face hub
// (pyarrow's nesting: a list is an optional group holding a repeated `list` group of `element`s; an
// image a struct {bytes, path}), written with hyparquet-writer, snappy pages, small row groups so a
// reader must cross row-group boundaries.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { bundledDataDir, getTask } from '../../tasks/registry.js';

type SchemaElement = NonNullable<Parameters<typeof parquetWriteBuffer>[0]['schema']>[number];

const text = (name: string): SchemaElement => ({ name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' });
const int64 = (name: string): SchemaElement => ({ name, type: 'INT64', repetition_type: 'OPTIONAL' });
const imageStruct: SchemaElement[] = [
  { name: 'image', repetition_type: 'OPTIONAL', num_children: 2 },
  { name: 'bytes', type: 'BYTE_ARRAY', repetition_type: 'OPTIONAL' },
  text('path'),
];
const answerList: SchemaElement[] = [
  { name: 'answers', repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 },
  { name: 'list', repetition_type: 'REPEATED', num_children: 1 },
  { name: 'element', repetition_type: 'OPTIONAL', num_children: 3 },
  text('answer'),
  text('answer_confidence'),
  int64('answer_id'),
];

interface VqaQuestion {
  question_id: number;
  image_id: number;
  question: string;
}
interface VqaAnnotation {
  question_id: number;
  question_type: string;
  answer_type: string;
  multiple_choice_answer: string;
  answers: Array<{ answer: string; answer_confidence: string; answer_id: number }>;
}

/**
 * The bundled VQAv2 val sample as lmms-lab/VQAv2 ships it: `data/validation-00000-of-00001.parquet`
 * under `folder`, the VQAv2 card's columns in its order, each COCO image's bytes in its question's row.
 */
export function writeVqav2ParquetSnapshot(folder: string, options: { rowGroupSize?: number; mutate?: (rows: VqaParquetRow[]) => void } = {}): string {
  const source = bundledDataDir(getTask('vqav2'));
  const questions = (JSON.parse(readFileSync(path.join(source, 'v2_OpenEnded_mscoco_val2014_questions.json'), 'utf8')) as { questions: VqaQuestion[] }).questions;
  const annotations = new Map(
    (JSON.parse(readFileSync(path.join(source, 'v2_mscoco_val2014_annotations.json'), 'utf8')) as { annotations: VqaAnnotation[] }).annotations.map((annotation) => [annotation.question_id, annotation]),
  );
  const rows: VqaParquetRow[] = questions.map((question) => {
    const annotation = annotations.get(question.question_id)!;
    const imageName = `COCO_val2014_${String(question.image_id).padStart(12, '0')}.jpg`;
    return {
      question_type: annotation.question_type,
      multiple_choice_answer: annotation.multiple_choice_answer,
      answers: annotation.answers.map((answer) => ({ ...answer, answer_id: BigInt(answer.answer_id) })),
      image_id: BigInt(question.image_id),
      answer_type: annotation.answer_type,
      question_id: BigInt(question.question_id),
      question: question.question,
      image: { bytes: new Uint8Array(readFileSync(path.join(source, 'val2014', imageName))), path: imageName },
    };
  });
  options.mutate?.(rows);
  const file = path.join(folder, 'data', 'validation-00000-of-00001.parquet');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, Buffer.from(writeVqaRows(rows, options.rowGroupSize ?? 7)));
  return file;
}

export interface VqaParquetRow {
  question_type: string | null;
  multiple_choice_answer: string | null;
  answers: Array<{ answer: string; answer_confidence: string; answer_id: bigint }> | null;
  image_id: bigint;
  answer_type: string | null;
  question_id: bigint;
  question: string;
  image: { bytes: Uint8Array | null; path: string | null } | null;
}

export function writeVqaRows(rows: VqaParquetRow[], rowGroupSize: number): ArrayBuffer {
  const columns = ['question_type', 'multiple_choice_answer', 'answers', 'image_id', 'answer_type', 'question_id', 'question', 'image'] as const;
  return parquetWriteBuffer({
    schema: [
      { name: 'schema', num_children: columns.length },
      text('question_type'),
      text('multiple_choice_answer'),
      ...answerList,
      int64('image_id'),
      text('answer_type'),
      int64('question_id'),
      text('question'),
      ...imageStruct,
    ],
    columnData: columns.map((name) => ({ name, data: rows.map((row) => row[name]) })),
    rowGroupSize,
  });
}

/** A file of `count` rows with an id and an image struct holding `imageBytes` random bytes each (memory benchmarks). */
export function writeImageRows(count: number, imageBytes: number, rowGroupSize: number, seed = 1): ArrayBuffer {
  let state = seed;
  const bytes = () => {
    const image = new Uint8Array(imageBytes);
    for (let index = 0; index < imageBytes; index += 4) {
      state = (state * 1664525 + 1013904223) >>> 0;
      image[index] = state & 0xff;
      image[index + 1] = (state >>> 8) & 0xff;
      image[index + 2] = (state >>> 16) & 0xff;
      image[index + 3] = state >>> 24;
    }
    return image;
  };
  return parquetWriteBuffer({
    schema: [{ name: 'schema', num_children: 2 }, int64('question_id'), ...imageStruct],
    columnData: [
      { name: 'question_id', data: Array.from({ length: count }, (_, index) => BigInt(index)) },
      { name: 'image', data: Array.from({ length: count }, (_, index) => ({ bytes: bytes(), path: `${index}.jpg` })) },
    ],
    rowGroupSize,
  });
}

export type ParquetColumnType = 'string' | 'int64' | 'boolean' | 'image' | 'image-list' | 'string-list' | { struct: readonly string[] };

/** A Parquet file of flat columns (plus image structs and lists of strings), laid out as pyarrow writes them. */
export function writeParquetTable(file: string, columns: ReadonlyArray<{ name: string; type: ParquetColumnType }>, rows: Array<Record<string, unknown>>, rowGroupSize = 5): void {
  const schema: SchemaElement[] = [{ name: 'schema', num_children: columns.length }];
  for (const { name, type } of columns) {
    if (type === 'string') schema.push(text(name));
    else if (type === 'int64') schema.push(int64(name));
    else if (type === 'boolean') schema.push({ name, type: 'BOOLEAN', repetition_type: 'OPTIONAL' });
    else if (type === 'image') schema.push({ ...imageStruct[0]!, name }, imageStruct[1]!, imageStruct[2]!);
    else if (type === 'image-list') {
      schema.push({ name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 }, { name: 'list', repetition_type: 'REPEATED', num_children: 1 });
      schema.push({ ...imageStruct[0]!, name: 'element' }, imageStruct[1]!, imageStruct[2]!);
    } else if (typeof type === 'object') schema.push({ name, repetition_type: 'OPTIONAL', num_children: type.struct.length }, ...type.struct.map(text));
    else schema.push({ name, repetition_type: 'OPTIONAL', converted_type: 'LIST', num_children: 1 }, { name: 'list', repetition_type: 'REPEATED', num_children: 1 }, text('element'));
  }
  const value = (type: ParquetColumnType, cell: unknown) => (type === 'int64' && typeof cell === 'number' ? BigInt(cell) : cell);
  mkdirSync(path.dirname(file), { recursive: true });
  const buffer = parquetWriteBuffer({ schema, columnData: columns.map(({ name, type }) => ({ name, data: rows.map((row) => value(type, row[name] ?? null)) })), rowGroupSize });
  writeFileSync(file, Buffer.from(buffer));
}
