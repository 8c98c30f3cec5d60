import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { claimInitial, claimJoin, claimLeave, movedPartitions } from '../../src/ring/claim.js';

const QS = [16, 64, 256, 1024] as const;

function idOf(i: number): string {
  return `node-${String(i).padStart(2, '0')}`;
}

function counts(owners: readonly string[]): Map<string, number> {
  const result = new Map<string, number>();
  for (const id of owners) result.set(id, (result.get(id) ?? 0) + 1);
  return result;
}

// Every node in `ids` (and no other) owns floor(q/S) or ceil(q/S) partitions.
function expectBalanced(owners: readonly string[], ids: readonly string[]): void {
  const q = owners.length;
  const c = counts(owners);
  expect([...c.keys()].sort()).toEqual([...ids].sort());
  const lo = Math.floor(q / ids.length);
  const hi = Math.ceil(q / ids.length);
  for (const [id, n] of c) expect({ id, ok: n === lo || n === hi }).toEqual({ id, ok: true });
}

function adjacentSameOwner(owners: readonly string[]): number {
  let pairs = 0;
  for (let p = 0; p < owners.length; p++) if (owners[p] === owners[(p + 1) % owners.length]) pairs++;
  return pairs;
}

// A cluster history: initial size, then joins (true) and leaves (false) applied in order.
const history = fc.record({
  q: fc.constantFrom(...QS),
  initial: fc.integer({ min: 1, max: 16 }),
  ops: fc.array(fc.boolean(), { maxLength: 12 }),
});

describe('claimInitial', () => {
  it('gives every node floor or ceil of Q/S partitions for S = 1..16', () => {
    for (const q of QS) {
      for (let s = 1; s <= 16; s++) {
        const ids = Array.from({ length: s }, (_, i) => idOf(i));
        expectBalanced(claimInitial(ids, q), ids);
      }
    }
  });

  it('is deterministic and ignores the input order of ids', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 16 }),
        fc.constantFrom(...QS),
        fc.infiniteStream(fc.nat()),
        (ids, q, seeds) => {
          const shuffled = [...ids].map((id) => ({ id, k: seeds.next().value })).sort((a, b) => a.k - b.k);
          const expected = claimInitial(ids, q);
          expect(claimInitial(ids, q)).toEqual(expected);
          expect(
            claimInitial(
              shuffled.map((x) => x.id),
              q,
            ),
          ).toEqual(expected);
        },
      ),
    );
  });

  it('puts consecutive partitions on distinct nodes when S >= 2', () => {
    for (let s = 2; s <= 16; s++) {
      const owners = claimInitial(
        Array.from({ length: s }, (_, i) => idOf(i)),
        256,
      );
      for (let p = 0; p + 1 < owners.length; p++) expect(owners[p]).not.toBe(owners[p + 1]);
    }
  });

  it('rejects an empty id list, duplicate ids and q smaller than S', () => {
    expect(() => claimInitial([], 16)).toThrow(/at least one/);
    expect(() => claimInitial(['a', 'a'], 16)).toThrow(/unique/);
    expect(() => claimInitial(['a', 'b', 'c'], 2)).toThrow(/q >= 3/);
  });
});

describe('claimJoin', () => {
  it('moves only the partitions the new node takes, floor or ceil of Q/(S+1), and stays balanced', () => {
    fc.assert(
      fc.property(fc.constantFrom(...QS), fc.integer({ min: 1, max: 15 }), (q, s) => {
        const ids = Array.from({ length: s }, (_, i) => idOf(i));
        const before = claimInitial(ids, q);
        const after = claimJoin(before, 'joiner');
        const moves = movedPartitions(before, after);
        for (const m of moves) expect(m.to).toBe('joiner');
        expect([Math.floor(q / (s + 1)), Math.ceil(q / (s + 1))]).toContain(moves.length);
        expectBalanced(after, [...ids, 'joiner']);
      }),
    );
  });

  it('keeps every node at floor or ceil of Q/S through a sequence of joins up to S = 16', () => {
    for (const q of QS) {
      let owners = claimInitial([idOf(0)], q);
      for (let s = 2; s <= 16; s++) {
        const before = owners;
        owners = claimJoin(owners, idOf(s - 1));
        expectBalanced(
          owners,
          Array.from({ length: s }, (_, i) => idOf(i)),
        );
        for (const m of movedPartitions(before, owners)) expect(m.to).toBe(idOf(s - 1));
        // Spreading: the joiner never lands on two neighbouring partitions in these histories.
        expect(adjacentSameOwner(owners)).toBe(0);
      }
    }
  });

  it('is deterministic', () => {
    const before = claimJoin(claimInitial(['a', 'b', 'c'], 256), 'd');
    expect(claimJoin(before, 'e')).toEqual(claimJoin([...before], 'e'));
  });

  it('rejects a node that already owns partitions and a ring with no room', () => {
    expect(() => claimJoin(claimInitial(['a', 'b'], 16), 'a')).toThrow(/already owns/);
    expect(() => claimJoin(claimInitial(['a', 'b'], 2), 'c')).toThrow(/no partition/);
  });
});

describe('claimLeave', () => {
  it('moves only the leaver partitions and leaves every node at floor or ceil of Q/(S-1)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...QS), fc.integer({ min: 2, max: 16 }), fc.nat(), (q, s, pick) => {
        const ids = Array.from({ length: s }, (_, i) => idOf(i));
        const leaver = ids[pick % s]!;
        const before = claimInitial(ids, q);
        const after = claimLeave(before, leaver);
        const moves = movedPartitions(before, after);
        expect(moves.length).toBe(counts(before).get(leaver));
        for (const m of moves) expect(m.from).toBe(leaver);
        expectBalanced(
          after,
          ids.filter((id) => id !== leaver),
        );
      }),
    );
  });

  it('is deterministic', () => {
    const before = claimJoin(claimInitial(['a', 'b', 'c', 'd'], 64), 'e');
    expect(claimLeave(before, 'b')).toEqual(claimLeave([...before], 'b'));
  });

  it('rejects the last node and a node that owns nothing', () => {
    expect(() => claimLeave(claimInitial(['a'], 16), 'a')).toThrow(/at least one must remain/);
    expect(() => claimLeave(claimInitial(['a', 'b'], 16), 'z')).toThrow(/owns no partition/);
  });
});

describe('join and leave sequences', () => {
  it('stay balanced and move only the joiner or leaver partitions', () => {
    fc.assert(
      fc.property(history, fc.infiniteStream(fc.nat()), ({ q, initial, ops }, picks) => {
        let ids = Array.from({ length: initial }, (_, i) => idOf(i));
        let owners = claimInitial(ids, q);
        let next = initial;
        for (const join of ops) {
          const before = owners;
          if (join && ids.length < 16) {
            const id = idOf(next++);
            owners = claimJoin(owners, id);
            ids = [...ids, id];
            for (const m of movedPartitions(before, owners)) expect(m.to).toBe(id);
          } else if (!join && ids.length > 1) {
            const id = ids[picks.next().value % ids.length]!;
            owners = claimLeave(owners, id);
            ids = ids.filter((x) => x !== id);
            for (const m of movedPartitions(before, owners)) expect(m.from).toBe(id);
          }
          expectBalanced(owners, ids);
        }
      }),
      { numRuns: 150 },
    );
  });
});

describe('movedPartitions', () => {
  it('lists exactly the partitions whose owner changed', () => {
    expect(movedPartitions(['a', 'b', 'c', 'a'], ['a', 'c', 'c', 'b'])).toEqual([
      { partition: 1, from: 'b', to: 'c' },
      { partition: 3, from: 'a', to: 'b' },
    ]);
    expect(movedPartitions(['a'], ['a'])).toEqual([]);
  });

  it('rejects owner arrays of different lengths', () => {
    expect(() => movedPartitions(['a'], ['a', 'b'])).toThrow(/lengths differ/);
  });
});
