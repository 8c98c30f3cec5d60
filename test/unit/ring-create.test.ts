import { describe, expect, it } from 'vitest';
import { createRing, type Member, memberById, ownerCounts, partitionsOf } from '../../src/ring/ring.js';

function members(ids: readonly string[]): Member[] {
  return ids.map((id, i) => ({ id, address: `host-${i}:7000` }));
}

describe('createRing', () => {
  it('starts at epoch 1 with members sorted by id and every partition owned by a member', () => {
    const ring = createRing({ cluster: 'prod', q: 64, n: 3, members: members(['c', 'a', 'b']) });
    expect(ring.cluster).toBe('prod');
    expect(ring.epoch).toBe(1);
    expect(ring.members.map((m) => m.id)).toEqual(['a', 'b', 'c']);
    expect(ring.owners.length).toBe(64);
    for (const owner of ring.owners) expect(['a', 'b', 'c']).toContain(owner);
  });

  it('does not depend on the order members are given in', () => {
    const a = createRing({ cluster: 'c', q: 16, n: 3, members: members(['x', 'y', 'z']) });
    const b = createRing({ cluster: 'c', q: 16, n: 3, members: [...members(['x', 'y', 'z'])].reverse() });
    expect(b).toEqual(a);
  });

  it('returns a frozen ring', () => {
    const ring = createRing({ cluster: 'c', q: 16, n: 3, members: members(['a', 'b']) });
    expect(Object.isFrozen(ring) && Object.isFrozen(ring.owners) && Object.isFrozen(ring.members)).toBe(true);
  });

  it('rejects invalid specs with a message naming the problem', () => {
    const ok = { cluster: 'c', q: 16, n: 3, members: members(['a', 'b']) };
    expect(() => createRing({ ...ok, q: 12 })).toThrow(/q must be a power of two/);
    expect(() => createRing({ ...ok, q: 131072 })).toThrow(/q must be a power of two/);
    expect(() => createRing({ ...ok, n: 0 })).toThrow(/n must be in 1\.\.7/);
    expect(() => createRing({ ...ok, n: 8 })).toThrow(/n must be in 1\.\.7/);
    expect(() => createRing({ ...ok, members: [] })).toThrow(/members must be non-empty/);
    expect(() => createRing({ ...ok, q: 2, members: members(['a', 'b', 'c']) })).toThrow(/smaller than the 3 members/);
    expect(() => createRing({ ...ok, members: members(['a', 'a']) })).toThrow(/duplicate member id a/);
    const sameAddress = [
      { id: 'a', address: 'h:1' },
      { id: 'b', address: 'h:1' },
    ];
    expect(() => createRing({ ...ok, members: sameAddress })).toThrow(/duplicate member address h:1/);
    expect(() => createRing({ ...ok, cluster: '' })).toThrow(/cluster/);
  });
});

describe('ring queries', () => {
  const ring = createRing({ cluster: 'c', q: 16, n: 3, members: members(['a', 'b', 'c']) });

  it('partitionsOf lists a node partitions in ascending order', () => {
    const all = ['a', 'b', 'c'].flatMap((id) => partitionsOf(ring, id)).sort((x, y) => x - y);
    expect(all).toEqual(Array.from({ length: 16 }, (_, p) => p));
    for (const p of partitionsOf(ring, 'b')) expect(ring.owners[p]).toBe('b');
    expect(partitionsOf(ring, 'nobody')).toEqual([]);
  });

  it('ownerCounts includes every member, with 0 for members that own nothing', () => {
    expect(ownerCounts(ring)).toEqual(
      new Map([
        ['a', 6],
        ['b', 5],
        ['c', 5],
      ]),
    );
    const withIdle = { ...ring, members: [...ring.members, { id: 'd', address: 'x:1' }] };
    expect(ownerCounts(withIdle).get('d')).toBe(0);
  });

  it('memberById finds members and returns undefined for strangers', () => {
    expect(memberById(ring, 'b')).toEqual({ id: 'b', address: 'host-1:7000' });
    expect(memberById(ring, 'q')).toBeUndefined();
  });
});
