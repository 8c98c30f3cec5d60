import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { latin1, sameBytes } from '../../src/common/bytes.js';

const reference = (b: Uint8Array) => Buffer.from(b).toString('latin1');

describe('latin1', () => {
  it('gives one character per byte, as Buffer does, for arrays, Buffers and views of any length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 6000 }), fc.nat(8), (bytes, cut) => {
        expect(latin1(bytes)).toBe(reference(bytes));
        const view = bytes.subarray(Math.min(cut, bytes.length));
        expect(latin1(view)).toBe(reference(view));
        expect(latin1(Buffer.from(bytes))).toBe(reference(bytes));
      }),
      { numRuns: 200 },
    );
  });

  it('keeps distinct byte strings distinct', () => {
    expect(latin1(Uint8Array.of(0, 255))).not.toBe(latin1(Uint8Array.of(0, 254)));
    expect(latin1(new Uint8Array(0))).toBe('');
  });
});

describe('sameBytes', () => {
  it('agrees with Buffer.equals on arrays, Buffers and views', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }), (a, b) => {
        expect(sameBytes(a, b)).toBe(Buffer.from(a).equals(Buffer.from(b)));
        expect(sameBytes(a, Buffer.from(a))).toBe(true);
        expect(sameBytes(Uint8Array.of(9, ...a).subarray(1), a)).toBe(true);
      }),
      { numRuns: 200 },
    );
    expect(sameBytes(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(false);
    expect(sameBytes(Uint8Array.of(1), Uint8Array.of(1, 0))).toBe(false);
  });
});
