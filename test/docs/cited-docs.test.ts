import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { HISTORY_COLUMNS } from '../../artifact/history/history-csv.js';
import { nightRecordSchema } from '../../artifact/history/night-record.js';
import { metricsRecordSchema, runRecordSchema, sampleRecordSchema, summarySchema } from '../../artifact/schema.js';
import { suiteManifestSchema } from '../../artifact/suite-manifest.js';

// Docs cited in code, help texts and READMEs are what users are sent to: a citation of a file that is
// not in the repository (the private PROTOCOLS.md was cited 25 times) or of a section that was renamed
// sends them nowhere. And docs/run-artifact.md is only useful while it describes every recorded field.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const SCANNED_FOLDERS = ['docs', 'cli', 'evals', 'reports', 'tasks', 'runners', 'scoring', 'artifact', 'core', 'bin', 'bench', 'test'];
const SCANNED_FILES = ['README.md', 'test/README.md'];
/** Inputs, not prose: bundled datasets and the bad-input corpus; and this folder, whose examples are meant to fail. */
const SKIPPED_FOLDERS = ['tasks/samples/data', 'test/fixtures', 'test/docs'];
const SCANNED_EXTENSIONS = /\.(ts|js|mjs|md|ya?ml)$/;
/** Files emu-eval writes (`report.md`, `compare --out diff.md`, `export --random`'s RANDOM_WEIGHTS.md): named in code and docs, never cited. */
const WRITTEN_FILES = new Set(['report.md', 'compare.md', 'diff.md', 'RANDOM_WEIGHTS.md']);

interface Citation {
  doc: string;
  anchor?: string;
  section?: string;
  line: number;
}

/**
 * `docs/protocols.md`, `docs/protocols.md#presets`, `PROTOCOLS.md §4`, `../docs/x.md#y` in a Markdown
 * link. A name inside a URL is not a citation of this repository: the look-behind rejects any match
 * that starts in the middle of one.
 */
const CITATION = /(?<![\w./:-])([\w./-]*[\w-]\.md)\b(?:#([\w-]+)|[ \t]*§[ \t]*(\d+))?/g;

function findCitations(text: string): Citation[] {
  const citations: Citation[] = [];
  text.split('\n').forEach((content, index) => {
    for (const match of content.matchAll(CITATION)) {
      if (WRITTEN_FILES.has(path.basename(match[1]!))) continue;
      citations.push({ doc: match[1]!, line: index + 1, ...(match[2] ? { anchor: match[2] } : {}), ...(match[3] ? { section: match[3] } : {}) });
    }
  });
  return citations;
}

/** GitHub's heading anchors: lowercase, punctuation dropped (letters, digits, `_`, `-` and spaces stay), each space a `-`. */
function githubSlug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}_\- ]/gu, '')
    .replace(/ /g, '-');
}

/** Headings outside fenced code blocks, in order. */
function headings(markdown: string): Array<{ level: number; text: string }> {
  const found: Array<{ level: number; text: string }> = [];
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
    const heading = fenced ? null : /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) found.push({ level: heading[1]!.length, text: heading[2]! });
  }
  return found;
}

/** Anchors as GitHub numbers repeated headings: `x`, `x-1`, `x-2`. */
function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of headings(markdown)) {
    const slug = githubSlug(text);
    const count = seen.get(slug) ?? 0;
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
    seen.set(slug, count + 1);
  }
  return anchors;
}

/** What is wrong with one citation made from `citingFile` (repository-relative), or undefined. */
function citationProblem(citation: Citation, citingFile: string, repositoryRoot = root): string | undefined {
  const candidates = [path.resolve(repositoryRoot, citation.doc), path.resolve(repositoryRoot, path.dirname(citingFile), citation.doc)];
  const inside = (file: string) => !path.relative(repositoryRoot, file).startsWith('..');
  const doc = candidates.find((file) => inside(file) && existsSync(file) && statSync(file).isFile());
  if (!doc) return `${citation.doc} is not in the repository`;
  const markdown = readFileSync(doc, 'utf8');
  if (citation.anchor !== undefined && !anchorsOf(markdown).has(citation.anchor)) {
    return `${citation.doc} has no heading with anchor #${citation.anchor}`;
  }
  if (citation.section !== undefined && !headings(markdown).some(({ text }) => new RegExp(`^${citation.section}[.\\s]`).test(text))) {
    return `${citation.doc} has no section numbered ${citation.section}`;
  }
  return undefined;
}

function scannedFiles(): string[] {
  const files = SCANNED_FILES.map((file) => path.join(root, file));
  const walk = (directory: string) => {
    for (const name of readdirSync(directory)) {
      const full = path.join(directory, name);
      if (name === 'node_modules' || name.startsWith('.') || SKIPPED_FOLDERS.includes(path.relative(root, full))) continue;
      if (statSync(full).isDirectory()) walk(full);
      else if (SCANNED_EXTENSIONS.test(name) && !files.includes(full)) files.push(full);
    }
  };
  for (const folder of SCANNED_FOLDERS) if (existsSync(path.join(root, folder))) walk(path.join(root, folder));
  return files;
}

describe('cited docs', () => {
  it('every doc cited in source, help texts and the READMEs exists, with the section cited', () => {
    const problems: string[] = [];
    let count = 0;
    for (const file of scannedFiles()) {
      const relative = path.relative(root, file);
      for (const citation of findCitations(readFileSync(file, 'utf8'))) {
        count += 1;
        const problem = citationProblem(citation, relative);
        if (problem) problems.push(`${relative}:${citation.line}: ${problem}`);
      }
    }
    assert.deepEqual(problems, []);
    // A regex that stopped matching would pass vacuously; the code cites docs/protocols.md about 25 times.
    assert.ok(count >= 20, `only ${count} citations found: is the citation pattern still matching?`);
  });

  it('reports a missing doc, a missing anchor and a missing numbered section', () => {
    const cited = findCitations('see PROTOCOLS.md §4, docs/protocols.md#no-such-heading, docs/protocols.md#presets and https://github.com/x/y/blob/main/README.md');
    assert.deepEqual(
      cited.map((citation) => citationProblem(citation, 'cli/run.ts')),
      ['PROTOCOLS.md is not in the repository', 'docs/protocols.md has no heading with anchor #no-such-heading', undefined],
    );
    assert.equal(citationProblem({ doc: 'docs/protocols.md', section: '4', line: 1 }, 'cli/run.ts'), 'docs/protocols.md has no section numbered 4');
    assert.equal(citationProblem({ doc: '../shared/PROTOCOLS.md', line: 1 }, 'README.md'), '../shared/PROTOCOLS.md is not in the repository');
    assert.equal(citationProblem({ doc: '../docs/protocols.md', anchor: 'vqa-accuracy', line: 1 }, 'bench/RESULTS.md'), undefined, 'relative to the citing file');
    assert.deepEqual(findCitations('writes report.md and compare --out diff.md'), []);
  });

  it('slugs headings the way GitHub does', () => {
    assert.equal(githubSlug('Video frame samplers'), 'video-frame-samplers');
    assert.equal(githubSlug('`emu-eval run <task...>`'), 'emu-eval-run-task');
    assert.equal(githubSlug('The run artifact (`runs/<run-id>/`)'), 'the-run-artifact-runsrun-id');
    assert.equal(githubSlug('run.json'), 'runjson');
    assert.deepEqual([...anchorsOf('# A\n```\n# not a heading\n```\n## A\n')], ['a', 'a-1']);
  });
});

// ---- docs/run-artifact.md covers every field of the artifact schemas ----

interface SchemaDefinition {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  valueType?: z.ZodType;
  items?: z.ZodType[];
}

const definitionOf = (schema: z.ZodType) => schema.def as unknown as SchemaDefinition;

/** Objects described once in a section of their own, referenced wherever they occur. */
const SHARED_SCHEMAS = new Map<z.ZodType, string>([[summarySchema, 'Summary']]);

const LEAF_TYPES = new Set(['string', 'number', 'int', 'boolean', 'literal', 'enum', 'unknown', 'any', 'null', 'date', 'bigint']);

/**
 * Field paths as the doc writes them: `a.b` for fields, `a[]` for array elements, `a.*` for map values.
 * Paths inside a shared object are collected, relative to it, under the shared object's section.
 */
function fieldPaths(schema: z.ZodType, section: string, into = new Map<string, Set<string>>(), prefix = ''): Map<string, Set<string>> {
  const add = (name: string, field: string) => {
    if (!into.has(name)) into.set(name, new Set());
    into.get(name)!.add(field);
  };
  const shared = SHARED_SCHEMAS.get(schema);
  if (shared !== undefined && prefix !== '') {
    if (!into.has(shared)) fieldPaths(schema, shared, into);
    return into;
  }
  const definition = definitionOf(schema);
  switch (definition.type) {
    case 'object':
      for (const [key, child] of Object.entries(definition.shape!)) {
        const field = prefix === '' ? key : `${prefix}.${key}`;
        add(section, field);
        fieldPaths(child, section, into, field);
      }
      return into;
    case 'optional':
    case 'nullable':
    case 'default':
    case 'readonly':
      return fieldPaths(definition.innerType!, section, into, prefix);
    case 'array':
      return fieldPaths(definition.element!, section, into, `${prefix}[]`);
    case 'record':
      return fieldPaths(definition.valueType!, section, into, `${prefix}.*`);
    case 'union':
      for (const option of definition.options!) fieldPaths(option, section, into, prefix);
      return into;
    case 'tuple':
      for (const item of definition.items!) fieldPaths(item, section, into, `${prefix}[]`);
      return into;
    default:
      // A new kind of schema node must be taught here, not skipped: its fields would go unchecked.
      if (!LEAF_TYPES.has(definition.type)) throw new Error(`fieldPaths: no rule for zod type '${definition.type}' at ${prefix || '(root)'}`);
      return into;
  }
}

/** The lines under a heading, up to the next heading of any level. */
function sectionOf(markdown: string, heading: string): string | undefined {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => /^#{1,6}\s/.test(line) && line.replace(/^#+\s+/, '').trim() === heading);
  if (start === -1) return undefined;
  const end = lines.findIndex((line, index) => index > start && /^#{1,6}\s/.test(line));
  return lines.slice(start + 1, end === -1 ? undefined : end).join('\n');
}

const codeSpans = (text: string) => new Set([...text.matchAll(/`([^`\n]+)`/g)].map((match) => match[1]!));
/** The first cell of each table row: the field a row describes. */
const tableFields = (text: string) => [...text.matchAll(/^\|\s*`([^`]+)`\s*\|/gm)].map((match) => match[1]!);

describe('docs/run-artifact.md', () => {
  const doc = readFileSync(path.join(root, 'docs/run-artifact.md'), 'utf8');
  const expected = new Map<string, Set<string>>();
  fieldPaths(runRecordSchema, 'run.json', expected);
  fieldPaths(sampleRecordSchema, 'samples.jsonl', expected);
  fieldPaths(metricsRecordSchema, 'metrics.json', expected);
  fieldPaths(suiteManifestSchema, 'suite.json', expected);
  fieldPaths(nightRecordSchema, 'night.json', expected);
  expected.set('leaderboard.csv', new Set(HISTORY_COLUMNS));

  it('walks the schemas into the fields they define', () => {
    assert.ok(expected.get('run.json')!.has('config.video.sampler'));
    assert.ok(expected.get('samples.jsonl')!.has('judge.error'), 'both branches of a union');
    assert.ok(expected.get('metrics.json')!.has('results[].breakdowns.*.*.n'));
    assert.ok(expected.get('metrics.json')!.has('results[].judge.all'));
    assert.ok(!expected.get('metrics.json')!.has('results[].all.value'), 'a shared object is described once');
    assert.ok(expected.get('Summary')!.has('clustered.by'));
  });

  for (const [section, fields] of expected) {
    it(`describes every field of ${section}, and no field the schema lacks`, () => {
      const text = sectionOf(doc, section);
      assert.ok(text !== undefined, `docs/run-artifact.md has no heading "${section}"`);
      const described = codeSpans(text);
      assert.deepEqual([...fields].filter((field) => !described.has(field)), [], `fields of ${section} not described under its heading`);
      assert.deepEqual(tableFields(text).filter((field) => !fields.has(field)), [], `rows under ${section} that name no field of the schema`);
    });
  }
});
