/** Bounds of the simulator, unit last (the node's own bounds live in src/common/limits.ts). */

/** Most events one `Scheduler.run` call executes before it stops and reports a runaway. */
export const SIM_EVENTS_PER_RUN_MAX = 5_000_000;
/** Most trace lines kept for a failure report (the hash covers every line). */
export const SIM_TRACE_TAIL_MAX = 2000;
/** Most log entries a recording logger keeps (oldest dropped first). */
export const SIM_LOG_ENTRIES_MAX = 10_000;
/** Virtual time a cluster may take to form its ring or restart a node. */
export const SIM_FORMATION_MS_MAX = 60_000;
/** Virtual time `SimCluster.settle` waits for a promise by default. */
export const SIM_SETTLE_MS_DEFAULT = 120_000;
/** Wall-clock epoch the virtual clock starts at (2025-01-01T00:00:00Z), so timestamps look real. */
export const SIM_EPOCH_MS = 1_735_689_600_000;
/** Attempts at the final read of each key after the nemesis healed. */
export const SIM_FINAL_READ_ATTEMPTS_MAX = 5;
/** Virtual time between two attempts at the final reads. */
export const SIM_FINAL_READ_RETRY_MS = 1000;
/** Virtual time the healed cluster gets to restart nodes and let repairs land. */
export const SIM_HEAL_MS_MAX = 60_000;
/** Virtual time operations still in flight at the end of a run get to return. */
export const SIM_DRAIN_MS_MAX = 30_000;
/** Virtual time every hint gets to reach its primary once the cluster is healed. */
export const SIM_HINT_DRAIN_MS_MAX = 60_000;
/** Virtual time the healed cluster runs before the final reads, for failure detectors to see every node up. */
export const SIM_DETECTOR_SETTLE_MS = 3000;
/** Virtual time after the final reads for read repair to reach every replica. */
export const SIM_REPAIR_MS = 1000;
/** Trace lines a failure report prints. */
export const SIM_REPORT_TRACE_LINES = 200;
