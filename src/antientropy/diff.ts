/**
 * The comparison half of an exchange, as pure functions over trees. Two replicas of a partition walk
 * their trees from the root down, fetching only the children of nodes that differ, so an exchange of
 * trees in sync costs one root comparison and a difference in one segment costs one round trip per
 * level. Then only the keys of the differing segments are listed and compared (differingKeys).
 */

import { latin1 } from '../common/bytes.js';
import { InvalidArgumentError } from '../common/errors.js';
import { assert } from '../ring/assert.js';
import { MerkleTree, type TreeEntry } from './merkle-tree.js';
import { type Digest, sameDigest } from './segment-hash.js';
import { childrenPer, depthOf, type LevelReader, sameShape, type TreeShape } from './tree-shape.js';

export { segmentOf } from './segment-hash.js';

/** One key whose versions differ between the two sides; null means the side lacks the key. */
export interface KeyDifference {
  readonly key: Uint8Array;
  readonly local: Digest | null;
  readonly remote: Digest | null;
}

/**
 * The segments whose hashes differ between two trees of the same shape, ascending, reading one level
 * per step on both sides concurrently (depth + 1 round trips at most). O(depth × fanout × differing).
 */
export async function differingSegments(local: LevelReader, remote: LevelReader): Promise<number[]> {
  assert(sameShape(local.shape, remote.shape), 'an exchange needs trees of the same shape');
  const [localRoot, remoteRoot] = await Promise.all([local.root(), remote.root()]);
  let frontier = sameDigest(localRoot, remoteRoot) ? [] : [0];
  for (let level = 0; level < depthOf(local.shape) && frontier.length > 0; level++) {
    const [a, b] = await Promise.all([local.children(level, frontier), remote.children(level, frontier)]);
    frontier = differingChildren(local.shape, level, frontier, a, b);
  }
  return frontier;
}

/** differingSegments for two local trees, synchronously. */
export function diffTrees(a: MerkleTree, b: MerkleTree): number[] {
  assert(sameShape(a.shape, b.shape), 'an exchange needs trees of the same shape');
  let frontier = sameDigest(a.root(), b.root()) ? [] : [0];
  for (let level = 0; level < depthOf(a.shape) && frontier.length > 0; level++) {
    frontier = differingChildren(a.shape, level, frontier, a.children(level, frontier), b.children(level, frontier));
  }
  return frontier;
}

/**
 * diffTrees over two serialised trees (MerkleTree.serialize), for a one-round-trip exchange that ships
 * all segment hashes (8 bytes each). Throws InvalidArgumentError if either is malformed or the shapes
 * differ. O(segments).
 */
export function diffLeaves(a: Uint8Array, b: Uint8Array): number[] {
  const left = MerkleTree.deserialize(a);
  const right = MerkleTree.deserialize(b);
  if (!sameShape(left.shape, right.shape)) {
    throw new InvalidArgumentError(
      'tree',
      `tree shapes differ: ${left.shape.segments} and ${right.shape.segments} segments`,
    );
  }
  return diffTrees(left, right);
}

/**
 * One step of the walk: given the children hashes of `parents` (at `level`) on both sides, as returned
 * by LevelReader.children, the indexes (at level + 1, ascending) of the children that differ. Throws
 * InvalidArgumentError if either answer has the wrong length (a peer's malformed reply).
 */
export function differingChildren(
  shape: TreeShape,
  level: number,
  parents: readonly number[],
  a: Uint32Array,
  b: Uint32Array,
): number[] {
  const per = childrenPer(shape, level);
  const words = 2 * per * parents.length;
  if (a.length !== words || b.length !== words) {
    throw new InvalidArgumentError(
      'children',
      `expected ${words} words of level ${level + 1}, got ${a.length} and ${b.length}`,
    );
  }
  const out: number[] = [];
  for (let p = 0; p < parents.length; p++) {
    for (let c = 0; c < per; c++) {
      const at = 2 * (p * per + c);
      if (a[at] !== b[at] || a[at + 1] !== b[at + 1]) out.push(parents[p]! * per + c);
    }
  }
  return out;
}

/**
 * The keys of a differing segment to repair: present on one side only or with different digests.
 * Each side lists each key at most once. Local keys first, in local order, then remote-only ones. O(n).
 */
export function differingKeys(local: Iterable<TreeEntry>, remote: Iterable<TreeEntry>): KeyDifference[] {
  const remoteByKey = new Map<string, TreeEntry>();
  for (const entry of remote) remoteByKey.set(keyId(entry.key), entry);
  const out: KeyDifference[] = [];
  for (const { key, digest } of local) {
    const id = keyId(key);
    const other = remoteByKey.get(id);
    remoteByKey.delete(id);
    if (other === undefined) out.push({ key, local: digest, remote: null });
    else if (!sameDigest(digest, other.digest)) out.push({ key, local: digest, remote: other.digest });
  }
  for (const { key, digest } of remoteByKey.values()) out.push({ key, local: null, remote: digest });
  return out;
}

// Latin-1 maps each byte to one code unit, so equal strings mean equal keys.
function keyId(key: Uint8Array): string {
  return latin1(key);
}
