/**
 * XXH32 in plain JS over a byte range, for the anti-entropy hook that runs on every replica write.
 *
 * The results are bit-for-bit those of xxhash-wasm's h32Raw (a unit test checks this on random input),
 * so trees keep their format. For short inputs (keys, small versions) it is cheaper than a call into
 * wasm: no copy into wasm memory, no call across the boundary. It also hashes a range of a buffer in
 * place, so the hook needs no subarray of the storage key. Longer versions still go to wasm, which
 * is faster for them (segment-hash.ts).
 */

const P1 = 0x9e3779b1 | 0;
const P2 = 0x85ebca77 | 0;
const P3 = 0xc2b2ae3d | 0;
const P4 = 0x27d4eb2f | 0;
const P5 = 0x165667b1 | 0;

/** xxh32 of bytes[start..end) with a 32-bit seed, as an unsigned 32-bit integer. O(end - start). */
export function xxh32(bytes: Uint8Array, start: number, end: number, seed: number): number {
  let i = start;
  let h: number;
  if (end - start >= 16) {
    let v1 = (seed + P1 + P2) | 0;
    let v2 = (seed + P2) | 0;
    let v3 = seed | 0;
    let v4 = (seed - P1) | 0;
    const last = end - 16;
    for (; i <= last; i += 16) {
      v1 = lane(v1, word(bytes, i));
      v2 = lane(v2, word(bytes, i + 4));
      v3 = lane(v3, word(bytes, i + 8));
      v4 = lane(v4, word(bytes, i + 12));
    }
    h = (rotl(v1, 1) + rotl(v2, 7) + rotl(v3, 12) + rotl(v4, 18)) | 0;
  } else {
    h = (seed + P5) | 0;
  }
  h = (h + (end - start)) | 0;
  for (; i + 4 <= end; i += 4) h = Math.imul(rotl((h + Math.imul(word(bytes, i), P3)) | 0, 17), P4);
  for (; i < end; i++) h = Math.imul(rotl((h + Math.imul(bytes[i]!, P5)) | 0, 11), P1);
  h ^= h >>> 15;
  h = Math.imul(h, P2);
  h ^= h >>> 13;
  h = Math.imul(h, P3);
  h ^= h >>> 16;
  return h >>> 0;
}

function lane(acc: number, input: number): number {
  return Math.imul(rotl((acc + Math.imul(input, P2)) | 0, 13), P1);
}

function word(b: Uint8Array, i: number): number {
  return b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16) | (b[i + 3]! << 24);
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}
