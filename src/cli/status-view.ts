/** Renders a cluster status for people: the table used by `status`, `dev status` and the live view. */
import pc from 'picocolors';
import type { ClusterStatus, MemberStatus } from '../client/types.js';
import { formatUptime } from './output.js';
import { formatRebalancingLine, renderRebalancing } from './rebalance-view.js';
import { renderTable } from './table.js';

export interface RenderOptions {
  /** Use ANSI colors; defaults to whether stdout supports them. */
  readonly color?: boolean;
}

/** Status rendering options: `owners` (the current ring's) lets the view count the partitions a change moves. */
export interface StatusRenderOptions extends RenderOptions {
  readonly owners?: readonly string[] | undefined;
}

type Colors = ReturnType<typeof pc.createColors>;

/** The state a person sees: the node's own state when it answered, DOWN otherwise. */
export function memberState(member: MemberStatus): string {
  return member.reachable ? member.state : 'DOWN';
}

/** Number of members that answered their status call. */
export function countUp(status: ClusterStatus): number {
  return status.members.filter((member) => member.reachable).length;
}

/** One-line header: cluster, epoch, N, Q and how many nodes are up. */
export function statusHeader(status: ClusterStatus): string {
  const serving = status.members.filter((member) => memberState(member) === 'serving').length;
  const total = status.members.length;
  return (
    `cluster ${status.cluster}  epoch ${status.epoch}  N=${status.n}  Q=${status.q}  ` +
    `nodes up ${countUp(status)}/${total} (${serving} serving)`
  );
}

function colorState(state: string, colors: Colors): string {
  if (state === 'serving') return colors.green(state);
  if (state === 'DOWN') return colors.red(colors.bold(state));
  return colors.yellow(state);
}

/** Hints a node holds, by target: "n3:1200 n4:5", or "-" when none. */
export function formatHints(member: MemberStatus): string {
  return member.hints.length === 0 ? '-' : member.hints.map((h) => `${h.nodeId}:${h.count}`).join(' ');
}

/** The peers a node does not see as up: "n3 down, n4 suspect", or "-". */
export function formatSuspects(member: MemberStatus): string {
  const bad = member.peers.filter((p) => p.state === 'down' || p.state === 'suspect');
  return bad.length === 0 ? '-' : bad.map((p) => `${p.nodeId} ${p.state}`).join(', ');
}

/** Hints pending per target across the cluster, e.g. { n3: 1200 }. */
export function pendingHintsByTarget(status: ClusterStatus): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of status.members) for (const h of m.hints) out.set(h.nodeId, (out.get(h.nodeId) ?? 0) + h.count);
  return out;
}

function memberRow(member: MemberStatus, colors: Colors): string[] {
  const state = colorState(memberState(member), colors);
  if (!member.reachable) return [member.id, member.address, state, ...Array<string>(12).fill('-')];
  return [
    member.id,
    member.address,
    state,
    String(member.partitionsOwned),
    String(member.keys),
    formatHints(member),
    member.handoffRate === 0 ? '-' : `${member.handoffRate}/s`,
    formatSuspects(member),
    `${member.partitionsInSync}/${member.partitionsReplicated}${member.partitionsReplicated === 0 ? '' : ` (${member.lastExchangeAgeS}s ago)`}`,
    String(member.keysRepaired),
    String(member.tombstonesPending),
    `${member.requests}/${member.requestErrors}`,
    String(member.framedStreams),
    member.rssMb.toFixed(1),
    formatUptime(member.uptimeS),
  ];
}

/** The status table with its header and, below it, why unreachable nodes did not answer. */
export function renderStatus(status: ClusterStatus, options: StatusRenderOptions = {}): string {
  const colors = pc.createColors(options.color ?? pc.isColorSupported);
  const head = [
    'node',
    'address',
    'state',
    'partitions',
    'keys',
    'hints held (for)',
    'handoff',
    'sees down',
    'in sync (last exchange)',
    'repaired',
    'tombstones',
    'requests/errors',
    // Open framed connections (TCP or Unix socket): 0 means every stream to it is on gRPC.
    'framed',
    'rss MB',
    'uptime',
  ];
  const rows = status.members.map((member) => memberRow(member, colors));
  const align = [
    'left',
    'left',
    'left',
    'right',
    'right',
    'left',
    'right',
    'left',
    'right',
    'right',
    'right',
    'right',
    'right',
    'right',
    'right',
  ] as const;
  const table = renderTable(head, rows, [...align]);
  const pending = [...pendingHintsByTarget(status)].map(([id, n]) => `${id} ${n}`);
  const summary = colors.bold(`pending hints by target: ${pending.length === 0 ? 'none' : pending.join(', ')}`);
  const notes = status.members
    .filter((member) => !member.reachable && member.error !== undefined)
    .map((member) => colors.dim(`${member.id}: ${member.error}`));
  const rebalancing = renderRebalancing(status, options.owners);
  return [colors.bold(statusHeader(status)), table, summary, ...rebalancing, ...notes].join('\n');
}

/** A one-line summary for logs and non-terminal output, e.g. `n1 serving p=52 keys=1200`. */
export function formatStatusLine(status: ClusterStatus, owners?: readonly string[]): string {
  const members = status.members.map((member) => {
    const state = memberState(member);
    if (!member.reachable) return `${member.id} ${state}`;
    const hints = member.hints.length === 0 ? '' : ` hints=${formatHints(member)}`;
    const rate = member.handoffRate === 0 ? '' : ` handoff=${member.handoffRate}/s`;
    return `${member.id} ${state} p=${member.partitionsOwned} keys=${member.keys}${hints}${rate}`;
  });
  const pending = [...pendingHintsByTarget(status)].map(([id, n]) => `${id}=${n}`).join(',');
  const rebalancing = formatRebalancingLine(status, owners);
  return (
    `${statusHeader(status)} | ${members.join(' | ')} | pending hints: ${pending === '' ? 'none' : pending}` +
    (rebalancing === '' ? '' : ` | ${rebalancing}`)
  );
}
