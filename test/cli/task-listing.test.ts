import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import yargs from 'yargs';
import type { CommandIO } from '../../cli/io.js';
import { listingFingerprint, readTaskListing, writeTaskListing, type TaskRow } from '../../cli/task-listing.js';
import { taskRows } from '../../cli/task-rows.js';
import { tasksCommand, type ListingLocation } from '../../cli/tasks.js';
import { temporaryFolder } from '../helpers/cli.js';

async function tasksOutput(argv: string[], listing: ListingLocation): Promise<string> {
  let stdout = '';
  const io: CommandIO = { stdout: (text) => void (stdout += text), stderr: () => {}, interactive: false };
  await yargs(argv).option('json', { type: 'boolean', default: false }).command(tasksCommand(io, listing)).strict().parseAsync();
  return stdout;
}

test('the fingerprint changes when a file under the folders is edited, added or removed, and only then', () => {
  const folder = temporaryFolder();
  try {
    mkdirSync(path.join(folder, 'split'));
    const file = path.join(folder, 'split', 'questions.json');
    writeFileSync(file, '[1]');
    const first = listingFingerprint([folder]);
    assert.equal(listingFingerprint([folder]), first);
    utimesSync(file, new Date(2001, 1, 1), new Date(2001, 1, 1));
    const touched = listingFingerprint([folder]);
    assert.notEqual(touched, first);
    writeFileSync(file, '[12]');
    utimesSync(file, new Date(2001, 1, 1), new Date(2001, 1, 1));
    const edited = listingFingerprint([folder]);
    assert.notEqual(edited, touched, 'same time, other size');
    writeFileSync(path.join(folder, 'split', 'answers.json'), '[]');
    const added = listingFingerprint([folder]);
    assert.notEqual(added, edited);
    rmSync(path.join(folder, 'split', 'answers.json'));
    assert.equal(listingFingerprint([folder]), edited);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('a listing is read back only while the files it was made from are unchanged, and never when unreadable', () => {
  const folder = temporaryFolder();
  try {
    const inputs = path.join(folder, 'inputs');
    mkdirSync(inputs);
    writeFileSync(path.join(inputs, 'a.json'), '{}');
    const file = path.join(folder, 'task-listing.json');
    assert.equal(readTaskListing(file, [inputs]), undefined, 'no listing');
    const rows: TaskRow[] = [{ id: 't', version: 1, modality: 'image', metric: 'm', defaultSplit: 'val', description: 'd', data: { source: 'bundled-sample', dir: inputs, found: true }, splits: [{ name: 'val', hasAnswers: true, samples: 3 }] }];
    writeTaskListing(file, [inputs], rows);
    assert.deepEqual(readTaskListing(file, [inputs]), rows);
    writeFileSync(path.join(inputs, 'b.json'), '{}');
    assert.equal(readTaskListing(file, [inputs]), undefined, 'a file added since');
    writeTaskListing(file, [inputs], rows);
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 20));
    assert.equal(readTaskListing(file, [inputs]), undefined, 'truncated');
    writeFileSync(file, JSON.stringify({ fingerprint: listingFingerprint([inputs]) }));
    assert.equal(readTaskListing(file, [inputs]), undefined, 'no rows');
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});

test('tasks prints the same from the build listing as from counting the bundled samples, and counts when it is stale', async () => {
  const folder = temporaryFolder();
  try {
    const inputs = path.join(folder, 'inputs');
    mkdirSync(inputs);
    writeFileSync(path.join(inputs, 'code.js'), '');
    const none: ListingLocation = { file: path.join(folder, 'absent.json'), inputs: () => [inputs] };
    const listing: ListingLocation = { file: path.join(folder, 'task-listing.json'), inputs: () => [inputs] };
    const counted = await taskRows([]);
    assert.ok(counted.every((row) => row.data.found && row.splits.some((split) => (split.samples ?? 0) > 0)));
    writeTaskListing(listing.file, [inputs], counted);
    for (const argv of [['tasks'], ['tasks', '--json']]) assert.equal(await tasksOutput(argv, listing), await tasksOutput(argv, none), argv.join(' '));

    // What is printed comes from the listing while it is fresh (a changed count shows), from counting once stale.
    const changed = counted.map((row, index) => (index === 0 ? { ...row, splits: row.splits.map((split) => ({ ...split, samples: 9999 })) } : row));
    writeTaskListing(listing.file, [inputs], changed);
    assert.match(await tasksOutput(['tasks'], listing), /9999/);
    writeFileSync(path.join(inputs, 'code.js'), '// edited');
    assert.equal(await tasksOutput(['tasks', '--json'], listing), await tasksOutput(['tasks', '--json'], none));
    // --data always counts the folder given.
    writeTaskListing(listing.file, [inputs], changed);
    assert.doesNotMatch(await tasksOutput(['tasks', '--data', path.join(folder, 'empty')], listing), /9999/);
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
});
