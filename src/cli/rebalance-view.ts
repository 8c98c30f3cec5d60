/** The rebalancing part of the status view: the change in progress, transfers, releases, departed nodes. */
import type { ClusterStatus, MemberStatus, TransferStatus } from '../client/types.js';
import { formatBytes, formatUptime } from './output.js';
import { renderTable } from './table.js';

/** Transfers listed one per row in the status view; the rest are counted. */
export const TRANSFER_ROWS_MAX = 16;

/** Partitions whose owner differs between `owners` and `nextOwners`, or undefined when either is unknown. */
export function partitionsChangingOwner(
  nextOwners: readonly string[] | null,
  owners: readonly string[] | undefined,
): number | undefined {
  if (nextOwners === null || owners === undefined || owners.length !== nextOwners.length) return undefined;
  return nextOwners.filter((id, p) => owners[p] !== id).length;
}

/** Partitions per node after the change in progress: "n1 52->43, n6 0->42" (nodes whose count changes). */
export function formatOwnerShift(status: ClusterStatus): string {
  const next = new Map<string, number>();
  for (const id of status.nextOwners ?? []) next.set(id, (next.get(id) ?? 0) + 1);
  return status.members
    .filter((m) => m.reachable && (next.get(m.id) ?? 0) !== m.partitionsOwned)
    .map((m) => `${m.id} ${m.partitionsOwned}->${next.get(m.id) ?? 0}`)
    .join(', ');
}

/** "done/total" or "done/?" when the total is unknown (0), using `format` for both. */
function progress(done: number, total: number, format: (value: number) => string): string {
  return `${format(done)}/${total === 0 ? '?' : format(total)}`;
}

/** One transfer as table cells: node, partition, from, state, keys, bytes, rate, ETA (and a note). */
export function transferRow(nodeId: string, t: TransferStatus): string[] {
  return [
    nodeId,
    String(t.partition),
    t.source === '' ? '-' : t.source,
    t.state,
    progress(t.keysDone, t.keysTotal, String),
    progress(t.bytesDone, t.bytesTotal, formatBytes),
    t.rateKeysPerS === 0 ? '-' : `${t.rateKeysPerS} keys/s`,
    t.etaS === 0 ? '-' : formatUptime(t.etaS),
    t.resumedAtKeys > 0 ? `resumed at ${t.resumedAtKeys} keys` : '',
  ];
}

/** Per member with transfers: "n6 40/126 copies done (2 copying, 1 syncing, 83 waiting)". */
export function formatTransferCounts(member: MemberStatus): string {
  const count = (state: TransferStatus['state']) => member.transfers.filter((t) => t.state === state).length;
  const busy = (['copying', 'syncing', 'waiting'] as const).map((state) => `${count(state)} ${state}`).join(', ');
  return `${member.id} ${count('done')}/${member.transfers.length} copies done (${busy})`;
}

// Active transfers first, then waiting ones; done ones are only counted.
const STATE_ORDER: Readonly<Record<TransferStatus['state'], number>> = { copying: 0, syncing: 1, waiting: 2, done: 3 };

function transferTable(status: ClusterStatus): string[] {
  const open = status.members
    .flatMap((m) => m.transfers.filter((t) => t.state !== 'done').map((t) => ({ id: m.id, t })))
    .sort((a, b) => STATE_ORDER[a.t.state] - STATE_ORDER[b.t.state]);
  if (open.length === 0) return [];
  const shown = open.slice(0, TRANSFER_ROWS_MAX);
  const rows = shown.map(({ id, t }) => transferRow(id, t));
  // The note column (resumed transfers) only when a row has one.
  const noted = shown.some(({ t }) => t.resumedAtKeys > 0);
  const head = ['node', 'partition', 'from', 'state', 'keys', 'bytes', 'rate', 'ETA', ...(noted ? ['note'] : [])];
  const align = ['left', 'right', 'left', 'left', 'right', 'right', 'right', 'right', 'left'] as const;
  const table = renderTable(
    head,
    rows.map((row) => (noted ? row : row.slice(0, -1))),
    [...align],
  );
  const rest = open.length - shown.length;
  return [table, ...(rest > 0 ? [`… and ${rest} more transfers not done`] : [])];
}

/**
 * The lines the status view adds while the ring changes (none when nothing is changing and no node
 * left): what the change moves, each member's transfers, partitions being released, members that
 * have not adopted the latest ring yet, departed ids.
 * `owners` (the current ring's) makes the count of moving partitions exact; without it it is left out.
 */
export function renderRebalancing(status: ClusterStatus, owners: readonly string[] | undefined): string[] {
  const lines: string[] = [];
  if (status.nextOwners !== null) {
    const moving = partitionsChangingOwner(status.nextOwners, owners);
    const count =
      moving === undefined ? 'a membership change is in progress' : `${moving} of ${status.q} partitions change owner`;
    const shift = formatOwnerShift(status);
    lines.push(`rebalancing (epoch ${status.epoch}): ${count}${shift === '' ? '' : `; partitions ${shift}`}`);
  }
  const receiving = status.members.filter((m) => m.reachable && m.transfers.length > 0);
  if (receiving.length > 0) {
    lines.push(`transfers: ${receiving.map(formatTransferCounts).join('; ')}`);
    lines.push(...transferTable(status));
  }
  const releasing = status.members.filter((m) => m.reachable && m.partitionsReleasing > 0);
  if (releasing.length > 0) {
    const parts = releasing.map((m) => `${m.id} ${m.partitionsReleasing}`).join(', ');
    lines.push(`partitions releasing (no longer replicated, dropped once every member has the new ring): ${parts}`);
  }
  const behind = status.members.filter((m) => m.reachable && m.ringEpoch !== status.epoch);
  if (behind.length > 0) {
    const parts = behind.map((m) => `${m.id} ${m.ringEpoch === 0 ? 'none yet' : m.ringEpoch}`).join(', ');
    lines.push(`ring epoch not yet ${status.epoch} on: ${parts}`);
  }
  if (status.departed.length > 0)
    lines.push(`departed (may not rejoin under the same id): ${status.departed.join(', ')}`);
  return lines;
}

/** A short rebalancing summary for the one-line status, or '' when nothing changes. */
export function formatRebalancingLine(status: ClusterStatus, owners: readonly string[] | undefined): string {
  const parts: string[] = [];
  if (status.nextOwners !== null) {
    const moving = partitionsChangingOwner(status.nextOwners, owners);
    parts.push(moving === undefined ? 'rebalancing' : `rebalancing: ${moving} partitions change owner`);
  }
  const copies = status.members.flatMap((m) => m.transfers);
  if (copies.length > 0)
    parts.push(`transfers ${copies.filter((t) => t.state === 'done').length}/${copies.length} done`);
  if (status.departed.length > 0) parts.push(`departed: ${status.departed.join(',')}`);
  return parts.join(' | ');
}
