import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freshFolder } from './output.js';
import { Raster } from './raster.js';
import { BACKGROUNDS, SHAPE_COLORS } from './scenes.js';
import { SeededRandom } from './seeded-random.js';

// Hateful Memes: img/<5-digit id>.png and one JSON line per meme in the five phase-2 split files, as
// Facebook distributes them. Each image is a coloured panel with its caption drawn in the bitmap font;
// a meme is "hateful" (label 1) when its caption insults a group, so the label is readable from the text.

const KIND = ['FRIENDS', 'NEIGHBORS', 'DOGS', 'COOKS', 'SINGERS', 'FARMERS'];
const BENIGN = ['ARE GREAT', 'MAKE ME SMILE', 'HELP EACH OTHER', 'WORK HARD'];
const HATEFUL = ['ARE TRASH', 'SHOULD GO AWAY', 'ARE NOT PEOPLE', 'RUIN EVERYTHING'];
const PANEL_COLORS = ['red', 'blue', 'green', 'purple'] as const;

const plans = [
  { file: 'train.jsonl', count: 24 },
  { file: 'dev_seen.jsonl', count: 8 },
  { file: 'test_seen.jsonl', count: 20 },
  { file: 'dev_unseen.jsonl', count: 4 },
  { file: 'test_unseen.jsonl', count: 4 },
];

export async function writeHatefulMemes(folder: string): Promise<Record<string, number>> {
  freshFolder(folder);
  mkdirSync(path.join(folder, 'img'), { recursive: true });
  const counts: Record<string, number> = {};
  const used = new Set<number>();
  for (const plan of plans) {
    const random = new SeededRandom(`hateful-memes/${plan.file}`);
    const lines: string[] = [];
    for (let index = 0; index < plan.count; index++) {
      let id = random.integer(1000, 99999);
      while (used.has(id)) id = random.integer(1000, 99999);
      used.add(id);
      // Both classes in every split (and alternating first), so each split has a defined ROC AUC.
      const label = index < 2 ? index : random.chance(0.4) ? 1 : 0;
      const kind = random.pick(KIND);
      const rest = random.pick(label === 1 ? HATEFUL : BENIGN);
      const raster = new Raster(96, 64, BACKGROUNDS[random.pick(['white', 'gray'] as const)]);
      raster.fillRectangle(4, 4, 88, 34, SHAPE_COLORS[random.pick(PANEL_COLORS)]);
      raster.drawText(kind, Math.round(48 - Raster.textWidth(kind, 1) / 2), 42, 1, [0, 0, 0]);
      raster.drawText(rest, Math.max(0, Math.round(48 - Raster.textWidth(rest, 1) / 2)), 52, 1, [0, 0, 0]);
      const name = `${String(id).padStart(5, '0')}.png`;
      writeFileSync(path.join(folder, 'img', name), await raster.toPng());
      lines.push(JSON.stringify({ id, img: `img/${name}`, label, text: `${kind} ${rest}`.toLowerCase() }));
    }
    writeFileSync(path.join(folder, plan.file), `${lines.join('\n')}\n`);
    counts[plan.file.replace('.jsonl', '')] = plan.count;
  }
  return counts;
}
