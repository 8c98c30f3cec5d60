/**
 * One seed of the sweep: build a five-node cluster from the seed, run the workload under the
 * nemesis for the given virtual duration, heal, and check. Everything (the fault plan, the
 * workload, every delay and drop) derives from the seed, so `runSeed(s)` twice gives the same
 * trace hash, the same violations and the same stats.
 */
import { DEFAULT_LIMITS } from '../common/limits.js';
import { checkHistory, type Violation } from './checkers.js';
import { divergence, readEverything, replicaStates } from './convergence.js';
import { History } from './history.js';
import { drawFaultPlan, type FaultPlan, Nemesis, type NemesisStats } from './nemesis.js';
import { SeededRandom } from './random.js';
import { SimCluster } from './sim-cluster.js';
import {
  SIM_DETECTOR_SETTLE_MS,
  SIM_DRAIN_MS_MAX,
  SIM_HEAL_MS_MAX,
  SIM_HINT_DRAIN_MS_MAX,
  SIM_REPAIR_MS,
} from './sim-limits.js';
import { Workload, type WorkloadPlan } from './workload.js';

export type { Violation } from './checkers.js';

/** Virtual seconds a seed runs by default. */
export const SIM_DURATION_S_DEFAULT = 60;

export interface RunSeedOptions {
  /** Virtual seconds of workload and faults before healing (default 60). */
  readonly durationS?: number;
  /** Deliberate bug: coordinators acknowledge writes before W replicas answered. */
  readonly ackBeforeQuorum?: boolean;
  /** Workload size; the default spreads a few hundred operations over the run. */
  readonly workload?: WorkloadPlan;
  /** Ring partitions (default SIM_PARTITIONS). */
  readonly q?: number;
  /** Let the network duplicate forwarded writes too (see NetworkOptions.duplicateForwardedWrites). */
  readonly duplicateForwardedWrites?: boolean;
}

export interface SeedStats {
  readonly virtualMs: number;
  readonly events: number;
  readonly ops: Readonly<Record<string, number>>;
  readonly faults: NemesisStats;
  readonly messages: { sent: number; delivered: number; dropped: number; duplicated: number };
}

export interface SeedResult {
  readonly ok: boolean;
  readonly seed: number;
  readonly traceHash: string;
  readonly violations: readonly Violation[];
  readonly stats: SeedStats;
  /** The last trace lines and the fault plan, for failure reports. */
  readonly traceTail: readonly string[];
  readonly plan: FaultPlan;
}

export const DEFAULT_WORKLOAD: WorkloadPlan = {
  uniqueWrites: 80,
  hotKeys: 3,
  blindWrites: 30,
  setKeys: 3,
  setUpdates: 30,
  reads: 40,
};

/**
 * Ring partitions of a simulated cluster: enough for every node to own many, few enough that the
 * per-partition background work (anti-entropy trees) stays cheap in a sweep.
 */
export const SIM_PARTITIONS = 64;
const NODES = 5;
const REPLICAS = 3;

/** Runs one seed and checks it. Never throws for a property violation; it is in `violations`. */
export async function runSeed(seed: number, options: RunSeedOptions = {}): Promise<SeedResult> {
  const durationMs = Math.round((options.durationS ?? SIM_DURATION_S_DEFAULT) * 1000);
  const root = new SeededRandom(seed);
  const plan = drawFaultPlan(root.fork('plan'));
  const cluster = new SimCluster({
    seed,
    nodes: NODES,
    q: options.q ?? SIM_PARTITIONS,
    n: REPLICAS,
    network: { ...plan.network, duplicateForwardedWrites: options.duplicateForwardedWrites === true },
    clockSkewMs: plan.clockSkewMs,
    logLevel: 'error',
    ...(options.ackBeforeQuorum === true ? { testFaults: { ackBeforeQuorum: true } } : {}),
  });
  await cluster.start();
  const history = new History(cluster.scheduler);
  const workload = new Workload(cluster, history, root.fork('workload'), options.workload ?? DEFAULT_WORKLOAD);
  const nemesis = new Nemesis(cluster, history, root.fork('nemesis'), plan);
  workload.schedule(durationMs);
  nemesis.schedule(durationMs);
  await cluster.runFor(durationMs);

  const violations: Violation[] = [];
  violations.push(...(await healAndDrain(cluster, nemesis, workload)));
  const keys = [...workload.keys.keys()];
  // First as a client would once the failure detectors saw the healed cluster (quorum, fallbacks
  // allowed), then strictly at 'all'.
  await cluster.runFor(SIM_DETECTOR_SETTLE_MS);
  const sloppyReads = await readEverything(cluster, keys, root.fork('sloppy'), {
    consistency: 'quorum',
    strict: false,
  });
  const finalReads = await readEverything(cluster, keys, root.fork('final'));
  await cluster.runFor(SIM_REPAIR_MS);
  violations.push(
    ...checkHistory({
      history,
      keys: workload.keys,
      finalReads,
      n: REPLICAS,
      siblingsMax: DEFAULT_LIMITS.siblingsMax,
      primariesOf: (key) => cluster.primariesOf(key),
    }),
    ...checkHistory({
      history,
      keys: workload.keys,
      finalReads: sloppyReads,
      finalR: 2,
      n: REPLICAS,
      siblingsMax: DEFAULT_LIMITS.siblingsMax,
      primariesOf: (key) => cluster.primariesOf(key),
    })
      .filter((v) => v.check !== 'stale-read')
      .map((v) => ({ ...v, check: `healed-quorum-read:${v.check}` })),
    ...checkReplicas(cluster, keys),
    ...(await auditTrees(cluster)),
  );
  for (const v of violations) cluster.scheduler.record(`violation ${v.check} ${v.key}`);
  return {
    ok: violations.length === 0,
    seed,
    traceHash: cluster.traceHash(),
    violations,
    stats: {
      virtualMs: cluster.now(),
      events: cluster.scheduler.eventCount,
      ops: history.summary(),
      faults: { ...nemesis.stats },
      messages: { ...cluster.network.stats },
    },
    traceTail: cluster.scheduler.traceTail(),
    plan,
  };
}

/**
 * Every node's incremental anti-entropy trees must equal trees rebuilt from its storage: a tree
 * that drifted from the data it summarises makes replicas look different forever (or, worse, the same).
 */
async function auditTrees(cluster: SimCluster): Promise<Violation[]> {
  const out: Violation[] = [];
  for (const id of cluster.ids) {
    if (!cluster.isUp(id)) continue;
    const wrong = await cluster.settle(cluster.node(id).antiEntropy.audit());
    if (wrong.length > 0) {
      out.push({
        check: 'tree-vs-storage',
        key: '',
        message: `${id}: the anti-entropy trees of partitions ${wrong.join(', ')} differ from a rebuild from storage`,
      });
    }
  }
  return out;
}

/** Heals the nemesis, waits for every node to serve a ring and every operation to return. */
async function healAndDrain(cluster: SimCluster, nemesis: Nemesis, workload: Workload): Promise<Violation[]> {
  const out: Violation[] = [];
  const healed = nemesis.heal().then(
    () => null,
    (err: unknown) => String(err),
  );
  const serving = () => cluster.ids.every((id) => cluster.isUp(id) && cluster.node(id).membership.ring !== null);
  const restartError = await cluster.settle(healed, SIM_HEAL_MS_MAX).catch((err: unknown) => String(err));
  if (restartError !== null)
    out.push({ check: 'restart', key: '', message: `a node did not restart: ${restartError}` });
  await cluster.runUntil(serving, SIM_HEAL_MS_MAX).catch(() => {
    const idle = cluster.ids.filter((id) => !cluster.isUp(id) || cluster.node(id).membership.ring === null);
    out.push({ check: 'restart', key: '', message: `no ring after healing on ${idle.join(', ')}` });
  });
  await cluster.settle(workload.done(), SIM_DRAIN_MS_MAX).catch(() => {
    out.push({
      check: 'stuck-op',
      key: '',
      message: `operations still had no answer ${SIM_DRAIN_MS_MAX} ms after healing`,
    });
  });
  await cluster
    .runUntil(() => hintsHeld(cluster) === 0, SIM_HINT_DRAIN_MS_MAX)
    .catch(() => {
      out.push({
        check: 'hints-not-drained',
        key: '',
        message: `${hintsHeld(cluster)} hints still held ${SIM_HINT_DRAIN_MS_MAX} ms after healing`,
      });
    });
  return out;
}

/**
 * Hints every disk holds. Read defensively: the hint keyspace arrives with hinted handoff, and a
 * disk without one holds none.
 */
function hintsHeld(cluster: SimCluster): number {
  let count = 0;
  for (const id of cluster.ids) {
    const disk: { readonly hints?: ReadonlyMap<string, unknown> } = cluster.slot(id).disk;
    count += disk.hints?.size ?? 0;
  }
  return count;
}

/** The primaries of every key store equal versions; every node's key count matches its data. */
function checkReplicas(cluster: SimCluster, keys: readonly string[]): Violation[] {
  const out: Violation[] = [];
  for (const key of keys) {
    const diff = divergence(replicaStates(cluster, key));
    if (diff !== null) out.push({ check: 'divergence', key, message: `replicas disagree after repair: ${diff}` });
  }
  for (const id of cluster.ids) {
    const storage = cluster.slot(id).storage;
    if (storage.countData() !== storage.actualDataKeys()) {
      out.push({
        check: 'key-count',
        key: '',
        message: `${id} counts ${storage.countData()} keys but stores ${storage.actualDataKeys()}`,
      });
    }
  }
  for (const e of cluster.logs.entries('error')) {
    out.push({
      check: 'error-log',
      key: '',
      message: `${JSON.stringify(e.bindings)} logged an error at ${e.timeMs} ms: ${e.msg}`,
    });
  }
  return out;
}
