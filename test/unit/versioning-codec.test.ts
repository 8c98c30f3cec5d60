import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeDvvSet, encodeDvvSet } from '../../src/versioning/dvv-codec.js';
import type { Actor, DvvSet, VersionVector } from '../../src/versioning/dvv-set.js';
import { EMPTY_DVV_SET, equalDvv, sync, update } from '../../src/versioning/dvv-set.js';

// Histories over three replicas whose actor ids and starting counters vary (odd Unicode, counters
// near varint boundaries and near 2^53), so the codec sees what a long-lived cluster would store.
const actorArb = fc.oneof(
  fc.constantFrom('n1.3fa9', 'n2.0', 'n3.ffff'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
);
const startArb = fc.constantFrom(0, 1, 126, 127, 128, 16_383, 16_384, 2 ** 31, 2 ** 32, 2 ** 53 - 40);
const stepArb = fc.oneof(
  fc.record({
    kind: fc.constant('write' as const),
    replica: fc.nat(2),
    read: fc.nat(),
    value: fc.option(fc.uint8Array({ maxLength: 300 }), { freq: 4 }),
  }),
  fc.record({ kind: fc.constant('sync' as const), from: fc.nat(2), to: fc.nat(2) }),
);

const stateArb: fc.Arbitrary<DvvSet> = fc
  .tuple(fc.uniqueArray(actorArb, { minLength: 3, maxLength: 3 }), startArb, fc.array(stepArb, { maxLength: 25 }))
  .map(([actors, start, steps]) => {
    // A replica that has issued `start` events and holds none of them any more.
    let replicas: DvvSet[] = actors.map((actor) =>
      start === 0 ? EMPTY_DVV_SET : { vv: new Map([[actor, start]]), siblings: [] },
    );
    const seen: VersionVector[] = [new Map()];
    for (const step of steps) {
      if (step.kind === 'write') {
        const context = seen[step.read % seen.length]!;
        replicas[step.replica] = update(replicas[step.replica]!, context, step.value, actors[step.replica]!);
      } else {
        replicas[step.to] = sync(replicas[step.to]!, replicas[step.from]!);
      }
      seen.push(replicas.reduce(sync).vv);
    }
    replicas = [...replicas, replicas.reduce(sync)];
    return replicas[steps.length % replicas.length]!;
  });

function expectCleanError(fn: () => unknown): void {
  expect(fn).toThrow(/^malformed DVV set: /);
}

describe('DVV set codec', () => {
  test('decodeDvvSet(encodeDvvSet(s)) equals s for generated states', () => {
    fc.assert(
      fc.property(stateArb, (s) => {
        const bytes = encodeDvvSet(s);
        const decoded = decodeDvvSet(bytes);
        expect(decoded).toEqual(s);
        expect(equalDvv(decoded, s)).toBe(true);
        expect(encodeDvvSet(decoded)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  test('the format is: version, actor table with counters, siblings with flags', () => {
    const s = update(EMPTY_DVV_SET, new Map(), new Uint8Array([0x78]), 'a');
    expect([...encodeDvvSet(s)]).toEqual([1, 1, 1, 0x61, 1, 1, 0, 1, 0, 1, 0x78]);
    const deleted = update(s, s.vv, null, 'a');
    expect([...encodeDvvSet(deleted)]).toEqual([1, 1, 1, 0x61, 2, 1, 0, 2, 1]);
    expect([...encodeDvvSet(EMPTY_DVV_SET)]).toEqual([1, 0, 0]);
    const big: DvvSet = { vv: new Map([['a', 2 ** 53 - 1]]), siblings: [] };
    expect([...encodeDvvSet(big)]).toEqual([1, 1, 1, 0x61, 255, 255, 255, 255, 255, 255, 255, 15, 0]);
    expect(decodeDvvSet(encodeDvvSet(big))).toEqual(big);
  });

  test('decoding random bytes throws a clean Error or yields a canonical state', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.boolean(), (bytes, prefixed) => {
        // Also start with the right version byte, or nearly every input dies on the first byte.
        const input = prefixed ? new Uint8Array([1, ...bytes]) : bytes;
        let decoded: DvvSet;
        try {
          decoded = decodeDvvSet(input);
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
          expect((error as Error).message).toMatch(/^malformed DVV set: /);
          return;
        }
        expect(encodeDvvSet(decoded)).toEqual(input);
      }),
      { numRuns: 2000 },
    );
  });

  test('every truncation of an encoding, and an encoding with trailing bytes, is rejected', () => {
    fc.assert(
      fc.property(stateArb, fc.nat(), fc.integer({ min: 0, max: 255 }), (s, cut, extra) => {
        const bytes = encodeDvvSet(s);
        expectCleanError(() => decodeDvvSet(bytes.subarray(0, cut % bytes.length)));
        expectCleanError(() => decodeDvvSet(new Uint8Array([...bytes, extra])));
      }),
      { numRuns: 300 },
    );
  });

  test('a corrupted byte is rejected or decodes to a state that re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(stateArb, fc.nat(), fc.integer({ min: 1, max: 255 }), (s, at, mask) => {
        const bytes = encodeDvvSet(s).slice();
        const i = at % bytes.length;
        bytes[i] = bytes[i]! ^ mask;
        try {
          expect(encodeDvvSet(decodeDvvSet(bytes))).toEqual(bytes);
        } catch (error) {
          expect((error as Error).message).toMatch(/^malformed DVV set: /);
        }
      }),
      { numRuns: 500 },
    );
  });

  test.each([
    ['unknown format version', [2, 0, 0]],
    ['empty input', []],
    ['overlong varint', [1, 0x80, 0x00, 0]],
    ['varint beyond 2^53', [1, 1, 1, 0x61, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10, 0]],
    ['varint longer than 8 bytes', [1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]],
    ['zero vv counter', [1, 1, 1, 0x61, 0, 0]],
    ['empty actor', [1, 1, 0, 1, 0]],
    ['invalid UTF-8 actor', [1, 1, 1, 0xff, 1, 0]],
    ['unsorted actors', [1, 2, 1, 0x62, 1, 1, 0x61, 1, 0]],
    ['duplicate actors', [1, 2, 1, 0x61, 1, 1, 0x61, 1, 0]],
    ['sibling actor index out of range', [1, 1, 1, 0x61, 1, 1, 1, 1, 1]],
    ['sibling counter not covered', [1, 1, 1, 0x61, 1, 1, 0, 2, 1]],
    ['zero sibling counter', [1, 1, 1, 0x61, 1, 1, 0, 0, 1]],
    ['duplicate siblings', [1, 1, 1, 0x61, 2, 2, 0, 1, 1, 0, 1, 1]],
    ['unsorted siblings', [1, 1, 1, 0x61, 2, 2, 0, 2, 1, 0, 1, 1]],
    ['unknown sibling flags', [1, 1, 1, 0x61, 1, 1, 0, 1, 2]],
    ['value longer than the input', [1, 1, 1, 0x61, 1, 1, 0, 1, 0, 5, 1]],
    ['huge actor count', [1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]],
    ['huge sibling count', [1, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]],
  ])('rejects %s', (_name, bytes) => {
    expectCleanError(() => decodeDvvSet(new Uint8Array(bytes)));
  });

  test('decoded values do not alias the input buffer', () => {
    const s = update(EMPTY_DVV_SET, new Map(), new Uint8Array([1, 2, 3]), 'n1.0');
    const bytes = encodeDvvSet(s);
    const decoded = decodeDvvSet(bytes);
    bytes.fill(0);
    expect(decoded.siblings[0]!.value).toEqual(new Uint8Array([1, 2, 3]));
  });

  test('encoding a state that breaks the DVV invariants is a programmer error', () => {
    const dot = (actor: Actor, counter: number) => ({ actor, counter });
    const uncovered: DvvSet = { vv: new Map([['a', 1]]), siblings: [{ dot: dot('a', 2), value: null }] };
    const unknownActor: DvvSet = { vv: new Map([['a', 1]]), siblings: [{ dot: dot('b', 1), value: null }] };
    const unsorted: DvvSet = {
      vv: new Map([['a', 2]]),
      siblings: [
        { dot: dot('a', 2), value: null },
        { dot: dot('a', 1), value: null },
      ],
    };
    const loneSurrogate: DvvSet = { vv: new Map([['\uD800', 1]]), siblings: [] };
    for (const bad of [uncovered, unknownActor, unsorted, loneSurrogate]) {
      expect(() => encodeDvvSet(bad)).toThrow(/^encodeDvvSet|^actor /);
    }
  });
});
