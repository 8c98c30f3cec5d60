/**
 * The history of a chaos run: every write attempted, with its outcome. `ok` is acknowledged,
 * `fail` is definitely not applied (rejected before any replica saw it), `info` is indeterminate:
 * a timeout, or UNAVAILABLE (the write may have landed on fewer than W replicas), or anything else.
 */
import type { Consistency } from '../client/index.js';
import { RingError } from '../client/index.js';

export type Outcome = 'ok' | 'fail' | 'info';
export type WorkloadName = 'unique' | 'hot' | 'set';
export const WORKLOADS: readonly WorkloadName[] = ['unique', 'hot', 'set'];

export interface Op {
  readonly workload: WorkloadName;
  readonly key: string;
  /** The unique value written (unique, hot) or the element added (set). */
  readonly value: string;
  readonly level: Consistency;
  /** Milliseconds since the run started. */
  readonly invokedMs: number;
  readonly completedMs: number;
  readonly outcome: Outcome;
  /** The error code when not ok. */
  readonly error?: string;
}

/** Error codes that prove the write was refused before any replica stored it. */
const DEFINITE_FAILURES: ReadonlySet<string> = new Set(['INVALID_ARGUMENT', 'TOO_LARGE']);

/** The outcome and code of a failed write. */
export function classifyWriteError(err: unknown): { outcome: Outcome; error: string } {
  const code = err instanceof RingError ? err.code : 'UNKNOWN';
  return { outcome: DEFINITE_FAILURES.has(code) ? 'fail' : 'info', error: code };
}

export interface Tally {
  attempted: number;
  ok: number;
  info: number;
  fail: number;
}

export class History {
  readonly ops: Op[] = [];

  record(op: Op): void {
    this.ops.push(op);
  }

  of(workload: WorkloadName): Op[] {
    return this.ops.filter((op) => op.workload === workload);
  }

  tally(workload: WorkloadName): Tally {
    const t: Tally = { attempted: 0, ok: 0, info: 0, fail: 0 };
    for (const op of this.of(workload)) {
      t.attempted++;
      t[op.outcome]++;
    }
    return t;
  }
}
