/**
 * Convergence after the final heal: every node serving and reachable, every peer seen up by every
 * node, no hint pending anywhere, and every anti-entropy tree equal to its peer's at the last
 * exchange (status: partitionsInSync = partitionsReplicated on every node).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClusterStatus, RingClient } from '../client/index.js';

/** Pause between status polls while waiting. */
const POLL_MS = 500;
/** Deadline of each status call while waiting. */
const STATUS_TIMEOUT_MS = 3_000;

/** Whether every node's trees matched their peers' at the last exchange. */
export type TreesCheck = 'equal' | 'not equal' | 'unknown';

export interface Convergence {
  readonly converged: boolean;
  /** Milliseconds from the start of the wait until every condition held (or the timeout). */
  readonly ms: number;
  /** Hints pending at the end. */
  readonly hintsPending: number;
  readonly trees: TreesCheck;
  /** What still did not hold at the timeout; empty when converged. */
  readonly unmet: readonly string[];
}

/** Hints pending across the cluster. */
export function hintsPending(status: ClusterStatus): number {
  return status.members.reduce((sum, m) => sum + (m.hints ?? []).reduce((s, h) => s + h.count, 0), 0);
}

/** Why the cluster has not converged yet; empty when it has. */
export function unconverged(status: ClusterStatus, ids: readonly string[]): string[] {
  const unmet: string[] = [];
  for (const id of ids) {
    const m = status.members.find((x) => x.id === id);
    if (m === undefined || !m.reachable || m.state !== 'serving') {
      unmet.push(`${id} not serving`);
      continue;
    }
    const notUp = m.peers.filter((p) => ids.includes(p.nodeId) && p.state !== 'up').map((p) => p.nodeId);
    if (notUp.length > 0) unmet.push(`${id} sees ${notUp.join(', ')} not up`);
  }
  const hints = hintsPending(status);
  if (hints > 0) unmet.push(`${hints} hints pending`);
  for (const m of status.members) {
    if (!ids.includes(m.id) || !m.reachable) continue;
    if (m.partitionsReplicated === 0 || m.partitionsInSync < m.partitionsReplicated) {
      unmet.push(`${m.id}: ${m.partitionsInSync}/${m.partitionsReplicated} partitions in sync`);
    }
  }
  return unmet;
}

/** Every reachable member's trees matched at its last exchanges. */
function treesCheck(status: ClusterStatus | null, ids: readonly string[]): TreesCheck {
  if (status === null) return 'unknown';
  const members = status.members.filter((m) => ids.includes(m.id) && m.reachable);
  const equal = members.every((m) => m.partitionsReplicated > 0 && m.partitionsInSync === m.partitionsReplicated);
  return equal ? 'equal' : 'not equal';
}

/** Polls status until the cluster converges or `timeoutMs` passes. */
export async function awaitConvergence(
  client: RingClient,
  ids: readonly string[],
  timeoutMs: number,
): Promise<Convergence> {
  const start = performance.now();
  let unmet = ['no status yet'];
  let hints = -1;
  let last: ClusterStatus | null = null;
  for (;;) {
    try {
      const status = await client.status({ timeoutMs: STATUS_TIMEOUT_MS });
      unmet = unconverged(status, ids);
      hints = hintsPending(status);
      last = status;
    } catch (err) {
      unmet = [`status failed: ${(err as Error).message}`];
    }
    const ms = Math.round(performance.now() - start);
    if (unmet.length === 0 || ms > timeoutMs) {
      return { converged: unmet.length === 0, ms, hintsPending: hints, trees: treesCheck(last, ids), unmet };
    }
    await sleep(POLL_MS);
  }
}
