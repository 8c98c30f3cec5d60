/** The dev cluster's processes: spawning nodes, telling whether they run, stopping them, waiting for them. */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { RingClient } from '../client/index.js';
import type { ClusterStatus } from '../client/types.js';
import { CliError } from './cli-error.js';
import type { DevNode, DevState } from './dev-state.js';
import { SECRET_ENV } from './node-flags.js';

/** How long `dev start` waits for its nodes to serve. */
export const DEV_START_TIMEOUT_MS = 30_000;
/** How long `dev stop` waits after SIGTERM before SIGKILL. */
export const DEV_STOP_GRACE_MS = 5_000;
/** How long to wait for a process to vanish after SIGKILL. */
export const DEV_KILL_WAIT_MS = 2_000;
/** Poll period while waiting for processes and status. */
const POLL_MS = 100;
/** Deadline of each connect while waiting for nodes to serve. */
const PROBE_TIMEOUT_MS = 2_000;
/** Lines of a node's log shown when it fails to start. */
const LOG_TAIL_LINES = 15;

/** The `ringkv` launcher, found relative to this module (dist/cli or src/cli). */
export const RINGKV_BIN = fileURLToPath(new URL('../../bin/ringkv.js', import.meta.url));

/**
 * Node.js flags every dev node runs with. `--single-threaded`: V8 posts no background tasks, so
 * garbage collection, optimizing compilation and the rest run on the node's own thread. V8 otherwise
 * wakes helper threads for each young-generation collection and each function it optimizes, and
 * with five nodes and a load generator on two cores those wake-ups cost more than the parallelism
 * saves. Paired runs of workload U at 64 in flight (docs/performance.md): `--single-threaded-gc`
 * alone spent 3.5% less node CPU per put than no flag (4 rounds: 0.966, 0.991, 0.932, 0.971), and
 * `--single-threaded` 5.9% less than `--single-threaded-gc` (6 rounds: 0.856, 0.978, 0.938, 0.947,
 * 0.947, 0.985; puts/s 1.006).
 */
export const NODE_RUNTIME_FLAGS: readonly string[] = ['--single-threaded'];

/** Every node of the dev cluster: the seeds `dev start` gives each node. */
export function devSeeds(state: DevState): string[] {
  return state.nodes.map((peer) => peer.address);
}

/**
 * Arguments of `ringkv node` for a dev node; the secret travels in the environment, not argv.
 * `seeds` defaults to every dev node; `dev add` passes the running cluster's members instead.
 */
export function nodeArgs(
  state: DevState,
  node: DevNode,
  bin: string = RINGKV_BIN,
  seeds: readonly string[] = devSeeds(state),
): string[] {
  return [
    bin,
    'node',
    '--id',
    node.id,
    '--listen',
    node.address,
    '--data',
    node.dataDir,
    '--seeds',
    seeds.join(','),
    '--cluster',
    state.cluster,
    '--partitions',
    String(state.q),
    '--replicas',
    String(state.n),
  ];
}

/** Whether a NUL-separated /proc cmdline is this dev node's `ringkv node` process. */
export function cmdlineMatches(cmdline: string, node: DevNode): boolean {
  const args = cmdline.split('\0');
  const follows = (flag: string, value: string): boolean => {
    const i = args.indexOf(flag);
    return i >= 0 && args[i + 1] === value;
  };
  return args.some((arg) => arg.includes('ringkv')) && follows('--id', node.id) && follows('--data', node.dataDir);
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const hasProc = existsSync('/proc/self/cmdline');

/** Whether the node's recorded pid is alive and, where /proc exists, really is that node (not a reused pid). */
export function isNodeRunning(node: DevNode): boolean {
  if (node.pid === null || !pidExists(node.pid)) return false;
  if (!hasProc) return true;
  try {
    return cmdlineMatches(readFileSync(`/proc/${node.pid}/cmdline`, 'utf8'), node);
  } catch {
    return false;
  }
}

/** Starts the node as a detached process logging to its log file; returns its pid. */
export function spawnNode(state: DevState, node: DevNode, seeds: readonly string[] = devSeeds(state)): number {
  mkdirSync(dirname(node.logFile), { recursive: true });
  mkdirSync(node.dataDir, { recursive: true });
  const log = openSync(node.logFile, 'a');
  try {
    const child = spawn(process.execPath, [...NODE_RUNTIME_FLAGS, ...nodeArgs(state, node, RINGKV_BIN, seeds)], {
      detached: true,
      stdio: ['ignore', log, log],
      env: { ...process.env, [SECRET_ENV]: state.secret },
    });
    // A failed spawn also shows up as a missing pid below; this only keeps it from crashing us.
    child.on('error', () => undefined);
    child.unref();
    if (child.pid === undefined) throw new CliError(`could not start node ${node.id} (${process.execPath})`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

async function waitGone(node: DevNode, ms: number): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += POLL_MS) {
    if (!isNodeRunning(node)) return true;
    await sleep(POLL_MS);
  }
  return !isNodeRunning(node);
}

export type StopOutcome = 'stopped' | 'killed' | 'not running';

/** SIGTERM, then SIGKILL if the node has not exited after `graceMs`. */
export async function stopNode(node: DevNode, graceMs: number = DEV_STOP_GRACE_MS): Promise<StopOutcome> {
  if (node.pid === null || !isNodeRunning(node)) return 'not running';
  process.kill(node.pid, 'SIGTERM');
  if (await waitGone(node, graceMs)) return 'stopped';
  process.kill(node.pid, 'SIGKILL');
  if (await waitGone(node, DEV_KILL_WAIT_MS)) return 'killed';
  throw new CliError(`node ${node.id} (pid ${node.pid}) is still alive after SIGKILL`);
}

/** SIGKILL without giving the node a chance to clean up; waits only for the process to vanish. */
export async function killNode(node: DevNode): Promise<boolean> {
  if (node.pid === null || !isNodeRunning(node)) return false;
  process.kill(node.pid, 'SIGKILL');
  if (!(await waitGone(node, DEV_KILL_WAIT_MS))) {
    throw new CliError(`node ${node.id} (pid ${node.pid}) is still alive after SIGKILL`);
  }
  return true;
}

/** The last lines of a log file, or a note that it cannot be read. */
export function logTail(file: string, lines: number = LOG_TAIL_LINES): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch (err) {
    return `(cannot read ${file}: ${(err as Error).message})`;
  }
}

/**
 * Why each of `ids` is not serving in `status`, or an empty list when all are. A node that left
 * the cluster (ringkv leave) is not waited for: it hands over what it has left and exits.
 */
export function notServing(status: ClusterStatus, ids: readonly string[]): string[] {
  const problems: string[] = [];
  for (const id of ids) {
    if (status.departed.includes(id)) continue;
    const member = status.members.find((candidate) => candidate.id === id);
    if (member === undefined) problems.push(`${id} (not in the ring yet)`);
    else if (!member.reachable)
      problems.push(`${id} (unreachable${member.error === undefined ? '' : `: ${member.error}`})`);
    else if (member.state !== 'serving') problems.push(`${id} (${member.state})`);
  }
  return problems;
}

/** A cluster status with the owners of the ring it was taken at (the status itself has none). */
export interface StatusSnapshot {
  readonly status: ClusterStatus;
  readonly owners: readonly string[];
}

async function probe(seeds: string[], ids: readonly string[]): Promise<{ snapshot?: StatusSnapshot; problem: string }> {
  let client: RingClient | undefined;
  try {
    client = await RingClient.connect({ seeds, timeoutMs: PROBE_TIMEOUT_MS });
    const status = await client.status();
    const problems = notServing(status, ids);
    if (problems.length > 0) return { problem: problems.join(', ') };
    return { snapshot: { status, owners: client.ring().owners }, problem: '' };
  } catch (err) {
    return { problem: `${ids.join(', ')} (cluster not answering: ${(err as Error).message})` };
  } finally {
    client?.close();
  }
}

/**
 * Waits until every node in `ids` answers status with state "serving"; fails early, with its log,
 * when one of them exits, and after `timeoutMs` naming the nodes that are not serving.
 */
export async function waitUntilServing(
  state: DevState,
  ids: readonly string[],
  signal: AbortSignal | undefined,
  timeoutMs: number = DEV_START_TIMEOUT_MS,
): Promise<StatusSnapshot> {
  const seeds = state.nodes.map((node) => node.address);
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    for (const node of state.nodes.filter((candidate) => ids.includes(candidate.id))) {
      if (isNodeRunning(node)) continue;
      throw new CliError(
        `node ${node.id} exited while starting; last lines of ${node.logFile}:\n${logTail(node.logFile)}`,
      );
    }
    const { snapshot, problem } = await probe(seeds, ids);
    if (snapshot !== undefined) return snapshot;
    if (signal?.aborted === true) throw new CliError('interrupted while waiting for nodes to serve');
    if (performance.now() > deadline) {
      const logs = state.nodes.find((node) => ids.includes(node.id))?.logFile ?? '';
      throw new CliError(`not serving after ${timeoutMs / 1000} s: ${problem}; see the node logs (e.g. ${logs})`);
    }
    await sleep(4 * POLL_MS, undefined, signal === undefined ? {} : { signal }).catch(() => undefined);
  }
}
