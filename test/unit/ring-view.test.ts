import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RingView__Output } from '../../src/gen/ringkv/v1/RingView.js';
import { claimJoin } from '../../src/ring/claim.js';
import { createRing, type Ring } from '../../src/ring/ring.js';
import { ringFromView, ringToView } from '../../src/ring/ring-view.js';

const rings = fc
  .record({
    cluster: fc.string({ minLength: 1, maxLength: 12 }),
    epoch: fc.integer({ min: 1, max: 1_000_000 }),
    q: fc.constantFrom(1, 16, 64, 256, 1024),
    n: fc.integer({ min: 1, max: 7 }),
    ids: fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 8 }),
    join: fc.boolean(),
  })
  .filter(({ q, ids }) => ids.length < q || (q === 1 && ids.length === 1))
  .map(({ cluster, epoch, q, n, ids, join }): Ring => {
    const members = ids.map((id, i) => ({ id, address: `10.1.0.${i}:7000` }));
    const base = { ...createRing({ cluster, q, n, members }), epoch };
    if (!join || ids.includes('joiner') || q === 1) return base;
    // A joined ring is not built by createRing; members stay sorted because 'joiner' is re-sorted.
    const all = [...base.members, { id: 'joiner', address: '10.2.0.1:7000' }].sort((a, b) =>
      a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    );
    return { ...base, members: all, owners: claimJoin(base.owners, 'joiner') };
  });

function goodView(): RingView__Output {
  const ring = createRing({
    cluster: 'c',
    q: 16,
    n: 3,
    members: [
      { id: 'a', address: 'a:1' },
      { id: 'b', address: 'b:1' },
    ],
  });
  return ringToView(ring) as RingView__Output;
}

describe('ringToView / ringFromView', () => {
  it('round-trips: ringFromView(ringToView(r)) deep-equals r', () => {
    fc.assert(
      fc.property(rings, (ring) => {
        expect(ringFromView(ringToView(ring) as RingView__Output)).toEqual(ring);
      }),
      { numRuns: 200 },
    );
  });

  it('encodes owners as indices into members', () => {
    const view = goodView();
    expect(view.members).toEqual([
      { id: 'a', address: 'a:1' },
      { id: 'b', address: 'b:1' },
    ]);
    expect(view.owners.slice(0, 4)).toEqual([0, 1, 0, 1]);
  });

  it('accepts members in any order and sorts them, keeping each partition owner', () => {
    const view = goodView();
    const swapped: RingView__Output = {
      ...view,
      members: [...view.members].reverse(),
      owners: view.owners.map((i) => 1 - i),
    };
    expect(ringFromView(swapped)).toEqual(ringFromView(view));
  });

  it('rejects bad views with an error naming the field', () => {
    const cases: [string, (v: RingView__Output) => RingView__Output, RegExp][] = [
      ['empty cluster', (v) => ({ ...v, cluster: '' }), /RingView\.cluster/],
      ['epoch 0', (v) => ({ ...v, epoch: 0 }), /RingView\.epoch/],
      ['fractional epoch', (v) => ({ ...v, epoch: 1.5 }), /RingView\.epoch/],
      ['q not a power of two', (v) => ({ ...v, q: 12 }), /RingView\.q/],
      ['q zero', (v) => ({ ...v, q: 0 }), /RingView\.q/],
      ['q too large', (v) => ({ ...v, q: 131072 }), /RingView\.q/],
      ['n zero', (v) => ({ ...v, n: 0 }), /RingView\.n/],
      ['n too large', (v) => ({ ...v, n: 8 }), /RingView\.n/],
      ['no members', (v) => ({ ...v, members: [] }), /RingView\.members/],
      ['owners too short', (v) => ({ ...v, owners: v.owners.slice(1) }), /RingView\.owners/],
      ['owners too long', (v) => ({ ...v, owners: [...v.owners, 0] }), /RingView\.owners/],
      ['owner index out of range', (v) => ({ ...v, owners: v.owners.map((i, p) => (p === 3 ? 2 : i)) }), /owners\[3\]/],
      ['negative owner index', (v) => ({ ...v, owners: v.owners.map((i, p) => (p === 0 ? -1 : i)) }), /owners\[0\]/],
      [
        'duplicate member id',
        (v) => ({ ...v, members: [v.members[0]!, { id: 'a', address: 'c:1' }] }),
        /members\[1\]\.id/,
      ],
      [
        'duplicate member address',
        (v) => ({ ...v, members: [v.members[0]!, { id: 'b', address: 'a:1' }] }),
        /members\[1\]\.address/,
      ],
      ['empty member id', (v) => ({ ...v, members: [v.members[0]!, { id: '', address: 'b:1' }] }), /members\[1\]\.id/],
    ];
    for (const [name, mutate, field] of cases) {
      expect(() => ringFromView(mutate(goodView())), name).toThrow(field);
    }
  });
});
