/**
 * Membership changes as pure functions of the ring: the plan an operator reviews (`--dry-run`),
 * the ring that stages it (epoch + 1, `next` set) and the ring that completes it (epoch + 1,
 * `next` becomes the owners). Every node computes the same result from the same ring.
 */
import { assert, compareIds } from './assert.js';
import { claimJoin, claimLeave, type Move, movedPartitions } from './claim.js';
import { preferenceList } from './preference-list.js';
import { freezeRing, type Member, memberById, ownerCounts, type Ring, sortMembers } from './ring.js';

export type MembershipChange =
  | { readonly kind: 'join'; readonly member: Member }
  | { readonly kind: 'leave'; readonly id: string };

/** Why a change cannot be made: `field` names the argument at fault. */
export class ChangeRefusal {
  constructor(
    readonly field: string,
    readonly message: string,
  ) {}
}

/** A partition whose replica set changes: `gains` receive a copy, `losses` drop theirs after the flip. */
export interface ReplicaMove {
  readonly partition: number;
  readonly gains: readonly string[];
  readonly losses: readonly string[];
}

export interface BalanceRow {
  readonly id: string;
  readonly before: number;
  readonly after: number;
}

export interface ChangePlan {
  readonly change: MembershipChange;
  /** The epoch the plan was computed against. */
  readonly epoch: number;
  readonly nextOwners: readonly string[];
  readonly ownerMoves: readonly Move[];
  readonly replicaMoves: readonly ReplicaMove[];
  /** Partitions owned per node before and after, every node of either ring, by id. */
  readonly balance: readonly BalanceRow[];
}

/** The reason `change` cannot be applied to `ring`, or null when it can. */
export function refusal(ring: Ring, change: MembershipChange): ChangeRefusal | null {
  if (ring.next !== undefined) {
    return new ChangeRefusal(
      change.kind === 'join' ? 'address' : 'node_id',
      `another membership change is in progress (staged at epoch ${ring.epoch}); wait until it completes`,
    );
  }
  const departed = new Set(ring.departed ?? []);
  if (change.kind === 'join') {
    const { id, address } = change.member;
    if (departed.has(id)) {
      return new ChangeRefusal(
        'node_id',
        `${id} left this cluster and cannot rejoin under the same id; start the node with a new --id and empty data`,
      );
    }
    if (memberById(ring, id) !== undefined) {
      return new ChangeRefusal('node_id', `${id} is already a member of the cluster`);
    }
    const holder = ring.members.find((m) => m.address === address);
    if (holder !== undefined) return new ChangeRefusal('address', `${address} is the address of member ${holder.id}`);
    if (ring.q <= ring.members.length) {
      return new ChangeRefusal(
        'address',
        `q = ${ring.q} partitions leave none for a node beyond ${ring.members.length}`,
      );
    }
    return null;
  }
  if (memberById(ring, change.id) === undefined) {
    return new ChangeRefusal(
      'node_id',
      departed.has(change.id) ? `${change.id} already left the cluster` : `${change.id} is not a member of the cluster`,
    );
  }
  if (ring.members.length - 1 < ring.n) {
    return new ChangeRefusal(
      'node_id',
      `${ring.members.length - 1} nodes would remain for n = ${ring.n} replicas; add a node first`,
    );
  }
  return null;
}

/** The plan for `change`; asserts `refusal` found nothing. */
export function planChange(ring: Ring, change: MembershipChange): ChangePlan {
  const why = refusal(ring, change);
  assert(why === null, `planChange: ${why?.message}`);
  const nextOwners =
    change.kind === 'join' ? claimJoin(ring.owners, change.member.id) : claimLeave(ring.owners, change.id);
  const before = ownerCounts(ring);
  const after = ownerCounts(withOwners(ring, membersAfter(ring, change), nextOwners));
  const ids = [...new Set([...before.keys(), ...after.keys()])].sort(compareIds);
  return {
    change,
    epoch: ring.epoch,
    nextOwners,
    ownerMoves: movedPartitions(ring.owners, nextOwners),
    replicaMoves: replicaMoves(ring, nextOwners, change),
    balance: ids.map((id) => ({ id, before: before.get(id) ?? 0, after: after.get(id) ?? 0 })),
  };
}

/** The ring that stages a plan: epoch + 1, the joiner (if any) a member, `next` set. */
export function stageChange(ring: Ring, plan: ChangePlan): Ring {
  assert(plan.epoch === ring.epoch, `stageChange: the plan is for epoch ${plan.epoch}, the ring is at ${ring.epoch}`);
  const members = plan.change.kind === 'join' ? sortMembers([...ring.members, plan.change.member]) : ring.members;
  return freezeRing({ ...withOwners(ring, members, ring.owners), epoch: ring.epoch + 1, next: [...plan.nextOwners] });
}

/**
 * The ring that completes a staged change: epoch + 1, `next` becomes the owners, and members
 * that own nothing any more leave (and are listed as departed).
 */
export function completeChange(ring: Ring): Ring {
  assert(ring.next !== undefined, 'completeChange: no change is in progress');
  const owning = new Set(ring.next);
  const gone = ring.members.filter((m) => !owning.has(m.id)).map((m) => m.id);
  const members = ring.members.filter((m) => owning.has(m.id));
  const departed = [...new Set([...(ring.departed ?? []), ...gone])].sort(compareIds);
  return freezeRing({
    cluster: ring.cluster,
    epoch: ring.epoch + 1,
    q: ring.q,
    n: ring.n,
    members: sortMembers(members),
    owners: [...ring.next],
    ...(departed.length === 0 ? {} : { departed }),
  });
}

/** The ring `next` leads to (members that own nothing in it still listed), cached per ring. */
export function nextRing(ring: Ring): Ring | undefined {
  if (ring.next === undefined) return undefined;
  let cached = nextCache.get(ring);
  if (cached === undefined) {
    cached = freezeRing(withOwners(ring, ring.members, [...ring.next]));
    nextCache.set(ring, cached);
  }
  return cached;
}
const nextCache = new WeakMap<Ring, Ring>();

/** Nodes that become primaries of `partition` when the change in progress completes (none if none). */
export function incomingReplicas(ring: Ring, partition: number): readonly string[] {
  const next = nextRing(ring);
  if (next === undefined) return [];
  const now = preferenceList(ring, partition).primaries;
  return preferenceList(next, partition).primaries.filter((id) => !now.includes(id));
}

function replicaMoves(ring: Ring, nextOwners: readonly string[], change: MembershipChange): ReplicaMove[] {
  const next = withOwners(ring, membersAfter(ring, change), nextOwners);
  const moves: ReplicaMove[] = [];
  for (let p = 0; p < ring.q; p++) {
    const was = preferenceList(ring, p).primaries;
    const will = preferenceList(next, p).primaries;
    const gains = will.filter((id) => !was.includes(id));
    const losses = was.filter((id) => !will.includes(id));
    if (gains.length > 0 || losses.length > 0) moves.push({ partition: p, gains, losses });
  }
  return moves;
}

function membersAfter(ring: Ring, change: MembershipChange): readonly Member[] {
  return change.kind === 'join'
    ? sortMembers([...ring.members, change.member])
    : ring.members.filter((m) => m.id !== change.id);
}

function withOwners(ring: Ring, members: readonly Member[], owners: readonly string[]): Ring {
  return {
    cluster: ring.cluster,
    epoch: ring.epoch,
    q: ring.q,
    n: ring.n,
    members,
    owners,
    ...(ring.departed === undefined ? {} : { departed: ring.departed }),
  };
}
