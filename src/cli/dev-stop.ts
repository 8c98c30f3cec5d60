/** Stopping dev nodes and recording it in the state file. */
import { isNodeRunning, killNode, type StopOutcome, stopNode } from './dev-cluster.js';
import { type DevNode, readDevState, withPid, writeDevState } from './dev-state.js';

export interface StopResult {
  readonly id: string;
  readonly pid: number | null;
  readonly outcome: StopOutcome;
}

/** What `dev stop` prints for one node. */
export function describeStop(result: StopResult): string {
  switch (result.outcome) {
    case 'stopped':
      return `stopped ${result.id} (pid ${result.pid})`;
    case 'killed':
      return `killed ${result.id} (pid ${result.pid}): it did not exit within the grace period after SIGTERM`;
    case 'not running':
      return `${result.id} was not running`;
  }
}

/**
 * Stops the nodes `ids` (all when undefined) in parallel and clears their pids. The state is
 * re-read first, so that nodes started meanwhile by another `ringkv dev start NODE` are included.
 */
export async function stopDevNodes(dir: string, ids: readonly string[] | undefined): Promise<StopResult[]> {
  const state = readDevState(dir);
  if (state === undefined) return [];
  const targets = state.nodes.filter((node) => ids === undefined || ids.includes(node.id));
  const results = await Promise.all(
    targets.map(async (node): Promise<StopResult> => ({ id: node.id, pid: node.pid, outcome: await stopNode(node) })),
  );
  forgetPids(dir, targets);
  return results;
}

/** SIGKILLs one node and clears its pid; false when it was not running. */
export async function killDevNode(dir: string, node: DevNode): Promise<boolean> {
  const killed = await killNode(node);
  forgetPids(dir, [node]);
  return killed;
}

function forgetPids(dir: string, nodes: readonly DevNode[]): void {
  let state = readDevState(dir);
  if (state === undefined) return;
  for (const node of nodes) {
    const current = state.nodes.find((candidate) => candidate.id === node.id);
    // Only forget the pid we stopped: a newer start may have recorded another one.
    if (current !== undefined && current.pid === node.pid && !isNodeRunning(current)) {
      state = withPid(state, node.id, null);
    }
  }
  writeDevState(dir, state);
}
