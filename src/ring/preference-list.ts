import { assert } from './assert.js';
import { partitionOf } from './hash.js';
import type { Ring } from './ring.js';

/**
 * Who holds a partition: the first n distinct owners clockwise from it (primaries), then every
 * other member in the order the same walk meets them (fallbacks for sloppy quorum).
 */
export interface PreferenceList {
  readonly partition: number;
  readonly primaries: readonly string[];
  readonly fallbacks: readonly string[];
}

interface RingCache {
  readonly lists: (PreferenceList | undefined)[];
  // How many distinct nodes own a partition: the walk stops once it has met them all.
  readonly owning: number;
  // Members owning no partition (e.g. just joined) are never met on a walk; they trail as fallbacks.
  readonly unowned: readonly string[];
}

// Lists are computed once per ring object: every request asks, and a ring never changes once built.
const cache = new WeakMap<Ring, RingCache>();

/** The preference list of `partition` (0 <= partition < q); O(1) after the first lookup on a ring. */
export function preferenceList(ring: Ring, partition: number): PreferenceList {
  assert(
    Number.isInteger(partition) && partition >= 0 && partition < ring.q,
    `preferenceList: partition must be in 0..${ring.q - 1}, got ${partition}`,
  );
  let entry = cache.get(ring);
  if (entry === undefined) {
    entry = prepare(ring);
    cache.set(ring, entry);
  }
  let list = entry.lists[partition];
  if (list === undefined) {
    list = walk(ring, entry, partition);
    entry.lists[partition] = list;
  }
  return list;
}

/** The preference list of the partition a key hashes to. */
export function preferenceListForKey(ring: Ring, key: Uint8Array): PreferenceList {
  return preferenceList(ring, partitionOf(key, ring.q));
}

function prepare(ring: Ring): RingCache {
  const owners = new Set(ring.owners);
  const unowned = ring.members.map((m) => m.id).filter((id) => !owners.has(id));
  return { lists: new Array<PreferenceList | undefined>(ring.q), owning: owners.size, unowned };
}

function walk(ring: Ring, entry: RingCache, partition: number): PreferenceList {
  const seen = new Set<string>();
  const order: string[] = [];
  for (let i = 0; i < ring.q && order.length < entry.owning; i++) {
    const owner = ring.owners[(partition + i) % ring.q]!;
    if (seen.has(owner)) continue;
    seen.add(owner);
    order.push(owner);
  }
  // Primaries are owners only; a member without partitions can only stand in as a fallback.
  const primaries = Object.freeze(order.slice(0, ring.n));
  const fallbacks = Object.freeze([...order.slice(ring.n), ...entry.unowned]);
  return Object.freeze({ partition, primaries, fallbacks });
}
