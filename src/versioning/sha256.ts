/**
 * SHA-256 (FIPS 180-4) and HMAC-SHA256 (RFC 2104) in JavaScript, for the context MAC: a few dozen
 * bytes signed or checked on every client write. node:crypto's createHmac costs several
 * microseconds per call under load (a native object per MAC, the digest looked up by name, the
 * key schedule redone); here the two padded-key blocks are compressed once per key, and a MAC of a
 * short input is two or three compressions with no allocation. Bit-identical to node:crypto:
 * test/unit/versioning-sha256.test.ts compares them on random keys and inputs.
 */

const BLOCK_BYTES = 64;
const DIGEST_BYTES = 32;

/** The first `count` primes. */
function primes(count: number): number[] {
  const out: number[] = [];
  for (let n = 2; out.length < count; n++) if (out.every((p) => n % p !== 0)) out.push(n);
  return out;
}

/** The first 32 bits of the fractional part of x, as an int32. */
function fractionBits(x: number): number {
  return ((x - Math.floor(x)) * 2 ** 32) | 0;
}

// FIPS 180-4 §4.2.2 and §5.3.3: the round constants are the fractional parts of the cube roots of
// the first 64 primes, the initial hash those of the square roots of the first 8. Computed rather
// than transcribed; a double carries about 50 fractional bits here, and the tests pin the digests.
const PRIMES = primes(64);
const K = Int32Array.from(PRIMES, (p) => fractionBits(Math.cbrt(p)));
const INITIAL = Int32Array.from(PRIMES.slice(0, 8), (p) => fractionBits(Math.sqrt(p)));

const schedule = new Int32Array(64);
const tail = new Uint8Array(2 * BLOCK_BYTES);

/** Folds one 64-byte block at `offset` of `bytes` into `state`. */
function compress(state: Int32Array, bytes: Uint8Array, offset: number): void {
  const w = schedule;
  for (let t = 0; t < 16; t++) {
    const i = offset + 4 * t;
    w[t] = (bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!;
  }
  for (let t = 16; t < 64; t++) {
    const x = w[t - 15]!;
    const y = w[t - 2]!;
    const s0 = ((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3);
    const s1 = ((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10);
    w[t] = (w[t - 16]! + s0 + w[t - 7]! + s1) | 0;
  }
  let a = state[0]!;
  let b = state[1]!;
  let c = state[2]!;
  let d = state[3]!;
  let e = state[4]!;
  let f = state[5]!;
  let g = state[6]!;
  let h = state[7]!;
  for (let t = 0; t < 64; t++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const choice = (e & f) ^ (~e & g);
    const t1 = (h + s1 + choice + K[t]! + w[t]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const majority = (a & b) ^ (a & c) ^ (b & c);
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + s0 + majority) | 0;
  }
  state[0] = (state[0]! + a) | 0;
  state[1] = (state[1]! + b) | 0;
  state[2] = (state[2]! + c) | 0;
  state[3] = (state[3]! + d) | 0;
  state[4] = (state[4]! + e) | 0;
  state[5] = (state[5]! + f) | 0;
  state[6] = (state[6]! + g) | 0;
  state[7] = (state[7]! + h) | 0;
}

/**
 * Finishes a hash whose first `prefixBytes` (a multiple of 64) are already folded into `state`:
 * folds `data`, pads, and writes the digest into `out` at `at`. `state` is overwritten.
 */
function finish(state: Int32Array, prefixBytes: number, data: Uint8Array, out: Uint8Array, at: number): void {
  const whole = data.length - (data.length % BLOCK_BYTES);
  for (let offset = 0; offset < whole; offset += BLOCK_BYTES) compress(state, data, offset);
  const rest = data.length - whole;
  tail.fill(0);
  tail.set(data.subarray(whole), 0);
  tail[rest] = 0x80;
  const blocks = rest + 9 <= BLOCK_BYTES ? 1 : 2;
  const end = blocks * BLOCK_BYTES;
  // The message length in bits, big-endian in the last 8 bytes (2^53 bits is far beyond any input).
  const bits = (prefixBytes + data.length) * 8;
  const high = Math.floor(bits / 2 ** 32);
  const low = bits >>> 0;
  tail[end - 8] = high >>> 24;
  tail[end - 7] = (high >>> 16) & 0xff;
  tail[end - 6] = (high >>> 8) & 0xff;
  tail[end - 5] = high & 0xff;
  tail[end - 4] = low >>> 24;
  tail[end - 3] = (low >>> 16) & 0xff;
  tail[end - 2] = (low >>> 8) & 0xff;
  tail[end - 1] = low & 0xff;
  for (let offset = 0; offset < end; offset += BLOCK_BYTES) compress(state, tail, offset);
  for (let i = 0; i < 8; i++) {
    const v = state[i]!;
    out[at + 4 * i] = v >>> 24;
    out[at + 4 * i + 1] = (v >>> 16) & 0xff;
    out[at + 4 * i + 2] = (v >>> 8) & 0xff;
    out[at + 4 * i + 3] = v & 0xff;
  }
}

/** SHA-256 of `data`. */
export function sha256(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(DIGEST_BYTES);
  finish(INITIAL.slice(), 0, data, out, 0);
  return out;
}

/** An HMAC-SHA256 key, its inner and outer padded blocks already compressed. */
export class HmacSha256 {
  private readonly inner = new Int32Array(8);
  private readonly outer = new Int32Array(8);
  private readonly working = new Int32Array(8);
  private readonly innerDigest = new Uint8Array(DIGEST_BYTES);
  private readonly outerDigest = new Uint8Array(DIGEST_BYTES);

  constructor(key: Uint8Array) {
    const block = new Uint8Array(BLOCK_BYTES);
    block.set(key.length > BLOCK_BYTES ? sha256(key) : key);
    const pad = new Uint8Array(BLOCK_BYTES);
    this.inner.set(INITIAL);
    for (let i = 0; i < BLOCK_BYTES; i++) pad[i] = block[i]! ^ 0x36;
    compress(this.inner, pad, 0);
    this.outer.set(INITIAL);
    for (let i = 0; i < BLOCK_BYTES; i++) pad[i] = block[i]! ^ 0x5c;
    compress(this.outer, pad, 0);
  }

  /** Writes the first `bytes` bytes (at most 32) of the MAC of `data` into `out` at `at`. */
  macInto(data: Uint8Array, out: Uint8Array, at: number, bytes = DIGEST_BYTES): void {
    this.working.set(this.inner);
    finish(this.working, BLOCK_BYTES, data, this.innerDigest, 0);
    this.working.set(this.outer);
    finish(this.working, BLOCK_BYTES, this.innerDigest, this.outerDigest, 0);
    for (let i = 0; i < bytes; i++) out[at + i] = this.outerDigest[i]!;
  }

  /** The MAC of `data`, all 32 bytes. */
  mac(data: Uint8Array): Uint8Array {
    const out = new Uint8Array(DIGEST_BYTES);
    this.macInto(data, out, 0);
    return out;
  }
}
