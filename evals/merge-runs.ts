import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readSync, readdirSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { differingFields, incompatibilityReasons, sameRecorded, type CompatibilityRules } from '../core/compatibility.js';
import { ConfigError, DataError } from '../core/errors.js';
import { canonicalJson } from '../core/hash.js';
import { computeMetrics } from './compute-metrics.js';
import { configHashOf, planUnits } from './evaluate.js';
import type { EvaluationUnit } from './evaluation-loop.js';
import { answeredBy, type PlannedTask } from './plan.js';
import { defaultRunId } from './run-id.js';
import { inShard } from './shard.js';
import { getPreset } from '../tasks/prompts/presets.js';
import { getTask } from '../tasks/registry.js';
import { SAMPLES_FILE, readRunRecord, writeMetricsRecord, writeRunRecord } from '../artifact/run-directory.js';
import { parseSampleLine } from '../artifact/samples-log.js';
import { SCHEMA_VERSION, type MetricsRecord, type RunConfig, type RunRecord, type TaskRecord } from '../artifact/schema.js';

// `emu-eval merge`: the runs of one evaluation split with --shard i/n across machines become one run
// directory equal to the unsharded run's: samples.jsonl holds every shard's lines (sorted by task,
// shots, trial and sample id) and metrics.json is recomputed from them by the engine's own
// computeMetrics. Shards that do not belong together are refused, naming what differs: a merge that
// silently mixed settings, datasets or overlapping samples would be a corrupted score.

export interface MergeOptions {
  runDirectories: string[];
  outDir: string;
  runId?: string;
  /** Merge even when shards are missing or unfinished: the result is marked interrupted and lists what is missing. */
  allowPartial?: boolean;
  command: string[];
}

export interface MergeResult {
  runDirectory: string;
  record: RunRecord;
  metrics: MetricsRecord;
  shardCount: number;
  missingShards: number[];
  samples: number;
  /** Torn last lines (a shard killed mid-write and never resumed) left out. */
  tornLines: number;
}

interface Shard {
  directory: string;
  record: RunRecord;
  index: number;
  count: number;
}

/** Where one line of one shard's samples.jsonl lies; the lines themselves are copied in the second pass. */
interface LineEntry {
  unit: number;
  sampleId: string;
  shard: number;
  offset: number;
  length: number;
}

const label = (shard: Shard) => `shard ${shard.index}/${shard.count} (${shard.directory})`;

/** Everything in a task record that decides the numbers; the data folder may differ between machines. */
/** What shards must agree on: not the data folder, nor the scoring rule (hashed through the task version and options). */
function taskIdentity(task: TaskRecord): Omit<TaskRecord, 'dataDir' | 'scoringRule' | 'benchmark'> {
  const { dataDir: _dataDir, scoringRule: _scoringRule, benchmark: _benchmark, ...identity } = task;
  return identity;
}

function withoutShard(config: RunConfig): RunConfig {
  const { shard: _shard, ...rest } = config;
  return rest;
}

function readShards(directories: string[]): Shard[] {
  if (directories.length === 0) throw new ConfigError('merge needs the run directories of the shards', true);
  return directories.map((given) => {
    const directory = path.resolve(given);
    const record = readRunRecord(directory);
    if (!record.config.shard) {
      throw new ConfigError(`${directory} is not a shard: it was run without --shard i/n`);
    }
    return { directory, record, index: record.config.shard.index, count: record.config.shard.count };
  });
}

/** What shards of one evaluation share; each rule compares a shard with the first and names both. */
const shardRules: CompatibilityRules<Shard> = {
  'shard count': (first, shard) => (shard.count !== first.count ? `${label(shard)} splits the run into ${shard.count} shards, ${label(first)} into ${first.count}` : undefined),
  kind: (first, shard) => (shard.record.kind !== first.record.kind ? `${label(shard)} is a "${shard.record.kind}" run, ${label(first)} a "${first.record.kind}" run` : undefined),
  // Settings that change how a shard ran but not what it computed (threads, devices, batch size,
  // retries) may differ between machines: compare what the configuration hash covers.
  configuration: (first, shard) => {
    const expected = withoutShard(first.record.config);
    const config = withoutShard(shard.record.config);
    if (configHashOf(config, [], shard.record.kind) === configHashOf(expected, [], shard.record.kind)) return undefined;
    return `${label(shard)} has a different configuration from ${label(first)} (differs in: ${differingFields(expected, config).join(', ')})`;
  },
  'task data': (first, shard) => {
    const ours = first.record.tasks.map(taskIdentity);
    const theirs = shard.record.tasks.map(taskIdentity);
    if (sameRecorded(ours, theirs)) return undefined;
    const fields = ours.flatMap((task, position) => differingFields(task, theirs[position] ?? {}).map((key) => `${task.id}.${key}`));
    if (theirs.length !== ours.length) fields.push('task list');
    return `${label(shard)} evaluated different task data from ${label(first)} (differs in: ${[...new Set(fields)].join(', ')})`;
  },
  model: (first, shard) =>
    shard.record.model.id !== first.record.model.id || shard.record.model.runner !== first.record.model.runner
      ? `${label(shard)} ran model ${shard.record.model.runner}:${shard.record.model.id}, ${label(first)} ${first.record.model.runner}:${first.record.model.id}`
      : undefined,
};

/** Refuses shards of different evaluations; returns the warnings worth keeping (different machines' environments). */
function checkCompatible(shards: Shard[]): string[] {
  const [first] = shards as [Shard, ...Shard[]];
  const problems = shards.slice(1).flatMap((shard) => incompatibilityReasons(shardRules, first, shard));
  if (problems.length > 0) throw new ConfigError(`refusing to merge runs of different evaluations:\n  ${problems.join('\n  ')}`);
  const environments = new Set(shards.map((shard) => canonicalJson({ ...shard.record.environment, gitCommit: undefined })));
  return environments.size > 1 ? ['the shards ran with different emu-eval, Node or package versions; run.json records the first shard\'s'] : [];
}

/** Each of the shards 0..n-1 exactly once; returns the missing ones. */
function checkCoverage(shards: Shard[], allowPartial: boolean): number[] {
  const byIndex = new Map<number, Shard>();
  for (const shard of shards) {
    const earlier = byIndex.get(shard.index);
    if (earlier) throw new ConfigError(`shard ${shard.index}/${shard.count} given twice: ${earlier.directory} and ${shard.directory}`);
    byIndex.set(shard.index, shard);
  }
  const count = shards[0]!.count;
  const missing = Array.from({ length: count }, (_, index) => index).filter((index) => !byIndex.has(index));
  const unfinished = shards.filter((shard) => shard.record.status !== 'finished');
  if (!allowPartial && (missing.length > 0 || unfinished.length > 0)) {
    const reasons = [
      ...(missing.length > 0 ? [`missing shard${missing.length > 1 ? 's' : ''} ${missing.map((index) => `${index}/${count}`).join(', ')}`] : []),
      ...unfinished.map((shard) => `${label(shard)} is ${shard.record.status}: rerun its command to finish it`),
    ];
    throw new ConfigError(`refusing an incomplete merge: ${reasons.join('; ')} (or pass --allow-partial for a partial, resumable run)`);
  }
  return missing;
}

/** Complete lines of a samples.jsonl with their byte positions; a last line without its newline is torn. */
async function* linesOf(file: string): AsyncGenerator<{ offset: number; bytes: Buffer; torn: boolean }> {
  let carry: Buffer = Buffer.alloc(0);
  let carryOffset = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    let buffer = carry.length > 0 ? Buffer.concat([carry, chunk]) : chunk;
    let start = 0;
    for (let newline = buffer.indexOf(0x0a); newline >= 0; newline = buffer.indexOf(0x0a, start)) {
      yield { offset: carryOffset + start, bytes: buffer.subarray(start, newline), torn: false };
      start = newline + 1;
    }
    carryOffset += start;
    buffer = buffer.subarray(start);
    carry = Buffer.from(buffer);
  }
  if (carry.length > 0) yield { offset: carryOffset, bytes: carry, torn: true };
}

async function collectLines(shards: Shard[], units: EvaluationUnit[]): Promise<{ entries: LineEntry[]; torn: number }> {
  const unitIndex = new Map(units.map((unit, index) => [`${unit.task.record.id}\u0000${unit.shots}\u0000${unit.trial}`, index]));
  const owner = new Map<string, number>();
  const entries: LineEntry[] = [];
  let torn = 0;
  for (const [position, shard] of shards.entries()) {
    const file = path.join(shard.directory, SAMPLES_FILE);
    if (!existsSync(file)) continue;
    let lineNumber = 0;
    for await (const line of linesOf(file)) {
      lineNumber += 1;
      if (line.torn) {
        torn += 1;
        continue;
      }
      const text = line.bytes.toString('utf8');
      if (text.trim() === '') continue;
      const record = parseSampleLine(text, file, lineNumber);
      const unit = unitIndex.get(`${record.task}\u0000${record.shots}\u0000${record.trial}`);
      const where = `${record.task} ${record.shots}-shot trial ${record.trial} sample ${record.sampleId}`;
      if (unit === undefined) throw new DataError(`${file}: line ${lineNumber}: ${where} is not part of this run's configuration`, file, `line ${lineNumber}`);
      const key = `${unit}\u0000${record.sampleId}`;
      const earlier = owner.get(key);
      if (earlier !== undefined) {
        const other = shards[earlier]!;
        throw new ConfigError(
          earlier === position
            ? `${file}: line ${lineNumber}: ${where} appears twice in ${label(shard)}`
            : `overlapping shards: ${where} is in both ${label(other)} and ${label(shard)}`,
        );
      }
      if (!inShard(record.sampleId, { index: shard.index, count: shard.count })) {
        throw new ConfigError(`${file}: line ${lineNumber}: ${where} does not belong to shard ${shard.index}/${shard.count} (the shards were not cut by this emu-eval's sample-id hash)`);
      }
      owner.set(key, position);
      entries.push({ unit, sampleId: record.sampleId, shard: position, offset: line.offset, length: line.bytes.length });
    }
  }
  return { entries, torn };
}

/** Copies the lines in order into a new samples.jsonl, one positioned read each: the lines never all sit in memory. */
function writeSortedSamples(file: string, shards: Shard[], entries: LineEntry[]): void {
  const sources = shards.map((shard) => (existsSync(path.join(shard.directory, SAMPLES_FILE)) ? openSync(path.join(shard.directory, SAMPLES_FILE), 'r') : -1));
  const output = openSync(file, 'w');
  try {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = () => {
      if (pendingBytes > 0) writeSync(output, Buffer.concat(pending));
      pending = [];
      pendingBytes = 0;
    };
    for (const entry of entries) {
      const line = Buffer.allocUnsafe(entry.length + 1);
      readSync(sources[entry.shard]!, line, 0, entry.length, entry.offset);
      line[entry.length] = 0x0a;
      pending.push(line);
      pendingBytes += line.length;
      if (pendingBytes >= 1 << 20) flush();
    }
    flush();
  } finally {
    closeSync(output);
    for (const descriptor of sources) if (descriptor >= 0) closeSync(descriptor);
  }
}

export async function mergeRuns(options: MergeOptions): Promise<MergeResult> {
  const shards = readShards(options.runDirectories).sort((a, b) => a.index - b.index);
  const warnings = checkCompatible(shards);
  const missingShards = checkCoverage(shards, options.allowPartial === true);
  const first = shards[0]!.record;
  const config = withoutShard(first.config);
  // The unsharded run's hash (same data folders): rerunning the unsharded command on a partial merge resumes it.
  const configHash = configHashOf(config, first.tasks, first.kind);
  const runId = options.runId ?? defaultRunId(config.tasks, config.model, configHash);
  if (!/^[a-zA-Z0-9._+-]+$/.test(runId)) throw new ConfigError(`--run-id "${runId}": use letters, digits, '.', '_', '+' and '-' only`, true);
  const target = path.resolve(options.outDir, runId);
  if (existsSync(target) && readdirSync(target).length > 0) {
    throw new ConfigError(`${target} already exists; choose another --run-id or --out, or remove it`);
  }

  const planned: PlannedTask[] = first.tasks.map((record) => ({ adapter: answeredBy(getTask(record.id), first.config.answerBy), record }));
  const units = planUnits(planned, config, getPreset(config.protocol), new Map());
  const { entries, torn } = await collectLines(shards, units);
  entries.sort((a, b) => a.unit - b.unit || (a.sampleId < b.sampleId ? -1 : a.sampleId > b.sampleId ? 1 : 0));

  // Built beside the target and renamed into place: a merge that fails half-way leaves no half run.
  mkdirSync(options.outDir, { recursive: true });
  const building = path.resolve(options.outDir, `.${runId}.merging-${process.pid}`);
  rmSync(building, { recursive: true, force: true });
  mkdirSync(building);
  try {
    writeSortedSamples(path.join(building, SAMPLES_FILE), shards, entries);
    const metrics: MetricsRecord = { ...(await computeMetrics(building, units, config)), runId };
    writeMetricsRecord(building, metrics);
    const unfinished = shards.filter((shard) => shard.record.status !== 'finished');
    const partial = missingShards.length > 0 || unfinished.length > 0;
    const now = new Date().toISOString();
    const count = shards[0]!.count;
    const record: RunRecord = {
      schemaVersion: SCHEMA_VERSION,
      id: runId,
      kind: first.kind,
      status: partial ? 'interrupted' : 'finished',
      command: options.command,
      configHash,
      config,
      model: first.model,
      tasks: first.tasks,
      protocol: first.protocol,
      environment: first.environment,
      warnings: [
        ...new Set(shards.flatMap((shard) => shard.record.warnings)),
        ...warnings,
        `merged from ${shards.length} of ${count} shards: ${shards.map((shard) => `${shard.index}/${count} ${shard.directory}`).join(', ')}`,
        ...(missingShards.length > 0 ? [`partial merge: shard(s) ${missingShards.map((index) => `${index}/${count}`).join(', ')} missing; rerun the unsharded command with this --out and --run-id to complete it`] : []),
        ...unfinished.map((shard) => `partial merge: ${label(shard)} was ${shard.record.status}`),
        ...(torn > 0 ? [`${torn} torn last line(s) of killed shards left out`] : []),
      ],
      createdAt: shards.map((shard) => shard.record.createdAt).sort()[0]!,
      updatedAt: now,
      ...(partial ? {} : { finishedAt: now }),
      attempts: 1,
    };
    writeRunRecord(building, record);
    if (existsSync(target)) rmSync(target, { recursive: true });
    renameSync(building, target);
    return { runDirectory: target, record: readRunRecord(target), metrics, shardCount: count, missingShards, samples: entries.length, tornLines: torn };
  } catch (error) {
    rmSync(building, { recursive: true, force: true });
    throw error;
  }
}
