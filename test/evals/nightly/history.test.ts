import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { ConfigError, DataError } from '../../../core/errors.js';
import { appendHistoryCsv, HISTORY_COLUMNS, HISTORY_CSV_FILE } from '../../../artifact/history/history-csv.js';
import { listNights, type StoredNight } from '../../../artifact/history/history-layout.js';
import { acquireHistoryLock, HISTORY_LOCK_FILE } from '../../../artifact/history/history-lock.js';
import { findBaselineNight } from '../../../evals/nightly/last-successful.js';
import { NIGHT_RECORD_VERSION, readNightRecord, writeNightRecord, type NightRecord } from '../../../artifact/history/night-record.js';
import { runNightly } from '../../../evals/nightly/run-nightly.js';
import { buildTrends } from '../../../artifact/history/trend.js';
import { parseSuite } from '../../../evals/suites/load-suite.js';
import { temporaryFolder, writeGoldPredictions } from '../../helpers/cli.js';

function night(id: string, overrides: Partial<NightRecord> = {}): NightRecord {
  return {
    schemaVersion: NIGHT_RECORD_VERSION,
    id,
    date: id.slice(0, 10),
    label: 'emu2-dev',
    model: 'onnx:/ckpt',
    suite: { name: 'nightly', hash: 'h' },
    status: 'finished',
    pid: 1,
    startedAt: `${id.slice(0, 10)}T23:00:00.000Z`,
    settings: { threshold: 1, alpha: 0.05 },
    results: [{ entry: 'vqa', task: 'vqav2', shots: 0, metric: 'vqa_accuracy', split: 'val', protocol: 'emu2', score: 50, ci95: [45, 55], n: 400, trials: 1 }],
    comparisons: [],
    regressions: 0,
    ...overrides,
  };
}

const stored = (record: NightRecord): StoredNight => ({ folder: `/history/${record.id}`, record });

describe('baseline night', () => {
  const nights = [
    stored(night('2024-05-01-aaaaaa')),
    stored(night('2024-05-02-bbbbbb', { regressions: 1 })),
    stored(night('2024-05-03-cccccc', { status: 'failed', error: 'boom' })),
    stored(night('2024-05-03-dddddd', { status: 'running' })),
    stored(night('2024-05-03-eeeeee', { label: 'other-model' })),
    stored(night('2024-05-03-ffffff', { suite: { name: 'emu2-paper', hash: 'x' } })),
  ];
  const find = (date: string, policy: 'last-finished' | 'last-passing' = 'last-finished') => findBaselineNight(nights, { label: 'emu2-dev', suite: 'nightly', date, policy })?.record.id;

  it('is the last finished night of the same label and suite; failed and running nights never are', () => {
    assert.equal(find('2024-05-04'), '2024-05-02-bbbbbb');
    assert.equal(find('2024-05-04', 'last-passing'), '2024-05-01-aaaaaa');
    // A backfill compares with what came before its date.
    assert.equal(find('2024-05-01'), '2024-05-01-aaaaaa');
    assert.equal(find('2024-04-30'), undefined);
  });

  it('the trend has one column per finished night and lists the unfinished ones', () => {
    const [trend, ...others] = buildTrends(nights, { label: 'emu2-dev', suite: 'nightly' });
    assert.equal(others.length, 0);
    assert.deepEqual(trend!.nights.map((entry) => entry.id), ['2024-05-01-aaaaaa', '2024-05-02-bbbbbb']);
    assert.deepEqual(trend!.unfinished.map((entry) => entry.status), ['failed', 'running']);
    assert.equal(trend!.series[0]!.points.length, 2);
    assert.equal(buildTrends(nights).length, 3);
  });
});

describe('history folder', () => {
  it('appends CSV rows under a fixed header and refuses a file with other columns', () => {
    const folder = temporaryFolder('emu-eval-history-');
    appendHistoryCsv(folder, night('2024-05-01-aaaaaa'));
    appendHistoryCsv(
      folder,
      night('2024-05-02-bbbbbb', {
        baseline: { id: '2024-05-01-aaaaaa', date: '2024-05-01' },
        comparisons: [{ entry: 'vqa', task: 'vqav2', shots: 0, status: 'regressed', delta: -5.25, ci95: [-7, -3.5], pValue: 0.00001234567, test: 'mcnemar-exact', n: 400, reasons: [] }],
        regressions: 1,
      }),
    );
    const lines = readFileSync(path.join(folder, HISTORY_CSV_FILE), 'utf8').split('\r\n');
    assert.equal(lines[0], HISTORY_COLUMNS.join(','));
    assert.match(lines[1]!, /^2024-05-01,2024-05-01-aaaaaa,emu2-dev,onnx:\/ckpt,nightly,vqa,vqav2,val,0,emu2,vqa_accuracy,50,45,55,400,1,,,,,,,no-baseline$/);
    assert.match(lines[2]!, /,2024-05-01-aaaaaa,-5.25,-7,-3.5,0.00001235,mcnemar-exact,regressed$/);
    writeFileSync(path.join(folder, HISTORY_CSV_FILE), 'date,score\r\n');
    assert.throws(() => appendHistoryCsv(folder, night('2024-05-03-cccccc')), (error: unknown) => error instanceof DataError && /move it aside/.test(error.message));
  });

  it('lists nights in date order and reports unreadable night.json files instead of failing', () => {
    const folder = temporaryFolder('emu-eval-history-');
    for (const id of ['2024-05-02-bbbbbb', '2024-05-01-aaaaaa']) {
      mkdirSync(path.join(folder, id));
      writeNightRecord(path.join(folder, id), night(id));
    }
    mkdirSync(path.join(folder, '2024-05-03-cccccc'));
    writeFileSync(path.join(folder, '2024-05-03-cccccc', 'night.json'), '{"schemaVersion": 1}');
    const { nights, problems } = listNights(folder);
    assert.deepEqual(nights.map((entry) => entry.record.id), ['2024-05-01-aaaaaa', '2024-05-02-bbbbbb']);
    assert.equal(problems.length, 1);
    assert.match(problems[0]!, /2024-05-03-cccccc: skipped .*invalid content/);
  });

  it('lock: one owner at a time; a live owner is refused, a dead one taken over', async () => {
    const folder = temporaryFolder('emu-eval-history-');
    const lock = acquireHistoryLock(folder);
    assert.equal(readFileSync(path.join(folder, HISTORY_LOCK_FILE), 'utf8').trim(), String(process.pid));
    lock.release();
    assert.equal(existsSync(path.join(folder, HISTORY_LOCK_FILE)), false);

    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    writeFileSync(path.join(folder, HISTORY_LOCK_FILE), `${other.pid}\n`);
    assert.throws(() => acquireHistoryLock(folder), (error: unknown) => error instanceof ConfigError && error.message.includes(`pid ${other.pid}`));
    other.kill();
    await new Promise((resolve) => other.once('exit', resolve));
    const taken = acquireHistoryLock(folder);
    assert.equal(taken.tookOverFrom, other.pid);
    taken.release();
  });

  it('a night left running by a killed process is closed as failed by the next nightly, which does not use it as baseline', async () => {
    const folder = temporaryFolder('emu-eval-history-');
    const history = path.join(folder, 'history');
    mkdirSync(path.join(history, '2024-05-01-aaaaaa'), { recursive: true });
    writeNightRecord(path.join(history, '2024-05-01-aaaaaa'), night('2024-05-01-aaaaaa', { status: 'running', pid: 999_999_999, label: 'replay', suite: { name: 'one', hash: 'h' } }));
    const predictions = path.join(folder, 'gqa.json');
    await writeGoldPredictions('gqa', predictions);
    const suite = parseSuite('name: one\ndescription: d\nentries:\n  - name: gqa\n    tasks: [gqa]\n    protocol: emu2\n    limit: 10\n', path.join(folder, 'one.yaml'));
    const notices: string[] = [];
    const result = await runNightly({
      historyFolder: history,
      suite,
      entries: suite.entries,
      label: 'replay',
      date: '2024-05-02',
      baselinePolicy: 'last-finished',
      compare: {},
      shared: { model: `replay:${predictions}`, normalize: 'official', command: [] },
      notify: (_level, message) => notices.push(message),
    });
    assert.equal(result.night.record.status, 'finished');
    assert.equal(result.night.record.baseline, undefined);
    assert.equal(result.night.record.results[0]!.score, 100);
    assert.equal(readNightRecord(path.join(history, '2024-05-01-aaaaaa')).status, 'failed');
    assert.ok(notices.some((notice) => /marked failed — ended without finishing \(process 999999999 is gone\)/.test(notice)));
    assert.equal(existsSync(path.join(history, HISTORY_LOCK_FILE)), false);
  });
});
