import { PARTITIONS_MAX, REPLICAS_MAX } from '../common/limits.js';
import { assert, compareIds, isPowerOfTwo } from './assert.js';
import { claimInitial } from './claim.js';

/** A node of the cluster: its stable id and the address peers and clients dial. */
export interface Member {
  readonly id: string;
  readonly address: string;
}

/**
 * One version (epoch) of the cluster's ring: `owners[p]` is the id of the member owning partition p,
 * `owners.length === q`, every owner is a member id, and members are sorted by id.
 *
 * While a membership change is in progress, `next` holds the owners it leads to (also member ids,
 * length q): reads follow `owners`, writes also reach the replicas `next` adds, and a later epoch
 * makes `next` the owners. `departed` lists ids that left and may never return.
 */
export interface Ring {
  readonly cluster: string;
  readonly epoch: number;
  readonly q: number;
  readonly n: number;
  readonly members: readonly Member[];
  readonly owners: readonly string[];
  readonly next?: readonly string[] | undefined;
  readonly departed?: readonly string[] | undefined;
}

/** A fresh ring at epoch 1 whose partitions are striped over the members by `claimInitial`. */
export function createRing(spec: { cluster: string; q: number; n: number; members: readonly Member[] }): Ring {
  const { cluster, q, n, members } = spec;
  assert(cluster.length > 0, 'createRing: cluster name must be non-empty');
  assert(isPowerOfTwo(q, PARTITIONS_MAX), `createRing: q must be a power of two in 1..${PARTITIONS_MAX}, got ${q}`);
  assert(Number.isInteger(n) && n >= 1 && n <= REPLICAS_MAX, `createRing: n must be in 1..${REPLICAS_MAX}, got ${n}`);
  assert(members.length > 0, 'createRing: members must be non-empty');
  assert(q >= members.length, `createRing: q = ${q} is smaller than the ${members.length} members`);
  assertMembers(members, 'createRing');
  const sorted = sortMembers(members);
  const owners = claimInitial(
    sorted.map((m) => m.id),
    q,
  );
  return freezeRing({ cluster, epoch: 1, q, n, members: sorted, owners });
}

/** The partitions `nodeId` owns, ascending; empty for a node that owns none or is not a member. */
export function partitionsOf(ring: Ring, nodeId: string): number[] {
  const result: number[] = [];
  ring.owners.forEach((owner, p) => {
    if (owner === nodeId) result.push(p);
  });
  return result;
}

/** How many partitions each member owns; every member is present, with 0 if it owns none. */
export function ownerCounts(ring: Ring): Map<string, number> {
  const counts = new Map<string, number>(ring.members.map((m) => [m.id, 0]));
  for (const owner of ring.owners) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  return counts;
}

/** The member with this id, or undefined if the ring has none. */
export function memberById(ring: Ring, id: string): Member | undefined {
  return ring.members.find((m) => m.id === id);
}

// `where` names the caller so the assertion message points at the broken call site.
function assertMembers(members: readonly Member[], where: string): void {
  const ids = new Set<string>();
  const addresses = new Set<string>();
  for (const m of members) {
    assert(m.id.length > 0, `${where}: member id must be non-empty`);
    assert(m.address.length > 0, `${where}: member ${m.id} has an empty address`);
    assert(!ids.has(m.id), `${where}: duplicate member id ${m.id}`);
    assert(!addresses.has(m.address), `${where}: duplicate member address ${m.address}`);
    ids.add(m.id);
    addresses.add(m.address);
  }
}

/** Members as plain {id, address} records sorted by id, the canonical order of `Ring.members`. */
export function sortMembers(members: readonly Member[]): Member[] {
  return members.map((m) => ({ id: m.id, address: m.address })).sort((a, b) => compareIds(a.id, b.id));
}

/** Freezes a ring and its arrays: rings are shared across requests and key caches, so must never change. */
export function freezeRing(ring: Ring): Ring {
  for (const m of ring.members) Object.freeze(m);
  Object.freeze(ring.members);
  Object.freeze(ring.owners);
  if (ring.next !== undefined) Object.freeze(ring.next);
  if (ring.departed !== undefined) Object.freeze(ring.departed);
  return Object.freeze(ring);
}
