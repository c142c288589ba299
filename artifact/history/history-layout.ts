import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { errorMessage } from '../../core/errors.js';
import { NIGHT_FILE, readNightRecord, type NightRecord } from './night-record.js';

// A history folder:
//   DIR/.nightly.lock            while a nightly writes here
//   DIR/leaderboard.csv          one row per night × entry × task × shots, appended each night
//   DIR/<date>-<id>/night.json   what the night ran and how it compared (the history's index)
//   DIR/<date>-<id>/suite.json   the suite run manifest; DIR/<date>-<id>/<entry>/ one run directory per entry
//   DIR/<date>-<id>/report.md, report.html, charts/*.png

export interface StoredNight {
  folder: string;
  record: NightRecord;
}

/** Today as YYYY-MM-DD in local time: a cron at 23:30 files its night under the day it started. */
export function localDate(now = new Date()): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export function newNightId(date: string): string {
  return `${date}-${randomBytes(3).toString('hex')}`;
}

/** Nights in chronological order (date, then start time); unreadable ones are reported, never fatal. */
export function listNights(historyFolder: string): { nights: StoredNight[]; problems: string[] } {
  const nights: StoredNight[] = [];
  const problems: string[] = [];
  if (!existsSync(historyFolder)) return { nights, problems };
  for (const name of readdirSync(historyFolder, { withFileTypes: true })) {
    if (!name.isDirectory() || !existsSync(path.join(historyFolder, name.name, NIGHT_FILE))) continue;
    const folder = path.join(historyFolder, name.name);
    try {
      nights.push({ folder, record: readNightRecord(folder) });
    } catch (error) {
      problems.push(`${folder}: skipped (${errorMessage(error).split('\n')[0]})`);
    }
  }
  return { nights: sortNights(nights), problems };
}

/** Chronological: by date, then start time (two nights on one date, or a backfill). */
export function sortNights(nights: readonly StoredNight[]): StoredNight[] {
  return [...nights].sort((a, b) => a.record.date.localeCompare(b.record.date) || a.record.startedAt.localeCompare(b.record.startedAt));
}

/** Nights of one series: the same model label and suite. */
export function nightsOfSeries(nights: readonly StoredNight[], label: string, suite: string): StoredNight[] {
  return nights.filter((night) => night.record.label === label && night.record.suite.name === suite);
}
