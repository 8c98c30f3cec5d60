/** Configuration of one node process. */
import type { Limits } from '../common/limits.js';

export const SyncMode = { always: 'always', batch: 'batch', none: 'none' } as const;
export type SyncMode = (typeof SyncMode)[keyof typeof SyncMode];

/**
 * Deliberate bugs, for proving that the simulator's checkers catch them. Never set outside tests.
 */
export interface TestFaults {
  /** Acknowledge a write once the coordinator's own replica has it, ignoring W. */
  readonly ackBeforeQuorum?: boolean;
}

export interface NodeConfig {
  /** Stable node id, e.g. "n1". */
  readonly id: string;
  /** host:port this node serves on and peers reach it at. */
  readonly address: string;
  /** host:port of the nodes that form the cluster (may include this node's own address). */
  readonly seeds: readonly string[];
  /** Cluster name; nodes of different clusters refuse to talk. */
  readonly cluster: string;
  /** Key for authenticating client contexts; shared by every node of the cluster. */
  readonly secret: string;
  /** Partitions (power of two) and replicas, used when this node forms a new ring. */
  readonly q: number;
  readonly n: number;
  readonly limits: Limits;
  readonly syncMode: SyncMode;
  /** Tombstones are removed this long after every primary holds them (default: past the hint window). */
  readonly tombstoneGraceMs?: number;
  /** Keys per second this node may receive while rebalancing (default TRANSFER_KEYS_PER_S). */
  readonly transferKeysPerS?: number;
  /** False disables sloppy quorum and hinted handoff: only primaries take writes. */
  readonly hintedHandoff?: boolean;
  /** False disables anti-entropy entirely (no trees, no exchanges), e.g. to measure its cost. */
  readonly antiEntropy?: boolean;
  readonly testFaults?: TestFaults;
}
