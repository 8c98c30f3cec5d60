import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { InvalidArgumentError } from '../../src/common/errors.js';
import { decodeContext, encodeContext } from '../../src/versioning/context.js';
import type { VersionVector } from '../../src/versioning/dvv-set.js';
import { EMPTY_DVV_SET, sync, update } from '../../src/versioning/dvv-set.js';

const SECRET = 'cluster-secret-for-tests';
const MAX_CHARS = 16 * 1024;
const KEY = new TextEncoder().encode('user:1');

// Any version vector with positive counters is a context some read could return; ones taken from
// short write histories add the shapes a real cluster produces.
const vvArb: fc.Arbitrary<VersionVector> = fc.oneof(
  fc
    .dictionary(
      fc.oneof(fc.constantFrom('n1.3fa9', 'n2.0', 'n3.1'), fc.string({ unit: 'binary', minLength: 1, maxLength: 10 })),
      fc.oneof(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER })),
      { minKeys: 1, maxKeys: 6 },
    )
    .map((entries) => new Map(Object.entries(entries))),
  fc.array(fc.tuple(fc.nat(2), fc.boolean()), { minLength: 1, maxLength: 12 }).map((steps) => {
    const actors = ['n1.0', 'n2.0', 'n3.0'];
    const replicas = actors.map(() => EMPTY_DVV_SET);
    for (const [r, merge] of steps) {
      const read = merge ? replicas.reduce(sync) : EMPTY_DVV_SET;
      replicas[r] = update(replicas[r]!, read.vv, null, actors[r]!);
    }
    return replicas.reduce(sync).vv;
  }),
);

function sorted(vv: VersionVector): [string, number][] {
  return [...vv].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function expectRejected(fn: () => unknown, limit?: number): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvalidArgumentError);
  const error = caught as InvalidArgumentError;
  expect(error.code).toBe('INVALID_ARGUMENT');
  expect(error.details.field).toBe('context');
  if (limit !== undefined) expect(error.details.limit).toBe(limit);
}

// White-box: signs a hand-made body the way context.ts does, to reach the body parser.
function signed(body: number[]): string {
  const bytes = Buffer.from(body);
  const mac = createHmac('sha256', SECRET)
    .update('ringkv context v1\0', 'latin1')
    .update(Uint8Array.of(KEY.length))
    .update(KEY)
    .update(bytes)
    .digest();
  return Buffer.concat([bytes, mac.subarray(0, 12)]).toString('base64url');
}

describe('client context', () => {
  test('encodes a fixed vector, secret and key to the context earlier builds gave (contexts outlive a build)', () => {
    const vv = new Map([
      ['n1#a1b2', 3],
      ['n2#ffee', 17],
      ['n3#0001', 1],
    ]);
    const key = new TextEncoder().encode('user0000000042');
    const context = 'AQMHbjEjYTFiMgMHbjIjZmZlZREHbjMjMDAwMQGZCJ8nKdCaLOcyRh4';
    expect(encodeContext(vv, 'test-secret-0123456789abcdef', key)).toBe(context);
    expect(sorted(decodeContext(context, 'test-secret-0123456789abcdef', MAX_CHARS, key))).toEqual(sorted(vv));
  });

  test('its MAC is HMAC-SHA256 as createHmac computes it, for secrets of any length and any key', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ minLength: 1, maxLength: 63 }),
          fc.string({ minLength: 64, maxLength: 64, unit: 'grapheme-ascii' }),
          fc.string({ minLength: 65, maxLength: 300 }),
        ),
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        (secret, key) => {
          const context = encodeContext(new Map([['n1.3fa9', 7]]), secret, key);
          const bytes = Buffer.from(context, 'base64url');
          const body = bytes.subarray(0, bytes.length - 12);
          const length = key.length < 128 ? [key.length] : [(key.length % 128) | 128, Math.floor(key.length / 128)];
          const expected = createHmac('sha256', secret)
            .update('ringkv context v1\0', 'latin1')
            .update(Uint8Array.from(length))
            .update(key)
            .update(body)
            .digest()
            .subarray(0, 12);
          expect(bytes.subarray(bytes.length - 12)).toEqual(expected);
          expect(decodeContext(context, secret, MAX_CHARS, key).get('n1.3fa9')).toBe(7);
          // Another secret (the pads are cached per secret) must not verify it.
          expect(() => decodeContext(context, `${secret}x`, MAX_CHARS, key)).toThrow(InvalidArgumentError);
        },
      ),
      { numRuns: 300 },
    );
  });

  test('round trips any version vector', () => {
    fc.assert(
      fc.property(vvArb, (vv) => {
        const context = encodeContext(vv, SECRET, KEY);
        expect(context).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(sorted(decodeContext(context, SECRET, MAX_CHARS, KEY))).toEqual(sorted(vv));
        // Insertion order of the vv does not change the context.
        expect(encodeContext(new Map([...vv].reverse()), SECRET, KEY)).toBe(context);
      }),
      { numRuns: 300 },
    );
  });

  test('the empty vv is the empty string, and back', () => {
    expect(encodeContext(new Map(), SECRET, KEY)).toBe('');
    expect(decodeContext('', SECRET, MAX_CHARS, KEY).size).toBe(0);
    expect(decodeContext('', SECRET, 0, KEY).size).toBe(0);
  });

  test('any flipped byte is rejected', () => {
    fc.assert(
      fc.property(vvArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (vv, at, mask) => {
        const bytes = Buffer.from(encodeContext(vv, SECRET, KEY), 'base64url');
        const i = at % bytes.length;
        bytes[i] = bytes[i]! ^ mask;
        expectRejected(() => decodeContext(bytes.toString('base64url'), SECRET, MAX_CHARS, KEY));
      }),
      { numRuns: 300 },
    );
  });

  test('any changed character is rejected', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    fc.assert(
      fc.property(vvArb, fc.nat(), fc.nat(63), (vv, at, c) => {
        const context = encodeContext(vv, SECRET, KEY);
        const i = at % context.length;
        const replacement = alphabet[c]! === context[i] ? alphabet[(c + 1) % 64]! : alphabet[c]!;
        expectRejected(() =>
          decodeContext(context.slice(0, i) + replacement + context.slice(i + 1), SECRET, MAX_CHARS, KEY),
        );
      }),
      { numRuns: 300 },
    );
  });

  test('a context made with another secret is rejected as forged', () => {
    fc.assert(
      fc.property(vvArb, fc.string({ minLength: 1 }), (vv, other) => {
        fc.pre(other !== SECRET);
        expectRejected(() => decodeContext(encodeContext(vv, other, KEY), SECRET, MAX_CHARS, KEY));
      }),
    );
    expect(() => decodeContext(encodeContext(new Map([['n1.0', 1]]), 'x', KEY), SECRET, MAX_CHARS, KEY)).toThrow(
      /forged, corrupted/,
    );
  });

  test('a truncated context is rejected', () => {
    fc.assert(
      fc.property(vvArb, fc.nat(), (vv, cut) => {
        const context = encodeContext(vv, SECRET, KEY);
        const length = 1 + (cut % (context.length - 1));
        expectRejected(() => decodeContext(context.slice(0, length), SECRET, MAX_CHARS, KEY));
      }),
      { numRuns: 300 },
    );
  });

  test('a context longer than maxChars is rejected naming the limit', () => {
    const context = encodeContext(new Map([['n1.0', 5]]), SECRET, KEY);
    expect(decodeContext(context, SECRET, context.length, KEY).get('n1.0')).toBe(5);
    expectRejected(() => decodeContext(context, SECRET, context.length - 1, KEY), context.length - 1);
    expectRejected(() => decodeContext('A'.repeat(MAX_CHARS + 1), SECRET, MAX_CHARS, KEY), MAX_CHARS);
  });

  test.each([
    ['padding', 'AAAAAAAAAAAAAAAAAAAA=='],
    ['standard base64 characters', 'AAAAAAAAAAAAAAAAAAA+/A'],
    ['whitespace', 'AAAAAAAA AAAAAAAAAAAA'],
    ['non-ASCII', 'AAAAAAAAAAAAAAAAAAAé'],
    ['an impossible length', 'AAAAAAAAAAAAAAAAAAAAA'],
    ['too few bytes for a mac', 'AAAAAAAAAAAAAAAA'],
  ])('a context with %s is rejected', (_name, context) => {
    expectRejected(() => decodeContext(context, SECRET, MAX_CHARS, KEY));
  });

  test('a context whose padding bits are set is rejected', () => {
    const context = encodeContext(new Map([['n1.0', 1]]), SECRET, KEY);
    // 'n1.0' gives a 20-byte payload: the last character carries 4 unused bits.
    expect(context.length % 4).toBe(3);
    const last = context.at(-1)!;
    const tweaked = context.slice(0, -1) + String.fromCharCode(last.charCodeAt(0) + 1);
    expect(Buffer.from(tweaked, 'base64url')).toEqual(Buffer.from(context, 'base64url'));
    expectRejected(() => decodeContext(tweaked, SECRET, MAX_CHARS, KEY));
  });

  test.each([
    ['an unknown format version', [2, 0]],
    ['an overlong varint', [1, 0x81, 0x00, 1, 0x61, 1]],
    ['a truncated varint', [1, 1, 1, 0x61, 0x80]],
    ['a zero counter', [1, 1, 1, 0x61, 0]],
    ['duplicate actors', [1, 2, 1, 0x61, 1, 1, 0x61, 2]],
    ['unsorted actors', [1, 2, 1, 0x62, 1, 1, 0x61, 2]],
    ['an empty actor', [1, 1, 0, 1]],
    ['an actor that is not UTF-8', [1, 1, 1, 0xc0, 1]],
    ['a length past the end', [1, 1, 9, 0x61, 1]],
    ['trailing bytes', [1, 1, 1, 0x61, 1, 7]],
    ['a huge count', [1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]],
  ])('an authentic body with %s is rejected as malformed', (_name, body) => {
    expectRejected(() => decodeContext(signed(body), SECRET, MAX_CHARS, KEY));
    expect(() => decodeContext(signed(body), SECRET, MAX_CHARS, KEY)).toThrow(/malformed context/);
  });

  test('the white-box signer matches encodeContext, so the malformed-body cases reach the parser', () => {
    expect(signed([1, 1, 4, 0x6e, 0x31, 0x2e, 0x30, 3])).toBe(encodeContext(new Map([['n1.0', 3]]), SECRET, KEY));
  });

  test('encoding an empty actor is a programmer error', () => {
    expect(() => encodeContext(new Map([['', 1]]), SECRET, KEY)).toThrow(Error);
  });
});

describe('contexts are bound to their key', () => {
  test('a context read from one key is refused on another', () => {
    const vv = new Map([['n1.0', 4]]);
    const context = encodeContext(vv, SECRET, KEY);
    expect(decodeContext(context, SECRET, MAX_CHARS, KEY).get('n1.0')).toBe(4);
    const other = new TextEncoder().encode('user:2');
    expect(() => decodeContext(context, SECRET, MAX_CHARS, other)).toThrow(/another key/);
  });
});
