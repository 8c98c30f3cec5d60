/**
 * The simulator's only source of randomness: xoshiro128** over 32-bit integer math, seeded
 * through splitmix32 from a label path. `fork(label)` derives a stream from the path alone, never
 * from draws, so adding draws in one component leaves every other component's stream unchanged.
 */
import type { Random } from '../node/env.js';
import { Fnv64 } from './fnv64.js';

const TWO_32 = 0x1_0000_0000;
const TWO_53 = 2 ** 53;

/** A seeded, forkable random stream implementing the node's `Random`. */
export class SeededRandom implements Random {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  /** The label path this stream was derived from, e.g. "42/network". */
  readonly path: string;

  /** A stream named by `seed`; the same seed always yields the same draws. */
  constructor(seed: number | string) {
    this.path = String(seed);
    const [hi, lo] = new Fnv64().update(this.path).words();
    // Two splitmix32 sequences, one per hash half, so all 64 bits of the label reach the state.
    this.s0 = splitmix32(hi + 0x9e3779b9);
    this.s1 = splitmix32(hi + 2 * 0x9e3779b9);
    this.s2 = splitmix32(lo + 0x9e3779b9);
    this.s3 = splitmix32(lo + 2 * 0x9e3779b9);
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1; // the all-zero state is a fixed point
  }

  /** An independent stream for one component, a pure function of this stream's path and `label`. */
  fork(label: string): SeededRandom {
    return new SeededRandom(`${this.path}/${label}`);
  }

  /** A uniform unsigned 32-bit integer. */
  nextUint32(): number {
    const s0 = this.s0;
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    this.s2 ^= s0;
    this.s3 ^= s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in [0, 1) with 53 bits of precision. */
  next(): number {
    const high = this.nextUint32() >>> 5; // 27 bits
    const low = this.nextUint32() >>> 6; // 26 bits
    return (high * 2 ** 26 + low) / TWO_53;
  }

  /** `bytes` random bytes as lowercase hex. */
  hex(bytes: number): string {
    let out = '';
    let word = 0;
    for (let i = 0; i < bytes; i++) {
      if (i % 4 === 0) word = this.nextUint32();
      out += ((word >>> ((i % 4) * 8)) & 0xff).toString(16).padStart(2, '0');
    }
    return out;
  }

  /** A uniform integer in [min, max] (inclusive); asserts min <= max. */
  int(min: number, max: number): number {
    if (!(Number.isInteger(min) && Number.isInteger(max) && min <= max)) {
      throw new Error(`SeededRandom.int: bad range [${min}, ${max}]`);
    }
    const span = max - min + 1;
    if (span <= TWO_32) return min + Math.floor((this.nextUint32() / TWO_32) * span);
    return min + Math.floor(this.next() * span);
  }

  /** True with probability `p` (no draw when p <= 0, so a disabled fault costs nothing). */
  chance(p: number): boolean {
    if (p <= 0) return false;
    return this.next() < p;
  }

  /** A uniform element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('SeededRandom.pick: empty array');
    return items[this.int(0, items.length - 1)]!;
  }

  /** A shuffled copy (Fisher-Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

function splitmix32(seed: number): number {
  let z = seed | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}
