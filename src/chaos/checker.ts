/**
 * The checker: reads every key the run wrote at consistency `all` (which also read-repairs
 * replicas that disagree, re-reading until they agree), then compares with the history. A run
 * passes with zero acknowledged writes lost, zero values present that were never attempted, zero
 * definitely-failed writes visible, hot keys' siblings between the acked and the attempted values,
 * and convergence in time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { RingClient } from '../client/index.js';
import type { History, Op, WorkloadName } from './history.js';
import { WORKLOADS } from './history.js';
import { parseSet } from './workload.js';

/** Concurrent final reads, attempts per key, and the pause between attempts. */
const READ_CONCURRENCY = 16;
const READ_ATTEMPTS = 4;
const READ_RETRY_MS = 300;
/** How many offending values a verdict lists. */
const SAMPLES_MAX = 10;

export interface FinalRead {
  readonly values: readonly Buffer[];
  /** Whether the replicas disagreed (the coordinator sent read repair). */
  readonly repaired: boolean;
}

export interface Agreement {
  readonly keys: number;
  /** Keys whose replicas disagreed on the first read at `all`. */
  readonly divergentAtFirstRead: number;
  /** Keys still disagreeing when the deadline came, or not readable at all. */
  readonly stillDivergent: number;
  readonly unreadable: number;
}

export interface WorkloadVerdict {
  readonly workload: WorkloadName;
  readonly attempted: number;
  readonly acked: number;
  readonly indeterminate: number;
  readonly failed: number;
  /** Acknowledged values (or set elements) missing from the final read. */
  readonly lost: number;
  /** Values present that no operation attempted. */
  readonly neverWritten: number;
  /** Definitely-failed values present. */
  readonly failedVisible: number;
  /** Most siblings seen on one key of this workload. */
  readonly siblingsMax: number;
  readonly samples: readonly string[];
}

async function readOnce(client: RingClient, key: string, timeoutMs: number): Promise<FinalRead | null> {
  for (let attempt = 1; attempt <= READ_ATTEMPTS; attempt++) {
    try {
      const r = await client.get(key, { consistency: 'all', timeoutMs });
      return { values: r.values, repaired: r.receipt.readRepair };
    } catch {
      if (attempt < READ_ATTEMPTS) await sleep(READ_RETRY_MS);
    }
  }
  return null;
}

async function readMany(
  client: RingClient,
  keys: readonly string[],
  timeoutMs: number,
  into: Map<string, FinalRead | null>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < keys.length) {
      const key = keys[next++] as string;
      into.set(key, await readOnce(client, key, timeoutMs));
    }
  };
  await Promise.all(Array.from({ length: READ_CONCURRENCY }, worker));
}

/** Reads `keys` at `all` and re-reads those whose replicas disagreed until they agree or `deadlineMs` (performance.now) passes. */
export async function finalReads(
  client: RingClient,
  keys: readonly string[],
  deadlineMs: number,
  timeoutMs: number,
): Promise<{ reads: Map<string, FinalRead | null>; agreement: Agreement }> {
  const reads = new Map<string, FinalRead | null>();
  await readMany(client, keys, timeoutMs, reads);
  const disagreeing = (): string[] => keys.filter((k) => reads.get(k)?.repaired !== false);
  const divergentAtFirstRead = keys.filter((k) => reads.get(k)?.repaired === true).length;
  let pending = disagreeing();
  while (pending.length > 0 && performance.now() < deadlineMs) {
    await sleep(READ_RETRY_MS);
    await readMany(client, pending, timeoutMs, reads);
    pending = disagreeing();
  }
  const unreadable = keys.filter((k) => reads.get(k) === null).length;
  return { reads, agreement: { keys: keys.length, divergentAtFirstRead, stillDivergent: pending.length, unreadable } };
}

/** Every key the history touched. */
export function keysOf(history: History): string[] {
  return [...new Set(history.ops.map((op) => op.key))];
}

/** The values (set elements for the set workload) a final read holds, and the ones that are not valid sets. */
function finalValues(workload: WorkloadName, read: FinalRead): { present: Set<string>; garbage: number } {
  if (workload !== 'set') return { present: new Set(read.values.map(String)), garbage: 0 };
  const present = new Set<string>();
  let garbage = 0;
  for (const v of read.values) {
    const elements = parseSet(v);
    if (elements === null) garbage++;
    else for (const e of elements) present.add(e);
  }
  return { present, garbage };
}

/** Compares one workload's history with the final reads. */
export function checkWorkload(
  workload: WorkloadName,
  ops: readonly Op[],
  reads: ReadonlyMap<string, FinalRead | null>,
): WorkloadVerdict {
  const samples: string[] = [];
  const note = (what: string): void => void (samples.length < SAMPLES_MAX && samples.push(what));
  let lost = 0;
  let neverWritten = 0;
  let failedVisible = 0;
  let siblingsMax = 0;
  const byKey = new Map<string, Op[]>();
  for (const op of ops) byKey.set(op.key, [...(byKey.get(op.key) ?? []), op]);
  for (const [key, keyOps] of byKey) {
    const read = reads.get(key);
    if (read === null || read === undefined) continue; // counted as unreadable by the agreement
    siblingsMax = Math.max(siblingsMax, read.values.length);
    const { present, garbage } = finalValues(workload, read);
    const attempted = new Set(keyOps.map((op) => op.value));
    neverWritten += garbage;
    for (const op of keyOps) {
      if (op.outcome === 'ok' && !present.has(op.value)) {
        lost++;
        note(`lost ${key} = ${op.value} (acked at ${op.level})`);
      }
      if (op.outcome === 'fail' && present.has(op.value)) {
        failedVisible++;
        note(`failed write visible: ${key} = ${op.value}`);
      }
    }
    for (const value of present) {
      if (attempted.has(value)) continue;
      neverWritten++;
      note(`never written: ${key} = ${value}`);
    }
  }
  const count = (outcome: Op['outcome']) => ops.filter((op) => op.outcome === outcome).length;
  return {
    workload,
    attempted: ops.length,
    acked: count('ok'),
    indeterminate: count('info'),
    failed: count('fail'),
    lost,
    neverWritten,
    failedVisible,
    siblingsMax,
    samples,
  };
}

/** Verdicts of every workload. */
export function checkHistory(history: History, reads: ReadonlyMap<string, FinalRead | null>): WorkloadVerdict[] {
  return WORKLOADS.map((w) => checkWorkload(w, history.of(w), reads));
}
