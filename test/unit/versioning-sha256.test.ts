import { createHash, createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HmacSha256, sha256 } from '../../src/versioning/sha256.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('sha256', () => {
  it('gives the FIPS 180-4 example digests', () => {
    expect(hex(sha256(new Uint8Array(0)))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hex(sha256(Buffer.from('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hex(sha256(Buffer.from('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq')))).toBe(
      '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1',
    );
  });

  it('equals node:crypto on inputs of every length around the block and padding edges', () => {
    for (let n = 0; n <= 200; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      expect(hex(sha256(data))).toBe(createHash('sha256').update(data).digest('hex'));
    }
  });
});

describe('HmacSha256', () => {
  it('equals node:crypto createHmac for random keys (short, block-sized, long) and messages', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 150 }), fc.uint8Array({ maxLength: 300 }), (key, data) => {
        const expected = createHmac('sha256', key).update(data).digest('hex');
        expect(hex(new HmacSha256(key).mac(data))).toBe(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('gives the RFC 4231 test case 2 MAC, and writes a truncated MAC in place', () => {
    const hmac = new HmacSha256(Buffer.from('Jefe'));
    const data = Buffer.from('what do ya want for nothing?');
    expect(hex(hmac.mac(data))).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
    const out = new Uint8Array(16).fill(0xee);
    hmac.macInto(data, out, 2, 12);
    expect(hex(out)).toBe(`eeee${'5bdcc146bf60754e6a042426'}eeee`);
  });

  it('keeps no state between MACs', () => {
    const hmac = new HmacSha256(Buffer.from('k'));
    const first = hex(hmac.mac(Buffer.from('one')));
    hmac.mac(new Uint8Array(500).fill(3));
    expect(hex(hmac.mac(Buffer.from('one')))).toBe(first);
  });
});
