/** Renders a membership change plan (`ringkv join | leave`, `dev add`) for people. */
import pc from 'picocolors';
import type { ChangePlanResult } from '../client/types.js';
import { formatBytes } from './output.js';
import type { RenderOptions } from './status-view.js';
import { renderTable } from './table.js';

/** Owner moves listed one per row; the rest are counted ("… and K more"). */
export const PLAN_MOVES_SHOWN_MAX = 32;

/** `join n6 (127.0.0.1:7106) at epoch 3: dry run, nothing changed` or `...: staged as epoch 4`. */
export function planHeader(plan: ChangePlanResult): string {
  const address = plan.address === '' ? '' : ` (${plan.address})`;
  const outcome = plan.committed ? `staged as epoch ${plan.stagedEpoch}` : 'dry run, nothing changed';
  return `${plan.kind} ${plan.nodeId}${address} at epoch ${plan.epoch}: ${outcome}`;
}

/** The partitions changing owner: a table of at most PLAN_MOVES_SHOWN_MAX rows and a count of the rest. */
export function renderOwnerMoves(plan: ChangePlanResult): string {
  const q = plan.balance.reduce((sum, row) => sum + row.before, 0);
  const moves = plan.ownerMoves;
  if (moves.length === 0) return 'no partition changes owner';
  const title = `${moves.length} of ${q} partitions change owner:`;
  const shown = moves.slice(0, PLAN_MOVES_SHOWN_MAX);
  const rows = shown.map((move) => [String(move.partition), move.from, move.to]);
  const table = renderTable(['partition', 'from', 'to'], rows, ['right', 'left', 'left']);
  const rest = moves.length - shown.length;
  return [title, table, ...(rest > 0 ? [`… and ${rest} more (--json lists them all)`] : [])].join('\n');
}

/** Copies to make with their size, and the copies each node receives and drops. */
export function renderReplicaSummary(plan: ChangePlanResult): string {
  const unknown =
    plan.unknownPartitions === 0
      ? ''
      : ` (size unknown for ${plan.unknownPartitions} partition${plan.unknownPartitions === 1 ? '' : 's'})`;
  const lines = [
    `replica copies: ${plan.copies} to make over ${plan.replicaMoves.length} partitions whose replicas change; ` +
      `${plan.keys} keys, ${formatBytes(plan.bytes)} to send${unknown}`,
  ];
  const gains = countPerNode(plan.replicaMoves.map((move) => move.gains));
  const losses = countPerNode(plan.replicaMoves.map((move) => move.losses));
  if (gains.length > 0) lines.push(`  copies received: ${gains.join(', ')}`);
  if (losses.length > 0) lines.push(`  copies dropped once the change completes: ${losses.join(', ')}`);
  return lines.join('\n');
}

/** Partitions owned per node before and after, with the difference. */
export function renderPlanBalance(plan: ChangePlanResult): string {
  const rows = plan.balance.map((row) => [
    row.nodeId,
    String(row.before),
    String(row.after),
    signed(row.after - row.before),
  ]);
  return renderTable(['node', 'partitions before', 'after', 'change'], rows, ['left', 'right', 'right', 'right']);
}

/** The whole plan: header, owner moves, replica copies and balance. */
export function renderPlan(plan: ChangePlanResult, options: RenderOptions = {}): string {
  const colors = pc.createColors(options.color ?? pc.isColorSupported);
  const header = planHeader(plan);
  return [
    plan.committed ? colors.bold(header) : colors.bold(colors.yellow(header)),
    renderOwnerMoves(plan),
    renderReplicaSummary(plan),
    'balance:',
    renderPlanBalance(plan),
  ].join('\n');
}

// "n6 42, n1 3": how often each node appears, most first, then by id.
function countPerNode(lists: readonly (readonly string[])[]): string[] {
  const counts = new Map<string, number>();
  for (const list of lists) for (const id of list) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts]
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, count]) => `${id} ${count}`);
}

function signed(value: number): string {
  if (value === 0) return '0';
  return value > 0 ? `+${value}` : String(value);
}
