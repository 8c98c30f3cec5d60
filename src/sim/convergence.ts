/**
 * After the nemesis has healed: read every key at consistency 'all' (which also read-repairs every
 * stale replica), then compare what each replica really stored.
 *
 * The comparison reads each primary's disk directly, and only the key's entry in the data
 * keyspace, so it keeps its meaning when hinted handoff (hints in their own keyspace) and
 * anti-entropy (another repair path) land: whatever the repair mechanism, the primaries' data
 * entries must end equal.
 */

import { storageKey } from '../node/replica.js';
import { keyBytes, partitionOf } from '../ring/hash.js';
import { decodeDvvSet } from '../versioning/dvv-codec.js';
import { type DvvSet, equalDvv, siblingCount } from '../versioning/dvv-set.js';
import type { SeededRandom } from './random.js';
import type { SimCluster } from './sim-cluster.js';
import { SIM_FINAL_READ_ATTEMPTS_MAX, SIM_FINAL_READ_RETRY_MS } from './sim-limits.js';

/** The outcome of the final read of one key: its values, or the last error code. */
export type FinalRead =
  | { readonly ok: true; readonly values: readonly string[] }
  | { readonly ok: false; readonly code: string };

/**
 * Reads every key through seeded nodes, retrying failures; returns the reads by key. The default
 * level, 'all', is strict: only primaries answer, and every stale one is read-repaired.
 */
export async function readEverything(
  cluster: SimCluster,
  keys: readonly string[],
  rng: SeededRandom,
  level: { readonly consistency: 'quorum' | 'all'; readonly strict: boolean } = { consistency: 'all', strict: true },
): Promise<Map<string, FinalRead>> {
  const reads = new Map<string, FinalRead>();
  let pending = [...keys];
  for (let attempt = 0; attempt < SIM_FINAL_READ_ATTEMPTS_MAX && pending.length > 0; attempt++) {
    if (attempt > 0) await cluster.runFor(SIM_FINAL_READ_RETRY_MS);
    const batch = pending.map((key) =>
      cluster.get(rng.pick(cluster.ids), key, level).then(
        (res): [string, FinalRead] => [key, { ok: true, values: res.values.map((v) => v.toString('utf8')) }],
        (err: unknown): [string, FinalRead] => [key, { ok: false, code: codeOf(err) }],
      ),
    );
    const results = await cluster.settle(Promise.all(batch));
    pending = [];
    for (const [key, read] of results) {
      reads.set(key, read);
      if (!read.ok) pending.push(key);
    }
  }
  return reads;
}

/** One primary's stored version of a key (undefined when it stores none). */
export interface ReplicaState {
  readonly node: string;
  readonly state: DvvSet | undefined;
}

/** What each primary of `key` has in its data keyspace right now. */
export function replicaStates(cluster: SimCluster, key: string): ReplicaState[] {
  const bytes = keyBytes(key);
  const ring = cluster.node(cluster.ids[0]!).membership.requireRing();
  const skey = storageKey(partitionOf(bytes, ring.q), bytes);
  return cluster.primariesOf(key).map((node) => {
    const stored = cluster.slot(node).disk.readData(skey);
    return { node, state: stored === undefined ? undefined : decodeDvvSet(stored) };
  });
}

/** A description of how the primaries of `key` disagree, or null when they store equal versions. */
export function divergence(states: readonly ReplicaState[]): string | null {
  const first = states[0];
  if (first === undefined) return null;
  const same = states.every((s) =>
    s.state === undefined || first.state === undefined ? s.state === first.state : equalDvv(s.state, first.state),
  );
  if (same) return null;
  return states
    .map(
      (s) =>
        `${s.node}: ${s.state === undefined ? 'absent' : `${siblingCount(s.state)} siblings, vv ${vvText(s.state)}`}`,
    )
    .join('; ');
}

function vvText(state: DvvSet): string {
  return [...state.vv].map(([actor, n]) => `${actor}=${n}`).join(',');
}

function codeOf(err: unknown): string {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : String(err);
}
