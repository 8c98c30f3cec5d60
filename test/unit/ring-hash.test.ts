import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { keyBytes, keyHash32, partitionOf } from '../../src/ring/hash.js';

const powersOfTwo = fc.integer({ min: 0, max: 16 }).map((b) => 2 ** b);

describe('keyBytes', () => {
  it('encodes strings as UTF-8', () => {
    expect([...keyBytes('aé€')]).toEqual([0x61, 0xc3, 0xa9, 0xe2, 0x82, 0xac]);
  });

  it('returns byte arrays unchanged', () => {
    const bytes = new Uint8Array([1, 2, 3]);
    expect(keyBytes(bytes)).toBe(bytes);
  });
});

describe('keyHash32', () => {
  it('matches the xxh32 reference vectors (seed 0)', () => {
    expect(keyHash32(keyBytes(''))).toBe(0x02cc5d05);
    expect(keyHash32(keyBytes('abc'))).toBe(0x32d153ff);
  });

  it('is an unsigned 32-bit integer for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        const h = keyHash32(bytes);
        expect(Number.isInteger(h) && h >= 0 && h <= 0xffffffff).toBe(true);
      }),
    );
  });
});

describe('partitionOf', () => {
  it('is the top log2(q) bits of the hash and lies in 0..q-1', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 32 }), powersOfTwo, (bytes, q) => {
        const p = partitionOf(bytes, q);
        expect(p >= 0 && p < q && Number.isInteger(p)).toBe(true);
        expect(p).toBe(Math.floor(keyHash32(bytes) / (2 ** 32 / q)));
      }),
    );
  });

  it('maps every key to partition 0 when q = 1', () => {
    fc.assert(
      fc.property(fc.uint8Array(), (bytes) => {
        expect(partitionOf(bytes, 1)).toBe(0);
      }),
    );
  });

  it('nests: doubling q splits each partition in two', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 32 }), fc.integer({ min: 0, max: 15 }), (bytes, b) => {
        expect(partitionOf(bytes, 2 ** (b + 1)) >> 1).toBe(partitionOf(bytes, 2 ** b));
      }),
    );
  });

  it('spreads 100k keys over 256 partitions within 30% of the mean', () => {
    const q = 256;
    const counts = new Array<number>(q).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const p = partitionOf(keyBytes(`user:${i}`), q);
      counts[p] = (counts[p] ?? 0) + 1;
    }
    const mean = 100_000 / q;
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(mean * 0.7);
    expect(Math.max(...counts)).toBeLessThanOrEqual(mean * 1.3);
  });

  it('rejects partition counts that are not a power of two in 1..65536', () => {
    const key = keyBytes('k');
    for (const q of [0, 3, 100, -4, 1.5, 131072, Number.NaN]) {
      expect(() => partitionOf(key, q)).toThrow(/power of two/);
    }
  });
});
