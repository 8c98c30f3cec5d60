import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { latin1 } from '../../src/common/bytes.js';

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
