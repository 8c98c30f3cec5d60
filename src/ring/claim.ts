/**
 * Deterministic partition claim (Dynamo's strategy 3): Q fixed partitions, whole partitions move,
 * and a join or leave moves only the partitions that must move. Every ringkv process runs these on
 * the same input and must reach the same owners, so all ties break by node id, never by chance.
 */
import { assert, compareIds } from './assert.js';

/** One partition whose owner differs between two owner arrays. */
export interface Move {
  readonly partition: number;
  readonly from: string;
  readonly to: string;
}

/** Owners for a fresh cluster: ids striped over the ring, each owning floor or ceil of q/S partitions. */
export function claimInitial(ids: readonly string[], q: number): string[] {
  assert(ids.length > 0, 'claimInitial needs at least one node id');
  assert(new Set(ids).size === ids.length, 'claimInitial node ids must be unique');
  assert(Number.isInteger(q) && q >= ids.length, `claimInitial needs q >= ${ids.length} nodes, got q = ${q}`);
  const sorted = [...ids].sort(compareIds);
  // Striping puts consecutive partitions on distinct nodes, so preference lists stay short walks.
  return Array.from({ length: q }, (_, p) => sorted[p % sorted.length]!);
}

/** Owners after `newId` joins: it takes whole partitions from the most loaded nodes, and nothing else moves. */
export function claimJoin(owners: readonly string[], newId: string): string[] {
  const counts = countByOwner(owners);
  assert(owners.length > 0, 'claimJoin needs a non-empty owners array');
  assert(!counts.has(newId), `claimJoin: ${newId} already owns partitions`);
  // A node with no partition would vanish from the owners array, which is the only membership claim sees.
  assert(owners.length > counts.size, `claimJoin: q = ${owners.length} leaves no partition for a new node`);
  const quotas = joinQuotas(counts);
  const next = [...owners];
  const k = sum(quotas);
  spreadTake(next, newId, quotas, k);
  return next;
}

/** Owners after `leavingId` leaves: only its partitions move, to the least loaded remaining nodes. */
export function claimLeave(owners: readonly string[], leavingId: string): string[] {
  const counts = countByOwner(owners);
  const leaving = counts.get(leavingId);
  assert(leaving !== undefined, `claimLeave: ${leavingId} owns no partition`);
  assert(counts.size >= 2, `claimLeave: ${leavingId} is the last node; at least one must remain`);
  counts.delete(leavingId);
  const quotas = leaveQuotas(counts, leaving);
  const next = [...owners];
  const q = next.length;
  for (let p = 0; p < q; p++) {
    if (owners[p] !== leavingId) continue;
    const before = next[(p - 1 + q) % q]!;
    const after = next[(p + 1) % q]!;
    const to = pickRecipient(quotas, before, after);
    quotas.set(to, quotas.get(to)! - 1);
    next[p] = to;
  }
  return next;
}

/** Every partition whose owner differs between `before` and `after`, in partition order. */
export function movedPartitions(before: readonly string[], after: readonly string[]): Move[] {
  assert(before.length === after.length, `movedPartitions: lengths differ (${before.length} vs ${after.length})`);
  const moves: Move[] = [];
  for (let p = 0; p < before.length; p++) {
    const from = before[p]!;
    const to = after[p]!;
    if (from !== to) moves.push({ partition: p, from, to });
  }
  return moves;
}

function countByOwner(owners: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const id of owners) counts.set(id, (counts.get(id) ?? 0) + 1);
  return counts;
}

function sum(quotas: ReadonlyMap<string, number>): number {
  let total = 0;
  for (const n of quotas.values()) total += n;
  return total;
}

// How many partitions each node gives a joiner: always the most loaded (lowest id on ties), until
// no old node owns more than one partition above the joiner, which leaves everyone at floor/ceil.
function joinQuotas(counts: ReadonlyMap<string, number>): Map<string, number> {
  const ids = [...counts.keys()].sort(compareIds);
  const left = new Map(counts);
  const quotas = new Map<string, number>(ids.map((id) => [id, 0]));
  for (let taken = 0; ; taken++) {
    let donor = ids[0]!;
    for (const id of ids) if (left.get(id)! > left.get(donor)!) donor = id;
    if (left.get(donor)! <= taken + 1) return quotas;
    left.set(donor, left.get(donor)! - 1);
    quotas.set(donor, quotas.get(donor)! + 1);
  }
}

// How many of the leaver's partitions each remaining node receives: always the least loaded
// (lowest id on ties), which keeps an already balanced ring balanced.
function leaveQuotas(counts: ReadonlyMap<string, number>, leaving: number): Map<string, number> {
  const ids = [...counts.keys()].sort(compareIds);
  const load = new Map(counts);
  const quotas = new Map<string, number>(ids.map((id) => [id, 0]));
  for (let i = 0; i < leaving; i++) {
    let to = ids[0]!;
    for (const id of ids) if (load.get(id)! < load.get(to)!) to = id;
    load.set(to, load.get(to)! + 1);
    quotas.set(to, quotas.get(to)! + 1);
  }
  return quotas;
}

// The recipient for one of the leaver's partitions: a node with quota left that owns neither
// neighbour if possible (adjacent partitions on one node shorten the distinct-owner walk), then the
// one with most quota left so the leaver's partitions spread over all recipients, then lowest id.
function pickRecipient(quotas: ReadonlyMap<string, number>, before: string, after: string): string {
  let best: string | undefined;
  let bestClear = false;
  let bestQuota = 0;
  for (const [id, quota] of quotas) {
    if (quota <= 0) continue;
    const clear = id !== before && id !== after;
    const better =
      best === undefined ||
      (clear && !bestClear) ||
      (clear === bestClear && (quota > bestQuota || (quota === bestQuota && compareIds(id, best) < 0)));
    if (better) {
      best = id;
      bestClear = clear;
      bestQuota = quota;
    }
  }
  assert(best !== undefined, 'claimLeave ran out of recipients');
  return best;
}

// Moves k partitions to `newId`, taking from each donor exactly its quota. A first pass aims at k
// evenly spaced positions (Bresenham) so the joiner's partitions cover the whole ring; later passes
// fill what donors could not give there, first away from the joiner's partitions, then anywhere.
function spreadTake(next: string[], newId: string, quotas: Map<string, number>, k: number): void {
  const q = next.length;
  let remaining = k;
  const take = (p: number, needGap: boolean): boolean => {
    const owner = next[p]!;
    const quota = quotas.get(owner) ?? 0;
    if (quota <= 0) return false;
    if (needGap && (next[(p - 1 + q) % q] === newId || next[(p + 1) % q] === newId)) return false;
    quotas.set(owner, quota - 1);
    next[p] = newId;
    remaining--;
    return true;
  };
  let acc = Math.floor(q / 2);
  let wanted = 0;
  for (let p = 0; p < q && remaining > 0; p++) {
    acc += k;
    if (acc >= q) {
      acc -= q;
      wanted++;
    }
    if (wanted > 0 && take(p, true)) wanted--;
  }
  for (let p = 0; p < q && remaining > 0; p++) take(p, true);
  for (let p = 0; p < q && remaining > 0; p++) take(p, false);
  assert(remaining === 0, `claimJoin could not place ${remaining} partitions`);
}
