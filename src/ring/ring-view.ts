import { PARTITIONS_MAX, REPLICAS_MAX } from '../common/limits.js';
import type { RingView, RingView__Output } from '../gen/ringkv/v1/RingView.js';
import { isPowerOfTwo } from './assert.js';
import { freezeRing, type Member, type Ring, sortMembers } from './ring.js';

/** The wire form of a ring: members in ring order, owners as indices into members. */
export function ringToView(ring: Ring): RingView {
  const index = new Map(ring.members.map((m, i) => [m.id, i]));
  return {
    cluster: ring.cluster,
    epoch: ring.epoch,
    q: ring.q,
    n: ring.n,
    members: ring.members.map((m) => ({ id: m.id, address: m.address })),
    owners: ring.owners.map((id) => index.get(id)!),
    nextOwners: ring.next === undefined ? [] : ring.next.map((id) => index.get(id)!),
    departed: [...(ring.departed ?? [])],
  };
}

/** A ring from its wire form; throws an Error naming the offending field when the view is invalid. */
export function ringFromView(view: RingView__Output): Ring {
  // A view comes from another process, so every field is checked before it can reach a preference list.
  check(typeof view.cluster === 'string' && view.cluster.length > 0, 'cluster', 'must be a non-empty string');
  check(Number.isSafeInteger(view.epoch) && view.epoch >= 1, 'epoch', `must be an integer >= 1, got ${view.epoch}`);
  check(isPowerOfTwo(view.q, PARTITIONS_MAX), 'q', `must be a power of two in 1..${PARTITIONS_MAX}, got ${view.q}`);
  check(
    Number.isInteger(view.n) && view.n >= 1 && view.n <= REPLICAS_MAX,
    'n',
    `must be in 1..${REPLICAS_MAX}, got ${view.n}`,
  );
  const members = membersFromView(view.members);
  check(
    Array.isArray(view.owners) && view.owners.length === view.q,
    'owners',
    `must have q = ${view.q} entries, got ${Array.isArray(view.owners) ? view.owners.length : typeof view.owners}`,
  );
  const owners = ownersFromView(view.owners, members, 'owners');
  const nextView = view.nextOwners ?? [];
  check(
    Array.isArray(nextView) && (nextView.length === 0 || nextView.length === view.q),
    'nextOwners',
    `must be empty or have q = ${view.q} entries, got ${Array.isArray(nextView) ? nextView.length : typeof nextView}`,
  );
  const departed = view.departed ?? [];
  check(
    Array.isArray(departed) && departed.every((id) => typeof id === 'string' && id.length > 0),
    'departed',
    'must be a list of non-empty ids',
  );
  const departedSet = new Set(departed);
  members.forEach((m, i) => {
    check(!departedSet.has(m.id), `members[${i}].id`, `${m.id} is listed as departed but is still a member`);
  });
  return freezeRing({
    cluster: view.cluster,
    epoch: view.epoch,
    q: view.q,
    n: view.n,
    members: sortMembers(members),
    owners,
    ...(nextView.length === 0 ? {} : { next: ownersFromView(nextView, members, 'nextOwners') }),
    ...(departed.length === 0 ? {} : { departed: [...departed].sort() }),
  });
}

function ownersFromView(indices: readonly number[], members: readonly Member[], field: string): string[] {
  return indices.map((i, p) => {
    check(
      Number.isInteger(i) && i >= 0 && i < members.length,
      `${field}[${p}]`,
      `must index members (0..${members.length - 1}), got ${i}`,
    );
    return members[i]!.id;
  });
}

function membersFromView(members: RingView__Output['members']): Member[] {
  check(Array.isArray(members) && members.length > 0, 'members', 'must be a non-empty list');
  const ids = new Set<string>();
  const addresses = new Set<string>();
  return members.map((m, i) => {
    check(typeof m.id === 'string' && m.id.length > 0, `members[${i}].id`, 'must be a non-empty string');
    check(typeof m.address === 'string' && m.address.length > 0, `members[${i}].address`, 'must be a non-empty string');
    check(!ids.has(m.id), `members[${i}].id`, `duplicates member id ${m.id}`);
    check(!addresses.has(m.address), `members[${i}].address`, `duplicates member address ${m.address}`);
    ids.add(m.id);
    addresses.add(m.address);
    return { id: m.id, address: m.address };
  });
}

function check(condition: boolean, field: string, message: string): asserts condition {
  if (!condition) throw new Error(`invalid RingView.${field}: ${message}`);
}
