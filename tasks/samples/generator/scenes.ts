import { Raster, type Rgb } from './raster.js';
import type { SeededRandom } from './seeded-random.js';

// Scenes of flat coloured shapes on a plain background, laid out on a 3×3 grid so that counts,
// colours and left/right relations are unambiguous to a model that can see.

export const SHAPE_KINDS = ['circle', 'square', 'triangle'] as const;
export type ShapeKind = (typeof SHAPE_KINDS)[number];

export const SHAPE_COLORS = {
  red: [214, 39, 40],
  blue: [31, 90, 200],
  green: [44, 160, 44],
  yellow: [245, 210, 30],
  orange: [255, 127, 14],
  purple: [128, 60, 170],
} as const satisfies Record<string, Rgb>;
export type ShapeColor = keyof typeof SHAPE_COLORS;
export const SHAPE_COLOR_NAMES = Object.keys(SHAPE_COLORS) as ShapeColor[];

export const BACKGROUNDS = {
  white: [250, 250, 250],
  gray: [128, 128, 128],
  black: [15, 15, 15],
} as const satisfies Record<string, Rgb>;
export type BackgroundName = keyof typeof BACKGROUNDS;

export interface PlacedShape {
  kind: ShapeKind;
  color: ShapeColor;
  column: number;
  row: number;
}

export interface Scene {
  background: BackgroundName;
  shapes: PlacedShape[];
}

export const GRID_SIZE = 3;

export function randomScene(random: SeededRandom, minimumShapes: number, maximumShapes: number): Scene {
  const cells = random.shuffle(Array.from({ length: GRID_SIZE * GRID_SIZE }, (_, cell) => cell));
  const count = random.integer(minimumShapes, maximumShapes);
  const shapes = cells.slice(0, count).map((cell) => ({
    kind: random.pick(SHAPE_KINDS),
    color: random.pick(SHAPE_COLOR_NAMES),
    column: cell % GRID_SIZE,
    row: Math.floor(cell / GRID_SIZE),
  }));
  return { background: random.pick(Object.keys(BACKGROUNDS) as BackgroundName[]), shapes };
}

export function drawShape(raster: Raster, kind: ShapeKind, centerX: number, centerY: number, size: number, color: Rgb): void {
  if (kind === 'circle') raster.fillCircle(centerX, centerY, size / 2, color);
  else if (kind === 'square') raster.fillRectangle(Math.round(centerX - size / 2), Math.round(centerY - size / 2), size, size, color);
  else raster.fillTriangle(centerX, centerY, size, color);
}

export function renderScene(scene: Scene, imageSize: number): Raster {
  const raster = new Raster(imageSize, imageSize, BACKGROUNDS[scene.background]);
  const cell = imageSize / GRID_SIZE;
  const size = Math.round(cell * 0.7);
  for (const shape of scene.shapes) {
    drawShape(raster, shape.kind, (shape.column + 0.5) * cell, (shape.row + 0.5) * cell, size, SHAPE_COLORS[shape.color]);
  }
  return raster;
}

export function countKind(scene: Scene, kind: ShapeKind): number {
  return scene.shapes.filter((shape) => shape.kind === kind).length;
}

export function plural(kind: ShapeKind): string {
  return `${kind}s`;
}
