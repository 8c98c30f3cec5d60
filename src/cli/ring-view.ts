/** Renders the ring (ownership and balance) and a key's placement for people. */
import pc from 'picocolors';
import type { ReplicaInfo } from '../client/types.js';
import { ownerCounts, type Ring } from '../ring/index.js';
import type { RenderOptions } from './status-view.js';
import { renderTable } from './table.js';

/** How evenly partitions are spread: per member count, and the ideal Q / members. */
export interface RingBalance {
  readonly counts: readonly { readonly id: string; readonly address: string; readonly partitions: number }[];
  readonly ideal: number;
  readonly min: number;
  readonly max: number;
}

/** Partitions owned per member (members with none included) and the spread around Q / members. */
export function ringBalance(ring: Ring): RingBalance {
  const owned = ownerCounts(ring);
  const counts = ring.members.map((member) => ({
    id: member.id,
    address: member.address,
    partitions: owned.get(member.id) ?? 0,
  }));
  const values = counts.map((count) => count.partitions);
  return {
    counts,
    ideal: ring.q / Math.max(1, ring.members.length),
    min: values.length === 0 ? 0 : Math.min(...values),
    max: values.length === 0 ? 0 : Math.max(...values),
  };
}

/** The ring as printed by `ringkv ring`. */
export function renderRing(ring: Ring, options: RenderOptions = {}): string {
  const colors = pc.createColors(options.color ?? pc.isColorSupported);
  const balance = ringBalance(ring);
  const rows = balance.counts.map((count) => [
    count.id,
    count.address,
    String(count.partitions),
    `${((100 * count.partitions) / ring.q).toFixed(1)}%`,
    signed(count.partitions - balance.ideal),
  ]);
  const header = `cluster ${ring.cluster}  epoch ${ring.epoch}  N=${ring.n}  Q=${ring.q}  members ${ring.members.length}`;
  const table = renderTable(['node', 'address', 'partitions', 'share', 'vs ideal'], rows, [
    'left',
    'left',
    'right',
    'right',
    'right',
  ]);
  const spread = balance.max - balance.min;
  const verdict = spread <= 1 ? colors.green('balanced') : colors.yellow(`spread ${spread}`);
  const summary = `balance: min ${balance.min}, max ${balance.max}, ideal ${formatIdeal(balance.ideal)} (${verdict})`;
  return [colors.bold(header), table, summary].join('\n');
}

/** The JSON form of `ringkv ring`: the ring without its owner array, plus the balance. */
export function ringJson(ring: Ring): object {
  const balance = ringBalance(ring);
  return {
    cluster: ring.cluster,
    epoch: ring.epoch,
    q: ring.q,
    n: ring.n,
    members: balance.counts,
    balance: { ideal: balance.ideal, min: balance.min, max: balance.max },
    owners: ring.owners,
  };
}

/** A key's partition and preference list as printed by `ringkv where`. */
export function renderWhere(key: string, partition: number, replicas: readonly ReplicaInfo[]): string {
  const rows = replicas.map((replica, i) => [String(i + 1), replica.nodeId, replica.address, replica.role]);
  const table = renderTable(['#', 'node', 'address', 'role'], rows, ['right', 'left', 'left', 'left']);
  return [`key ${JSON.stringify(key)}  partition ${partition}`, table].join('\n');
}

function signed(value: number): string {
  const text = formatIdeal(Math.abs(value));
  if (text === '0' || text === '0.0') return '0';
  return value < 0 ? `-${text}` : `+${text}`;
}

function formatIdeal(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
