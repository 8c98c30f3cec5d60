/** `ringkv dev start [NODE]`: create or reuse the dev cluster, start its nodes, wait until they serve. */
import { PARTITIONS_DEFAULT, REPLICAS_DEFAULT } from '../common/limits.js';
import { UsageError } from './cli-error.js';
import { isNodeRunning, type StatusSnapshot, spawnNode, waitUntilServing } from './dev-cluster.js';
import {
  createDevState,
  DEV_BASE_PORT_DEFAULT,
  DEV_NODES_MAX,
  type DevState,
  type DevStateSpec,
  findDevNode,
  generateSecret,
  readDevState,
  requireDevState,
  withPid,
  writeDevState,
} from './dev-state.js';
import { parseIntInRange, parsePartitions, parseReplicas } from './parse-flags.js';

/** Nodes of a new dev cluster when --nodes is not given. */
export const DEV_NODES_DEFAULT = 5;

/** Raw `dev start` flags that shape a new cluster. */
export interface DevShapeFlags {
  readonly nodes?: string;
  readonly partitions?: string;
  readonly replicas?: string;
  readonly basePort?: string;
}

/** Validates the shape of a new dev cluster: N defaults to min(3, nodes) and may not exceed it; Q >= nodes. */
export function devSpecFromFlags(flags: DevShapeFlags, dir: string, secret: string): DevStateSpec {
  const nodes =
    flags.nodes === undefined ? DEV_NODES_DEFAULT : parseIntInRange('--nodes', flags.nodes, 1, DEV_NODES_MAX);
  const q = flags.partitions === undefined ? PARTITIONS_DEFAULT : parsePartitions('--partitions', flags.partitions);
  const n =
    flags.replicas === undefined ? Math.min(REPLICAS_DEFAULT, nodes) : parseReplicas('--replicas', flags.replicas);
  const basePort =
    flags.basePort === undefined
      ? DEV_BASE_PORT_DEFAULT
      : parseIntInRange('--base-port', flags.basePort, 1, 65_535 - nodes);
  if (n > nodes) throw new UsageError(`--replicas ${n} needs at least ${n} nodes, but --nodes is ${nodes}`);
  if (q < nodes) throw new UsageError(`--partitions ${q} is fewer than the ${nodes} nodes; each node needs one`);
  return { dir, nodes, q, n, basePort, secret };
}

/** Throws when shape flags are given for an existing cluster and disagree with it. */
export function checkReuse(state: DevState, flags: DevShapeFlags, dir: string): void {
  const firstPort = Number(state.nodes[0]?.address.split(':').pop()) - 1;
  const conflicts = [
    flags.nodes !== undefined && Number(flags.nodes) !== state.nodes.length ? `--nodes ${flags.nodes}` : '',
    flags.partitions !== undefined && Number(flags.partitions) !== state.q ? `--partitions ${flags.partitions}` : '',
    flags.replicas !== undefined && Number(flags.replicas) !== state.n ? `--replicas ${flags.replicas}` : '',
    flags.basePort !== undefined && Number(flags.basePort) !== firstPort ? `--base-port ${flags.basePort}` : '',
  ].filter((conflict) => conflict !== '');
  if (conflicts.length > 0) {
    throw new UsageError(
      `the dev cluster in ${dir} already exists with ${state.nodes.length} nodes, Q=${state.q}, N=${state.n}; ` +
        `${conflicts.join(', ')} cannot change it (run "ringkv dev clean" first to start over)`,
    );
  }
}

/** The state in `dir`, created (and written) from the flags when absent. */
export function loadOrCreate(dir: string, flags: DevShapeFlags): { state: DevState; created: boolean } {
  const existing = readDevState(dir);
  if (existing !== undefined) {
    checkReuse(existing, flags, dir);
    return { state: existing, created: false };
  }
  const state = createDevState(devSpecFromFlags(flags, dir, generateSecret()));
  writeDevState(dir, state);
  return { state, created: true };
}

/** Spawns each of `ids` that is not running, recording pids; `note` reports progress. */
export function startDevNodes(
  dir: string,
  state: DevState,
  ids: readonly string[],
  note: (line: string) => void,
): DevState {
  let next = state;
  for (const id of ids) {
    const node = findDevNode(next, id);
    if (isNodeRunning(node)) {
      note(`${id} already running (pid ${node.pid})`);
      continue;
    }
    const pid = spawnNode(next, node);
    next = withPid(next, id, pid);
    // Written after each spawn so that a crash of this command never loses a pid.
    writeDevState(dir, withPid(readDevState(dir) ?? next, id, pid));
    note(`started ${id} (pid ${pid}) on ${node.address}, log ${node.logFile}`);
  }
  return next;
}

/** Starts `ids` (every node when undefined) and waits until they serve. */
export async function startAndWait(
  dir: string,
  nodeId: string | undefined,
  flags: DevShapeFlags,
  note: (line: string) => void,
  signal: AbortSignal | undefined,
): Promise<{ state: DevState; snapshot: StatusSnapshot }> {
  // Starting one node needs an existing cluster: a lone new node would form a ring of its own.
  const { state, created } =
    nodeId === undefined ? loadOrCreate(dir, flags) : { state: requireDevState(dir), created: false };
  if (created) note(`created dev cluster in ${dir}: ${state.nodes.length} nodes, Q=${state.q}, N=${state.n}`);
  const ids = nodeId === undefined ? state.nodes.map((node) => node.id) : [findDevNode(state, nodeId).id];
  const started = startDevNodes(dir, state, ids, note);
  note(`waiting until ${ids.length === 1 ? ids[0] : 'every node'} serves...`);
  const snapshot = await waitUntilServing(started, ids, signal);
  return { state: started, snapshot };
}
