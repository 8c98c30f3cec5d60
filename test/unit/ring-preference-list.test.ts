import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { claimJoin, claimLeave } from '../../src/ring/claim.js';
import { keyBytes, partitionOf } from '../../src/ring/hash.js';
import { preferenceList, preferenceListForKey } from '../../src/ring/preference-list.js';
import { createRing, type Member, type Ring } from '../../src/ring/ring.js';

function members(s: number): Member[] {
  return Array.from({ length: s }, (_, i) => ({ id: `node-${i}`, address: `10.0.0.${i}:7000` }));
}

// A ring that went through joins and leaves, so owners are not just the initial striping.
const rings = fc
  .record({
    q: fc.constantFrom(16, 64, 256),
    n: fc.integer({ min: 1, max: 7 }),
    s: fc.integer({ min: 1, max: 12 }),
    join: fc.boolean(),
    leave: fc.nat(),
  })
  .map(({ q, n, s, join, leave }): Ring => {
    const base = createRing({ cluster: 'c', q, n, members: members(s) });
    if (join) {
      const joined = [...base.members, { id: 'node-new', address: '10.0.1.1:7000' }];
      return { ...base, members: joined, owners: claimJoin(base.owners, 'node-new') };
    }
    if (s > 1) {
      const gone = base.members[leave % s]!.id;
      return {
        ...base,
        members: base.members.filter((m) => m.id !== gone),
        owners: claimLeave(base.owners, gone),
      };
    }
    return base;
  });

// The definition, written as plainly as possible to check the cached implementation against.
function naiveOrder(ring: Ring, partition: number): string[] {
  const order: string[] = [];
  for (let i = 0; i < ring.q; i++) {
    const owner = ring.owners[(partition + i) % ring.q]!;
    if (!order.includes(owner)) order.push(owner);
  }
  return order;
}

describe('preferenceList', () => {
  it('has min(N, S) distinct primaries and lists every node exactly once', () => {
    fc.assert(
      fc.property(rings, (ring) => {
        const all = ring.members.map((m) => m.id).sort();
        for (let p = 0; p < ring.q; p++) {
          const list = preferenceList(ring, p);
          expect(list.partition).toBe(p);
          expect(list.primaries.length).toBe(Math.min(ring.n, all.length));
          expect(new Set(list.primaries).size).toBe(list.primaries.length);
          expect([...list.primaries, ...list.fallbacks].sort()).toEqual(all);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('takes nodes in the order first met walking clockwise from the partition', () => {
    fc.assert(
      fc.property(rings, (ring) => {
        for (let p = 0; p < ring.q; p++) {
          const list = preferenceList(ring, p);
          expect(list.primaries[0]).toBe(ring.owners[p]);
          expect([...list.primaries, ...list.fallbacks]).toEqual(naiveOrder(ring, p));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('returns all nodes as primaries and no fallbacks when S < N', () => {
    const ring = createRing({ cluster: 'c', q: 16, n: 5, members: members(3) });
    const list = preferenceList(ring, 7);
    expect([...list.primaries].sort()).toEqual(['node-0', 'node-1', 'node-2']);
    expect(list.fallbacks).toEqual([]);
  });

  it('wraps around the end of the ring', () => {
    const ring = createRing({ cluster: 'c', q: 16, n: 3, members: members(4) });
    expect(preferenceList(ring, 15).primaries).toEqual(['node-3', 'node-0', 'node-1']);
  });

  it('offers a member that owns no partition as a fallback only', () => {
    const base = createRing({ cluster: 'c', q: 16, n: 3, members: members(3) });
    const ring: Ring = { ...base, members: [...base.members, { id: 'node-z', address: 'z:1' }] };
    for (let p = 0; p < ring.q; p++) {
      const list = preferenceList(ring, p);
      expect(list.primaries).not.toContain('node-z');
      expect(list.fallbacks.at(-1)).toBe('node-z');
    }
  });

  it('returns the cached list for the same ring object', () => {
    const ring = createRing({ cluster: 'c', q: 64, n: 3, members: members(5) });
    expect(preferenceList(ring, 9)).toBe(preferenceList(ring, 9));
    const copy: Ring = { ...ring };
    expect(preferenceList(copy, 9)).not.toBe(preferenceList(ring, 9));
    expect(preferenceList(copy, 9)).toEqual(preferenceList(ring, 9));
  });

  it('rejects a partition outside 0..q-1', () => {
    const ring = createRing({ cluster: 'c', q: 16, n: 3, members: members(3) });
    for (const p of [-1, 16, 1.5]) expect(() => preferenceList(ring, p)).toThrow(/partition must be in 0\.\.15/);
  });
});

describe('preferenceListForKey', () => {
  it('is the preference list of the key partition', () => {
    const ring = createRing({ cluster: 'c', q: 256, n: 3, members: members(6) });
    fc.assert(
      fc.property(fc.string(), (key) => {
        const bytes = keyBytes(key);
        expect(preferenceListForKey(ring, bytes)).toBe(preferenceList(ring, partitionOf(bytes, 256)));
      }),
    );
  });
});
