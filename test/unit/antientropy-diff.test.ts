import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  differingChildren,
  differingKeys,
  differingSegments,
  diffLeaves,
  diffTrees,
  segmentOf,
} from '../../src/antientropy/diff.js';
import { MerkleTree, type TreeEntry } from '../../src/antientropy/merkle-tree.js';
import { type Digest, sameDigest, versionDigest } from '../../src/antientropy/segment-hash.js';
import { type LevelReader, treeShape } from '../../src/antientropy/tree-shape.js';
import { InvalidArgumentError } from '../../src/common/errors.js';
import { keyBytes } from '../../src/ring/hash.js';

const hex = (key: Uint8Array) => Buffer.from(key).toString('hex');
const smallDigest: fc.Arbitrary<Digest> = fc.integer({ min: 0, max: 3 }).map((v) => versionDigest(Uint8Array.of(v)));
const shape = fc
  .record({ segmentBits: fc.integer({ min: 0, max: 10 }), fanoutBits: fc.integer({ min: 1, max: 6 }) })
  .map(({ segmentBits, fanoutBits }) => treeShape(2 ** segmentBits, 2 ** fanoutBits));
/** A key -> digest map, keyed by hex. */
const store = fc
  .uniqueArray(fc.record({ key: fc.uint8Array({ maxLength: 4 }), digest: smallDigest }), {
    selector: (e) => hex(e.key),
    maxLength: 80,
  })
  .map((es) => new Map(es.map((e) => [hex(e.key), e])));
/** Two stores: a shared base, each side then changing, adding or dropping some keys. */
const divergedStores = fc.tuple(store, store, store, fc.array(fc.boolean())).map(([base, onlyA, onlyB, drops]) => {
  const a = new Map([...base, ...onlyA]);
  const b = new Map([...base, ...onlyB]);
  [...base.keys()].forEach((id, i) => {
    if (drops[i] === true) (i % 2 === 0 ? a : b).delete(id);
  });
  return [a, b] as const;
});

/** The segments holding keys whose digests differ between the stores (absent counts as a digest). */
function expectedSegments(a: Map<string, TreeEntry>, b: Map<string, TreeEntry>, segments: number): number[] {
  const out = new Set<number>();
  for (const id of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(id);
    const y = b.get(id);
    if (!sameDigest(x?.digest ?? null, y?.digest ?? null)) out.add(segmentOf((x ?? y)!.key, segments));
  }
  return [...out].sort((p, q) => p - q);
}

/** A reader that answers asynchronously, as across the network, counting round trips. */
function remote(tree: MerkleTree): LevelReader & { calls: number } {
  return {
    shape: tree.shape,
    calls: 0,
    async root() {
      this.calls++;
      return tree.root();
    },
    async children(level, parents) {
      this.calls++;
      return tree.children(level, parents);
    },
  };
}

describe('diffTrees', () => {
  it('reports exactly the segments holding keys whose digests differ', () => {
    fc.assert(
      fc.property(shape, divergedStores, (s, [a, b]) => {
        const got = diffTrees(MerkleTree.fromEntries(a.values(), s), MerkleTree.fromEntries(b.values(), s));
        expect(got).toEqual(expectedSegments(a, b, s.segments));
      }),
    );
  });

  it('reports nothing for equal stores, whatever order they were written in', () => {
    fc.assert(
      fc.property(shape, store, (s, a) => {
        const reversed = [...a.values()].reverse();
        expect(diffTrees(MerkleTree.fromEntries(a.values(), s), MerkleTree.fromEntries(reversed, s))).toEqual([]);
      }),
    );
  });

  it('refuses trees of different shapes', () => {
    expect(() => diffTrees(new MerkleTree(treeShape(64)), new MerkleTree(treeShape(128)))).toThrow(/same shape/);
  });
});

describe('differingSegments', () => {
  it('over asynchronous readers agrees with diffTrees, in at most depth + 1 round trips', async () => {
    await fc.assert(
      fc.asyncProperty(shape, divergedStores, async (s, [a, b]) => {
        const local = MerkleTree.fromEntries(a.values(), s);
        const other = remote(MerkleTree.fromEntries(b.values(), s));
        const got = await differingSegments(local, other);
        expect(got).toEqual(diffTrees(local, MerkleTree.fromEntries(b.values(), s)));
        expect(other.calls).toBeLessThanOrEqual(s.widths.length);
      }),
    );
  });

  it('compares only the roots of trees in sync', async () => {
    const entries = [{ key: keyBytes('a'), digest: versionDigest(keyBytes('1')) }];
    const other = remote(MerkleTree.fromEntries(entries));
    expect(await differingSegments(MerkleTree.fromEntries(entries), other)).toEqual([]);
    expect(other.calls).toBe(1);
  });

  it('rejects a reply of the wrong length', () => {
    const s = treeShape(1024, 32);
    expect(() => differingChildren(s, 1, [3], new Uint32Array(64), new Uint32Array(62))).toThrow(InvalidArgumentError);
    expect(
      differingChildren(
        s,
        1,
        [3],
        new Uint32Array(64),
        Uint32Array.from({ length: 64 }, (_, i) => (i === 5 ? 1 : 0)),
      ),
    ).toEqual([3 * 32 + 2]);
  });
});

describe('diffLeaves', () => {
  it('on serialised trees agrees with diffTrees', () => {
    fc.assert(
      fc.property(shape, divergedStores, (s, [a, b]) => {
        const x = MerkleTree.fromEntries(a.values(), s);
        const y = MerkleTree.fromEntries(b.values(), s);
        expect(diffLeaves(x.serialize(), y.serialize())).toEqual(diffTrees(x, y));
      }),
    );
  });

  it('rejects trees of different shapes or malformed bytes', () => {
    const t64 = new MerkleTree(treeShape(64)).serialize();
    expect(() => diffLeaves(t64, new MerkleTree(treeShape(128)).serialize())).toThrow(InvalidArgumentError);
    expect(() => diffLeaves(t64, new MerkleTree(treeShape(64, 4)).serialize())).toThrow(InvalidArgumentError);
    expect(() => diffLeaves(t64, t64.subarray(1))).toThrow(InvalidArgumentError);
  });
});

describe('differingKeys', () => {
  it('lists exactly the keys missing on one side or with different digests', () => {
    fc.assert(
      fc.property(divergedStores, ([a, b]) => {
        const got = differingKeys(a.values(), b.values());
        const ids = got.map((d) => hex(d.key));
        expect(new Set(ids).size).toBe(ids.length);
        const expected = [...new Set([...a.keys(), ...b.keys()])].filter(
          (id) => !sameDigest(a.get(id)?.digest ?? null, b.get(id)?.digest ?? null),
        );
        expect(ids.sort()).toEqual(expected.sort());
        for (const d of got) {
          expect(d.local).toEqual(a.get(hex(d.key))?.digest ?? null);
          expect(d.remote).toEqual(b.get(hex(d.key))?.digest ?? null);
        }
      }),
    );
  });

  it('drives an exchange to convergence: repairing the listed keys makes the trees equal', () => {
    // A stand-in for the DVV merge: deterministic and commutative, which is all convergence needs.
    const merge = (x: Digest | null, y: Digest | null): Digest =>
      x === null ? y! : y === null || x.hi > y.hi || (x.hi === y.hi && x.lo >= y.lo) ? x : y;
    fc.assert(
      fc.property(shape, divergedStores, (s, [a, b]) => {
        const trees = [MerkleTree.fromEntries(a.values(), s), MerkleTree.fromEntries(b.values(), s)] as const;
        const segments = new Set(diffTrees(trees[0], trees[1]));
        const inSegments = (m: Map<string, TreeEntry>) =>
          [...m.values()].filter((e) => segments.has(segmentOf(e.key, s.segments)));
        for (const { key, local, remote: other } of differingKeys(inSegments(a), inSegments(b))) {
          const merged = merge(local, other);
          trees[0].update(key, local, merged);
          trees[1].update(key, other, merged);
        }
        expect(diffTrees(trees[0], trees[1])).toEqual([]);
        expect(trees[0].equals(trees[1])).toBe(true);
      }),
    );
  });
});
