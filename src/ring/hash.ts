import xxhash from 'xxhash-wasm';
import { PARTITIONS_MAX } from '../common/limits.js';
import { assert, isPowerOfTwo } from './assert.js';

// Instantiated once at load so every hash below is synchronous on the request path.
const hasher = await xxhash();
const encoder = new TextEncoder();

/** The bytes a key is hashed and stored as: UTF-8 for strings, byte arrays unchanged. */
export function keyBytes(key: string | Uint8Array): Uint8Array {
  return typeof key === 'string' ? encoder.encode(key) : key;
}

/** xxh32 (seed 0) of the key bytes as an unsigned 32-bit integer. */
export function keyHash32(key: Uint8Array): number {
  // `>>> 0` pins the unsigned contract even if the wasm binding ever returns a signed i32.
  return hasher.h32Raw(key, 0) >>> 0;
}

/** The partition of a key: the top log2(q) bits of its hash; q is a power of two in 1..PARTITIONS_MAX. */
export function partitionOf(key: Uint8Array, q: number): number {
  assert(isPowerOfTwo(q, PARTITIONS_MAX), `partition count must be a power of two in 1..${PARTITIONS_MAX}, got ${q}`);
  // A shift by 32 is a shift by 0 in JS, so q = 1 needs its own branch.
  if (q === 1) return 0;
  const bits = 31 - Math.clz32(q);
  return keyHash32(key) >>> (32 - bits);
}
