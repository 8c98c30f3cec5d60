/**
 * `ringkv dev add`: start one more node (the next id and port, as `dev start` numbers them) with the
 * running cluster as its seeds, wait until it answers, then join it to the cluster.
 */
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChangePlanResult } from '../client/types.js';
import { ErrorCode, RingError } from '../common/errors.js';
import type { Ring } from '../ring/index.js';
import { CliError, UsageError } from './cli-error.js';
import { DEV_START_TIMEOUT_MS, logTail } from './dev-cluster.js';
import { DEV_NODES_MAX, type DevNode, type DevState, readDevState, withPid, writeDevState } from './dev-state.js';
import type { NodeIdentity } from './node-probe.js';

/** Poll period while waiting for a new node to answer. */
const ANSWER_POLL_MS = 200;
/** Deadline of each status call while waiting. */
const ANSWER_PROBE_TIMEOUT_MS = 1000;
const DEV_ID = /^n(\d+)$/;

/** What `dev add` needs from the world; tests pass fakes. */
export interface DevAddDeps {
  /** A client of the running cluster. */
  readonly connect: (seeds: readonly string[]) => Promise<DevAddClient>;
  readonly isRunning: (node: DevNode) => boolean;
  /** Starts the node with these seeds; returns its pid. */
  readonly spawn: (state: DevState, node: DevNode, seeds: readonly string[]) => number;
  /** The node's own Admin Status; rejects while it does not answer. */
  readonly ask: (address: string, timeoutMs: number) => Promise<NodeIdentity>;
  readonly stop: (node: DevNode) => Promise<unknown>;
  readonly timeoutMs?: number;
}

/** The part of RingClient `dev add` uses. */
export interface DevAddClient {
  ring(): Ring;
  join(address: string, options: { dryRun: boolean }): Promise<ChangePlanResult>;
  close(): void;
}

export interface DevAddResult {
  readonly node: DevNode;
  /** True when this call put the node in the dev state (false: an earlier add left it waiting). */
  readonly created: boolean;
  /** What the node said when it first answered. */
  readonly answered: NodeIdentity;
  readonly plan: ChangePlanResult;
}

/**
 * The node `dev add` creates: n(K+1) after the highest nK, on the port `dev start` would give it,
 * skipping ids the ring lists as members or departed (a departed id may never come back).
 */
export function nextDevNode(state: DevState, dir: string, ring: Ring): DevNode {
  if (state.nodes.length >= DEV_NODES_MAX) {
    throw new UsageError(`the dev cluster in ${dir} already has ${state.nodes.length} nodes, the most it may have`);
  }
  const numbered = state.nodes.flatMap((node) => {
    const match = DEV_ID.exec(node.id);
    const port = Number(node.address.split(':').pop());
    return match === null || !Number.isInteger(port) ? [] : [{ index: Number(match[1]), port }];
  });
  const first = numbered[0];
  if (first === undefined)
    throw new CliError(`no node of the dev cluster in ${dir} is named nK; cannot number a new one`);
  const basePort = first.port - first.index;
  const taken = new Set([...state.nodes.map((n) => n.id), ...ring.members.map((m) => m.id), ...(ring.departed ?? [])]);
  let index = Math.max(...numbered.map((n) => n.index)) + 1;
  while (taken.has(`n${index}`)) index++;
  const id = `n${index}`;
  const port = basePort + index;
  const address = `127.0.0.1:${port}`;
  if (port > 65_535 || state.nodes.some((node) => node.address === address)) {
    throw new CliError(`cannot give ${id} a port: ${address} is out of range or already used by a dev node`);
  }
  return { id, address, dataDir: join(dir, id, 'data'), logFile: join(dir, id, 'node.log'), pid: null };
}

/** A dev node that is neither a member nor departed: an earlier `dev add` (a dry run) left it waiting. */
export function waitingDevNode(state: DevState, ring: Ring): DevNode | undefined {
  const known = new Set([...ring.members.map((m) => m.id), ...(ring.departed ?? [])]);
  return state.nodes.find((node) => !known.has(node.id));
}

/** Waits until `node` answers its own Admin Status (in any state); fails early, with its log, if it exits. */
export async function waitUntilAnswering(
  node: DevNode,
  deps: Pick<DevAddDeps, 'isRunning' | 'ask' | 'timeoutMs'>,
  signal: AbortSignal | undefined,
): Promise<NodeIdentity> {
  const timeoutMs = deps.timeoutMs ?? DEV_START_TIMEOUT_MS;
  const deadline = performance.now() + timeoutMs;
  let problem = '';
  for (;;) {
    if (!deps.isRunning(node)) {
      throw new CliError(
        `node ${node.id} exited while starting; last lines of ${node.logFile}:\n${logTail(node.logFile)}`,
      );
    }
    try {
      const answer = await deps.ask(node.address, ANSWER_PROBE_TIMEOUT_MS);
      if (answer.id === node.id) return answer;
      throw new CliError(`${node.address} answers as node ${answer.id}, not ${node.id}; is another cluster using it?`);
    } catch (err) {
      if (err instanceof CliError) throw err;
      problem = (err as Error).message;
    }
    if (signal?.aborted === true) throw new CliError(`interrupted while waiting for ${node.id} to answer`);
    if (performance.now() > deadline) {
      throw new CliError(`${node.id} did not answer within ${timeoutMs / 1000} s (${problem}); see ${node.logFile}`);
    }
    await sleep(ANSWER_POLL_MS, undefined, signal === undefined ? {} : { signal }).catch(() => undefined);
  }
}

/**
 * Adds one node to the running dev cluster in `dir` (or takes up the one an earlier dry run left
 * waiting) and joins it, or with `dryRun` only plans the join, leaving the node running.
 */
export async function addDevNode(
  dir: string,
  state: DevState,
  options: { readonly dryRun: boolean; readonly signal?: AbortSignal },
  deps: DevAddDeps,
  note: (line: string) => void,
): Promise<DevAddResult> {
  const running = state.nodes.filter((node) => deps.isRunning(node));
  if (running.length === 0) {
    throw new CliError(`no node of the dev cluster in ${dir} is running; start it with "ringkv dev start" first`);
  }
  const client = await deps.connect(running.map((node) => node.address));
  try {
    const ring = client.ring();
    const waiting = waitingDevNode(state, ring);
    if (waiting === undefined && ring.members.length >= ring.q) {
      throw new UsageError(`Q=${ring.q} partitions leave none for a node beyond the ${ring.members.length} members`);
    }
    const node = waiting ?? nextDevNode(state, dir, ring);
    if (waiting !== undefined) note(`${node.id} is in ${dir} but not in the ring: joining it`);
    else {
      const current = readDevState(dir) ?? state;
      writeDevState(dir, { ...current, nodes: [...current.nodes, node] });
    }
    const seeds = ring.members.map((m) => m.address).filter((address) => address !== node.address);
    const started = startIfStopped(dir, state, node, seeds, deps, note);
    const answered = await waitUntilAnswering(started, deps, options.signal);
    note(
      `${node.id} answers (state ${answered.state}); asking the cluster to ${options.dryRun ? 'plan' : 'make'} the join`,
    );
    try {
      const plan = await client.join(node.address, { dryRun: options.dryRun });
      return { node: started, created: waiting === undefined, answered, plan };
    } catch (err) {
      if (waiting === undefined && isRefusal(err)) await forget(dir, started, deps, note);
      throw err;
    }
  } finally {
    client.close();
  }
}

function startIfStopped(
  dir: string,
  state: DevState,
  node: DevNode,
  seeds: readonly string[],
  deps: DevAddDeps,
  note: (line: string) => void,
): DevNode {
  if (deps.isRunning(node)) return node;
  const pid = deps.spawn(state, node, seeds);
  // Recorded at once so that a crash of this command never loses the pid.
  writeDevState(dir, withPid(readDevState(dir) ?? state, node.id, pid));
  note(`started ${node.id} (pid ${pid}) on ${node.address} with seeds ${seeds.join(',')}, log ${node.logFile}`);
  return { ...node, pid };
}

// The cluster refused the join, so nothing refers to the new node: stop it and forget it entirely.
function isRefusal(err: unknown): boolean {
  return (
    err instanceof RingError && (err.code === ErrorCode.FAILED_PRECONDITION || err.code === ErrorCode.INVALID_ARGUMENT)
  );
}

async function forget(dir: string, node: DevNode, deps: DevAddDeps, note: (line: string) => void): Promise<void> {
  await deps.stop(node);
  const state = readDevState(dir);
  if (state !== undefined) writeDevState(dir, { ...state, nodes: state.nodes.filter((n) => n.id !== node.id) });
  rmSync(dirname(node.dataDir), { recursive: true, force: true });
  note(`the cluster refused ${node.id}: stopped it and removed it from ${dir}`);
}
