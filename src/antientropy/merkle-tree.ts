/**
 * The anti-entropy tree of one partition replica (Tictac-style). Each segment (leaf) holds the XOR of
 * the terms h(key, versionDigest) of the keys in it, and each interior node the XOR of its children,
 * so a tree depends only on the set of (key, digest) pairs, never on the order they were applied.
 *
 * Because XOR is its own inverse, a write XORs one delta into its leaf and each of its ancestors:
 * O(depth) word operations (3 levels by default), no dirty marking and no recomputation on reads.
 * Hashes are 64-bit, stored as hi/lo pairs of 32-bit words in one Uint32Array per level.
 *
 * Serialised form (format 1): u8 format, u8 log2(segments), u8 log2(fanout), u8 0, then per segment
 * u32 hi, u32 lo, big-endian.
 */

import { InvalidArgumentError } from '../common/errors.js';
import { assert } from '../ring/assert.js';
import {
  type Digest,
  digestHi,
  digestLo,
  keyHash,
  SEGMENTS_MAX,
  sameDigest,
  segmentBits,
  segmentFromHash,
  segmentHash,
  termHi,
  termHiOf,
  termLo,
  termLoOf,
} from './segment-hash.js';
import {
  childrenPer,
  depthOf,
  FANOUT_MAX,
  fanoutBits,
  type LevelReader,
  sameShape,
  type TreeShape,
  treeShape,
} from './tree-shape.js';

const FORMAT_VERSION = 1;
const HEADER_BYTES = 4;

/** One stored key and the digest of its version, as read back from storage. */
export interface TreeEntry {
  readonly key: Uint8Array;
  readonly digest: Digest;
}

/** A mutable, incrementally maintained Merkle tree over (key, version digest) pairs. */
export class MerkleTree implements LevelReader {
  readonly shape: TreeShape;
  // Per level, root first: node i's hash is words 2i (hi) and 2i + 1 (lo).
  readonly #levels: Uint32Array[];
  readonly #segmentBits: number;
  readonly #fanoutBits: number;

  /** An empty tree (every hash 0); a number is a segment count with the default fanout. O(segments). */
  constructor(shape: TreeShape | number = treeShape()) {
    this.shape = typeof shape === 'number' ? treeShape(shape) : shape;
    this.#segmentBits = segmentBits(this.shape.segments);
    this.#fanoutBits = fanoutBits(this.shape.fanout);
    this.#levels = this.shape.widths.map((width) => new Uint32Array(2 * width));
  }

  /** Rebuilds a tree from storage: each key once with its current digest. O(n + segments). */
  static fromEntries(entries: Iterable<TreeEntry>, shape: TreeShape | number = treeShape()): MerkleTree {
    const tree = new MerkleTree(shape);
    const leaves = tree.#leaves();
    for (const { key, digest } of entries) {
      const k1 = segmentHash(key);
      const k2 = keyHash(key);
      const at = 2 * segmentFromHash(k1, tree.#segmentBits);
      leaves[at] = leaves[at]! ^ termHi(k1, k2, digest);
      leaves[at + 1] = leaves[at + 1]! ^ termLo(k1, k2, digest);
    }
    tree.#rebuildInterior();
    return tree;
  }

  /** Reads a tree written by serialize(); throws InvalidArgumentError on a malformed one. O(segments). */
  static deserialize(bytes: Uint8Array): MerkleTree {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    if (bytes.length < HEADER_BYTES || view.getUint8(0) !== FORMAT_VERSION || view.getUint8(3) !== 0) {
      throw new InvalidArgumentError('tree', `not a format ${FORMAT_VERSION} anti-entropy tree`);
    }
    const segments = 2 ** view.getUint8(1);
    const fanout = 2 ** view.getUint8(2);
    if (segments > SEGMENTS_MAX || fanout < 2 || fanout > FANOUT_MAX || bytes.length !== HEADER_BYTES + 8 * segments) {
      throw new InvalidArgumentError('tree', `bad tree shape or length: ${segments} segments, ${bytes.length} bytes`);
    }
    const tree = new MerkleTree(treeShape(segments, fanout));
    const leaves = tree.#leaves();
    for (let word = 0; word < leaves.length; word++) leaves[word] = view.getUint32(HEADER_BYTES + 4 * word);
    tree.#rebuildInterior();
    return tree;
  }

  /** The segment of a key in this tree. O(|key|). */
  segmentOf(key: Uint8Array): number {
    return segmentFromHash(segmentHash(key), this.#segmentBits);
  }

  /**
   * Records that `key` went from version `oldDigest` to `newDigest` (null: absent). The caller must pass
   * the digest the tree last saw for the key, or the tree drifts until the next rebuild. O(|key| + depth).
   */
  update(key: Uint8Array, oldDigest: Digest | null, newDigest: Digest | null): void {
    if (sameDigest(oldDigest, newDigest)) return;
    const k1 = segmentHash(key);
    const k2 = keyHash(key);
    let hi = 0;
    let lo = 0;
    if (oldDigest !== null) {
      hi ^= termHi(k1, k2, oldDigest);
      lo ^= termLo(k1, k2, oldDigest);
    }
    if (newDigest !== null) {
      hi ^= termHi(k1, k2, newDigest);
      lo ^= termLo(k1, k2, newDigest);
    }
    this.#apply(k1, hi, lo);
  }

  /**
   * update() for the write path: the key is key[start..] (a storage key behind a prefix) and its
   * encoded version went from `before` to `after` (null: absent), digested here with versionDigest.
   * Allocates nothing. O(|key| + |before| + |after| + depth).
   */
  updateEncoded(key: Uint8Array, start: number, before: Uint8Array | null, after: Uint8Array | null): void {
    const k1 = segmentHash(key, start, key.length);
    const k2 = keyHash(key, start, key.length);
    let hi = 0;
    let lo = 0;
    if (before !== null) {
      const dh = digestHi(before);
      const dl = digestLo(before);
      hi ^= termHiOf(k1, k2, dh, dl);
      lo ^= termLoOf(k1, k2, dh, dl);
    }
    if (after !== null) {
      const dh = digestHi(after);
      const dl = digestLo(after);
      hi ^= termHiOf(k1, k2, dh, dl);
      lo ^= termLoOf(k1, k2, dh, dl);
    }
    // Equal versions cancel to a zero delta, which changes no word.
    if ((hi | lo) !== 0) this.#apply(k1, hi, lo);
  }

  /** XORs a delta into the segment of segment hash k1 and each of its ancestors. */
  #apply(k1: number, hi: number, lo: number): void {
    let node = segmentFromHash(k1, this.#segmentBits);
    for (let level = this.#levels.length - 1; level >= 0; level--, node >>>= this.#fanoutBits) {
      const words = this.#levels[level]!;
      words[2 * node] = words[2 * node]! ^ hi;
      words[2 * node + 1] = words[2 * node + 1]! ^ lo;
    }
  }

  /** The root hash; equal trees have equal roots (and unequal ones almost surely not). O(1). */
  root(): Digest {
    return this.#node(0, 0);
  }

  /** The root hash as 8 bytes (hi then lo, big-endian), for the wire. O(1). */
  rootBytes(): Uint8Array {
    const out = new Uint8Array(8);
    const view = new DataView(out.buffer);
    view.setUint32(0, this.#levels[0]![0]!);
    view.setUint32(4, this.#levels[0]![1]!);
    return out;
  }

  /** The hash of one segment. O(1). */
  segment(index: number): Digest {
    return this.#node(depthOf(this.shape), index);
  }

  /** A copy of the hashes of one level (0 = root), as hi/lo word pairs. O(width). */
  level(index: number): Uint32Array {
    const words = this.#levels[index];
    assert(words !== undefined, `no level ${index} in a tree of depth ${depthOf(this.shape)}`);
    return words.slice();
  }

  /** See LevelReader.children. O(parents × children per parent). */
  children(level: number, parents: readonly number[]): Uint32Array {
    const per = childrenPer(this.shape, level);
    const below = this.#levels[level + 1]!;
    const out = new Uint32Array(2 * per * parents.length);
    for (let p = 0; p < parents.length; p++) {
      const parent = parents[p]!;
      assert(Number.isInteger(parent) && parent >= 0 && parent < this.shape.widths[level]!, `no node ${parent}`);
      out.set(below.subarray(2 * per * parent, 2 * per * (parent + 1)), 2 * per * p);
    }
    return out;
  }

  /** True when both trees have the same shape and segment hashes. O(segments), O(1) if roots differ. */
  equals(other: MerkleTree): boolean {
    if (!sameShape(this.shape, other.shape) || !sameDigest(this.root(), other.root())) return false;
    const a = this.#leaves();
    const b = other.#leaves();
    for (let word = 0; word < a.length; word++) if (a[word] !== b[word]) return false;
    return true;
  }

  /** An independent copy. O(segments). */
  clone(): MerkleTree {
    const copy = new MerkleTree(this.shape);
    for (const [level, words] of this.#levels.entries()) copy.#levels[level]!.set(words);
    return copy;
  }

  /** The segment hashes and shape in the format above: 4 + 8 × segments bytes. O(segments). */
  serialize(): Uint8Array {
    const leaves = this.#leaves();
    const out = new Uint8Array(HEADER_BYTES + 4 * leaves.length);
    const view = new DataView(out.buffer);
    view.setUint8(0, FORMAT_VERSION);
    view.setUint8(1, this.#segmentBits);
    view.setUint8(2, this.#fanoutBits);
    for (let word = 0; word < leaves.length; word++) view.setUint32(HEADER_BYTES + 4 * word, leaves[word]!);
    return out;
  }

  #leaves(): Uint32Array {
    return this.#levels[this.#levels.length - 1]!;
  }

  #node(level: number, index: number): Digest {
    const words = this.#levels[level]!;
    assert(Number.isInteger(index) && index >= 0 && 2 * index < words.length, `no node ${index} at level ${level}`);
    return { hi: words[2 * index]!, lo: words[2 * index + 1]! };
  }

  // Each interior node becomes the XOR of its children, bottom up. O(segments).
  #rebuildInterior(): void {
    for (let level = this.#levels.length - 2; level >= 0; level--) {
      const words = this.#levels[level]!;
      const below = this.#levels[level + 1]!;
      const per = childrenPer(this.shape, level);
      words.fill(0);
      for (let child = 0; child < below.length / 2; child++) {
        const at = 2 * Math.floor(child / per);
        words[at] = words[at]! ^ below[2 * child]!;
        words[at + 1] = words[at + 1]! ^ below[2 * child + 1]!;
      }
    }
  }
}
