/**
 * The history of a simulated run: every client operation the workload issued, with what the
 * client learnt about it, and every wipe of a node's data (the one fault that may legitimately
 * lose acknowledged writes, when it strikes W replicas of a key).
 */
import { RingError } from '../common/errors.js';
import type { Scheduler } from './scheduler.js';

/** What the client knows about an operation once it returned. */
export const OpStatus = {
  /** Acknowledged (a read returned values, a write was acknowledged at its W). */
  ok: 'ok',
  /** Certainly had no effect (the request was rejected before anything was written). */
  failed: 'failed',
  /** May or may not have taken effect: a timeout, or a write that met fewer than W replicas. */
  indeterminate: 'indeterminate',
} as const;
export type OpStatus = (typeof OpStatus)[keyof typeof OpStatus];

export const OpKind = {
  /** A blind write of a key no other operation writes. */
  unique: 'unique',
  /** A blind write of one of a few hot keys; concurrent ones must become siblings. */
  blind: 'blind',
  /** The read half of a read-modify-write of a set. */
  setRead: 'setRead',
  /** The write half of a read-modify-write of a set, with the read's context. */
  setWrite: 'setWrite',
  /** A plain read of any key the workload writes. */
  read: 'read',
} as const;
export type OpKind = (typeof OpKind)[keyof typeof OpKind];

export type Consistency = 'one' | 'quorum' | 'all';

/** One client operation. */
export interface Op {
  readonly id: number;
  readonly kind: OpKind;
  readonly key: string;
  /** The value written (writes only). */
  readonly value: string | null;
  /** The element a set write adds (setWrite only). */
  readonly element: string | null;
  readonly consistency: Consistency;
  /** Only primaries count toward R or W (asked for, or implied by consistency 'all'). */
  readonly strict: boolean;
  readonly coordinator: string;
  /** Virtual ms when the client sent it. */
  readonly start: number;
  end: number;
  status: OpStatus | null;
  /** The error code when not ok. */
  code: string;
  /** Values a read returned (reads only). */
  values: readonly string[];
  /** Nodes the receipt of an acknowledged write lists as holding it (primaries or fallbacks). */
  ackedBy: readonly string[];
}

/**
 * A node restarted on an empty disk. It lost what it held when it crashed at `crashedAt`: only
 * writes sent before then can have lost a copy.
 */
export interface Wipe {
  readonly node: string;
  readonly crashedAt: number;
}

/** Error codes that prove a request was rejected before anything was applied. */
const REJECTED_CODES: ReadonlySet<string> = new Set(['INVALID_ARGUMENT', 'TOO_LARGE']);

export class History {
  readonly ops: Op[] = [];
  readonly wipes: Wipe[] = [];

  constructor(private readonly scheduler: Scheduler) {}

  /** Records an operation as sent now. */
  begin(fields: Omit<Op, 'id' | 'start' | 'end' | 'status' | 'code' | 'values' | 'ackedBy'>): Op {
    const op: Op = {
      ...fields,
      id: this.ops.length,
      start: this.scheduler.now(),
      end: -1,
      status: null,
      code: '',
      values: [],
      ackedBy: [],
    };
    this.ops.push(op);
    return op;
  }

  /** Records a successful answer: a read's values, or the nodes a write's receipt names. */
  succeed(op: Op, values: readonly string[] = [], ackedBy: readonly string[] = []): void {
    op.end = this.scheduler.now();
    op.status = OpStatus.ok;
    op.values = values;
    op.ackedBy = ackedBy;
    this.scheduler.record(`op ${op.id} ${op.kind} ${op.key} ok ${values.length}`);
  }

  /**
   * Records an error. A timeout is indeterminate. A write that failed with anything but a
   * rejection of its input may have been applied on fewer than W replicas (coordinator failure()),
   * so it is indeterminate too; a read that did not time out simply failed.
   */
  fail(op: Op, err: unknown): void {
    op.end = this.scheduler.now();
    op.code = err instanceof RingError ? err.code : 'NOT_A_RING_ERROR';
    const isWrite = op.value !== null;
    const unknownOutcome = op.code === 'TIMEOUT' || (isWrite && !REJECTED_CODES.has(op.code));
    op.status = unknownOutcome ? OpStatus.indeterminate : OpStatus.failed;
    this.scheduler.record(`op ${op.id} ${op.kind} ${op.key} ${op.code}`);
  }

  /** Records that a node which crashed at `crashedAt` restarts on a wiped disk. */
  wiped(node: string, crashedAt: number): void {
    this.wipes.push({ node, crashedAt });
  }

  /**
   * Distinct nodes among `nodes` whose wiped copies may include a write sent at `sentAt`, counting
   * wipes of nodes that crashed before `until`.
   */
  wipedAfter(nodes: readonly string[], sentAt: number, until = Number.POSITIVE_INFINITY): number {
    const hit = this.wipes.filter((w) => w.crashedAt >= sentAt && w.crashedAt < until && nodes.includes(w.node));
    return new Set(hit.map((w) => w.node)).size;
  }

  /** Counts of operations by kind and status, for reports. */
  summary(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const op of this.ops) {
      const k = `${op.kind}.${op.status ?? 'pending'}`;
      out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  }
}

/** Replies a write at `consistency` needs, of `n` replicas. */
export function writeQuorum(consistency: Consistency, n: number): number {
  if (consistency === 'one') return 1;
  if (consistency === 'all') return n;
  return Math.floor(n / 2) + 1;
}
