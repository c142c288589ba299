import { Raster, type Rgb } from '../generator/raster.js';
import { drawShape, SHAPE_COLOR_NAMES, SHAPE_COLORS, SHAPE_KINDS, type ShapeColor, type ShapeKind } from '../generator/scenes.js';
import type { SeededRandom } from '../generator/seeded-random.js';

// A tiny synthetic "clip": one coloured shape moving across a plain background that may change
// colour halfway, a few still shapes beside it, and the frame number in a corner. Every answer
// (colour, shape, direction, count, what changed) is visible in frames any sampler picks.

export const VIDEO_BACKGROUNDS = {
  white: [245, 245, 245],
  black: [20, 20, 20],
  gray: [128, 128, 128],
  pink: [250, 170, 200],
  brown: [120, 75, 40],
} as const satisfies Record<string, Rgb>;
export type VideoBackground = keyof typeof VIDEO_BACKGROUNDS;

export const DIRECTIONS = ['left', 'right', 'up', 'down'] as const;
export type Direction = (typeof DIRECTIONS)[number];

export interface StillShape {
  kind: ShapeKind;
  color: ShapeColor;
  /** Position as fractions of the frame size. */
  x: number;
  y: number;
}

export interface VideoScene {
  size: number;
  frameCount: number;
  background: VideoBackground;
  /** The background from the middle frame on, when it changes. */
  laterBackground?: VideoBackground;
  mover: { kind: ShapeKind; color: ShapeColor; direction: Direction };
  stills: StillShape[];
}

export function randomVideoScene(random: SeededRandom, options: { size: number; frameCount: number }): VideoScene {
  const backgrounds = Object.keys(VIDEO_BACKGROUNDS) as VideoBackground[];
  const background = random.pick(backgrounds);
  const laterBackground = random.chance(0.5) ? random.pick(backgrounds.filter((name) => name !== background)) : undefined;
  const mover = { kind: random.pick(SHAPE_KINDS), color: random.pick(SHAPE_COLOR_NAMES), direction: random.pick(DIRECTIONS) };
  // Still shapes sit in the corners the mover's path avoids, so shapes never overlap.
  const horizontal = mover.direction === 'left' || mover.direction === 'right';
  const spots = horizontal ? [[0.2, 0.18], [0.8, 0.18]] : [[0.18, 0.2], [0.18, 0.8]];
  const stills = random
    .shuffle(spots)
    .slice(0, random.integer(0, 2))
    .map(([x, y]) => ({ kind: random.pick(SHAPE_KINDS.filter((kind) => kind !== mover.kind)), color: random.pick(SHAPE_COLOR_NAMES), x: x!, y: y! }));
  return { size: options.size, frameCount: options.frameCount, background, laterBackground, mover, stills };
}

export function backgroundAt(scene: VideoScene, frame: number): VideoBackground {
  return scene.laterBackground && frame >= scene.frameCount / 2 ? scene.laterBackground : scene.background;
}

export function renderVideoFrame(scene: VideoScene, frame: number): Raster {
  const { size } = scene;
  const raster = new Raster(size, size, VIDEO_BACKGROUNDS[backgroundAt(scene, frame)]);
  const shapeSize = Math.round(size * 0.22);
  for (const still of scene.stills) drawShape(raster, still.kind, still.x * size, still.y * size, shapeSize, SHAPE_COLORS[still.color]);
  const progress = scene.frameCount > 1 ? frame / (scene.frameCount - 1) : 0;
  const travel = 0.2 + 0.6 * progress;
  const [x, y] = {
    right: [travel, 0.55],
    left: [1 - travel, 0.55],
    down: [0.55, travel],
    up: [0.55, 1 - travel],
  }[scene.mover.direction];
  drawShape(raster, scene.mover.kind, x * size, y * size, Math.round(size * 0.3), SHAPE_COLORS[scene.mover.color]);
  // A visible frame counter, bottom right, so a person checking sampled frames can read the position.
  const label = String(frame);
  const counterColor: Rgb = backgroundAt(scene, frame) === 'white' || backgroundAt(scene, frame) === 'pink' ? [0, 0, 0] : [255, 255, 255];
  raster.drawText(label, size - Raster.textWidth(label, 1) - 2, size - Raster.textHeight(1) - 2, 1, counterColor);
  return raster;
}

export function renderVideoFrames(scene: VideoScene): Raster[] {
  return Array.from({ length: scene.frameCount }, (_, frame) => renderVideoFrame(scene, frame));
}
