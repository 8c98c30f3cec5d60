/**
 * The shape of an anti-entropy tree: 2^s leaf segments under interior levels of fanout 2^f, and the
 * reader interface an exchange walks, level by level, locally or across the network.
 */

import { assert } from '../ring/assert.js';
import { type Digest, SEGMENTS_DEFAULT, segmentBits } from './segment-hash.js';

/** Default children per interior node: 1024 segments make a 3-level tree (1, 32, 1024). */
export const FANOUT_DEFAULT = 32;
/** Largest fanout a tree may have. */
export const FANOUT_MAX = 1024;

/** Levels are numbered from the root (0) to the segments (depth). */
export interface TreeShape {
  readonly segments: number;
  readonly fanout: number;
  /** Node count of each level, root first; the last is `segments`. */
  readonly widths: readonly number[];
}

/** A value, or a promise of it when the reader is remote. */
export type MaybePromise<T> = T | Promise<T>;

/** What an exchange needs from one side's tree; a MerkleTree is one, an RPC stub can be another. */
export interface LevelReader {
  readonly shape: TreeShape;
  /** The root hash. */
  root(): MaybePromise<Digest>;
  /**
   * The hashes of the children (at level + 1) of `parents` (node indexes at `level`, ascending), parent
   * by parent, as hi/lo word pairs: 2 × parents.length × childrenPer(shape, level) words.
   */
  children(level: number, parents: readonly number[]): MaybePromise<Uint32Array>;
}

/** The shape for a segment count and fanout (powers of two); throws on invalid ones. O(depth). */
export function treeShape(segments: number = SEGMENTS_DEFAULT, fanout: number = FANOUT_DEFAULT): TreeShape {
  segmentBits(segments);
  fanoutBits(fanout);
  const widths = [segments];
  for (let n = segments; n > 1; ) {
    n = Math.max(1, n / fanout);
    widths.push(n);
  }
  return Object.freeze({ segments, fanout, widths: Object.freeze(widths.reverse()) });
}

/** log2 of a valid fanout; throws on anything but a power of two in 2..FANOUT_MAX. */
export function fanoutBits(fanout: number): number {
  const valid = Number.isInteger(fanout) && fanout >= 2 && fanout <= FANOUT_MAX && (fanout & (fanout - 1)) === 0;
  assert(valid, `fanout must be a power of two in 2..${FANOUT_MAX}, got ${fanout}`);
  return 31 - Math.clz32(fanout);
}

/** The index of the segment level (0 when the root is the only segment). */
export function depthOf(shape: TreeShape): number {
  return shape.widths.length - 1;
}

/** Children of each node at `level` (the top level may have fewer than the fanout). */
export function childrenPer(shape: TreeShape, level: number): number {
  assert(Number.isInteger(level) && level >= 0 && level < depthOf(shape), `no level ${level} with children`);
  return shape.widths[level + 1]! / shape.widths[level]!;
}

/** True when two shapes have the same segments and fanout, so their trees can be compared. */
export function sameShape(a: TreeShape, b: TreeShape): boolean {
  return a.segments === b.segments && a.fanout === b.fanout;
}
