/**
 * The hashes behind anti-entropy trees (Tictac-style: leaves combine by XOR, so a write updates its
 * leaf in O(1)). Three independent functions, all 64-bit-strong where it matters and BigInt-free:
 *
 *   segment   top bits of xxh32(key, SEGMENT_SEED); independent of the partition hash (seed 0), so the
 *             keys of one partition spread evenly over its segments
 *   (xxh32 of keys, and of short versions, is computed in JS by ./xxh32.ts: identical to xxhash-wasm's,
 *   cheaper for short inputs, and it hashes a key in place inside a storage key)
 *   digest    versionDigest(encoded DVV set) = (xxh32(bytes, DIGEST_SEED_HI), xxh32(bytes, DIGEST_SEED_LO))
 *   leaf term h(key, digest) = a non-linear mix of (xxh32(key, SEGMENT_SEED), keyHash(key),
 *             digest.hi, digest.lo) into two 32-bit words; non-linear so that swapping versions between
 *             two keys does not cancel out under XOR
 *
 * The seeds and the mix define the persisted tree format: changing any of them is a format change.
 */

import xxhash from 'xxhash-wasm';
import { assert, isPowerOfTwo } from '../ring/assert.js';
import { xxh32 } from './xxh32.js';

// Instantiated once at load (as in src/ring/hash.ts) so every hash below is synchronous.
const hasher = await xxhash();
// Below this many bytes xxh32 in JS is faster than a call into wasm (measured in Node 20: 40 bytes
// 74 ns in JS, 86 ns in wasm; 130 bytes 241 ns against 169). Both give the same hash.
const WASM_FROM_BYTES = 64;

const SEGMENT_SEED = 0x5345_4731; // "SEG1"
const KEY_SEED = 0x4b45_5931; // "KEY1"
const DIGEST_SEED_HI = 0x4447_5448; // "DGTH"
const DIGEST_SEED_LO = 0x4447_544c; // "DGTL"
const MIX_SEED_HI = 0x4d49_5848; // "MIXH"
const MIX_SEED_LO = 0x4d49_584c; // "MIXL"

/** Default number of segments (leaves) of a tree. */
export const SEGMENTS_DEFAULT = 1024;
/** Most segments a tree may have (8 MiB of leaves). */
export const SEGMENTS_MAX = 1 << 20;

/** A 64-bit hash held as two unsigned 32-bit words, so XOR stays on 32-bit integer ops. */
export interface Digest {
  readonly hi: number;
  readonly lo: number;
}

/** The digest of one stored version of a key: hash the canonical encoding (encodeDvvSet) of its DVV set. */
export function versionDigest(encodedDvvSet: Uint8Array): Digest {
  return { hi: digestHi(encodedDvvSet), lo: digestLo(encodedDvvSet) };
}

/** The high word of versionDigest, without allocating a Digest. */
export function digestHi(encodedDvvSet: Uint8Array): number {
  return h32(encodedDvvSet, DIGEST_SEED_HI);
}

/** The low word of versionDigest, without allocating a Digest. */
export function digestLo(encodedDvvSet: Uint8Array): number {
  return h32(encodedDvvSet, DIGEST_SEED_LO);
}

function h32(bytes: Uint8Array, seed: number): number {
  return bytes.length < WASM_FROM_BYTES ? xxh32(bytes, 0, bytes.length, seed) : hasher.h32Raw(bytes, seed) >>> 0;
}

/** True when two digests (or absences) are the same. */
export function sameDigest(a: Digest | null, b: Digest | null): boolean {
  if (a === null || b === null) return a === b;
  return a.hi === b.hi && a.lo === b.lo;
}

/** log2 of a valid segment count; throws on anything but a power of two in 1..SEGMENTS_MAX. */
export function segmentBits(segments: number): number {
  assert(
    isPowerOfTwo(segments, SEGMENTS_MAX),
    `segment count must be a power of two in 1..${SEGMENTS_MAX}, got ${segments}`,
  );
  return 31 - Math.clz32(segments);
}

/** The segment (0..segments-1) of a key: the top log2(segments) bits of its segment hash. O(|key|). */
export function segmentOf(key: Uint8Array, segments: number = SEGMENTS_DEFAULT): number {
  return segmentFromHash(segmentHash(key), segmentBits(segments));
}

/** First key word: xxh32 with the segment seed; its top bits choose the segment. Hashes key[start..end). */
export function segmentHash(key: Uint8Array, start = 0, end: number = key.length): number {
  return xxh32(key, start, end, SEGMENT_SEED);
}

/**
 * Second key word, from a different hash function than the first (so two keys collide with probability
 * about 2^-64): multiply-rotate rounds over little-endian 32-bit words, in JS because keys are short
 * and this is cheaper than a second xxh32. Hashes key[start..end).
 */
export function keyHash(key: Uint8Array, start = 0, end: number = key.length): number {
  const n = end - start;
  const whole = start + (n & ~3);
  let h = KEY_SEED;
  for (let i = start; i < whole; i += 4) {
    h = round(h, key[i]! | (key[i + 1]! << 8) | (key[i + 2]! << 16) | (key[i + 3]! << 24));
  }
  let tail = 0;
  for (let i = end - 1; i >= whole; i--) tail = (tail << 8) | key[i]!;
  // The tail word goes through a full round too: slightly off MurmurHash3, equally well mixed.
  if (end > whole) h = round(h, tail);
  return finish(h ^ n);
}

/** The segment of a segment hash for a tree of 2^bits segments. */
export function segmentFromHash(hash: number, bits: number): number {
  // A shift by 32 is a shift by 0 in JS, so one segment needs its own branch.
  return bits === 0 ? 0 : hash >>> (32 - bits);
}

/** High word of the leaf term h(key, digest), from the two key words. */
export function termHi(k1: number, k2: number, d: Digest): number {
  return termHiOf(k1, k2, d.hi, d.lo);
}

/** Low word of the leaf term; other seed and word order, so the two words are not trivially related. */
export function termLo(k1: number, k2: number, d: Digest): number {
  return termLoOf(k1, k2, d.hi, d.lo);
}

/** termHi from the digest's two words. */
export function termHiOf(k1: number, k2: number, hi: number, lo: number): number {
  return finish(round(round(round(round(MIX_SEED_HI, k1), k2), hi), lo) ^ 16);
}

/** termLo from the digest's two words. */
export function termLoOf(k1: number, k2: number, hi: number, lo: number): number {
  return finish(round(round(round(round(MIX_SEED_LO, lo), hi), k2), k1) ^ 16);
}

// A multiply-rotate round and an avalanche finaliser (MurmurHash3's constants) over 32-bit words.
function round(h: number, word: number): number {
  let k = Math.imul(word, 0xcc9e2d51);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, 0x1b873593);
  let x = h ^ k;
  x = (x << 13) | (x >>> 19);
  return (Math.imul(x, 5) + 0xe6546b64) | 0;
}

function finish(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}
