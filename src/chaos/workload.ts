/**
 * The chaos workloads, all writing unique values so the checker can tell every value apart:
 * unique-key writes cycling one/quorum/all (durability), blind writes to a few hot keys (siblings),
 * and read-modify-write sets at quorum (Jepsen's riak set app: elements merged across siblings).
 */
import { getMaxListeners, setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Consistency, RingClient } from '../client/index.js';
import { classifyWriteError, type History, type Op } from './history.js';
import type { Random } from './random.js';

/** Workers writing unique keys, and the pause between their writes. */
export const UNIQUE_WORKERS = 3;
export const UNIQUE_PACE_MS = 40;
/** Hot keys get blind writes until each holds this many (below the node's sibling limit of 100). */
export const HOT_KEYS = 8;
export const HOT_WRITES_PER_KEY_MAX = 40;
export const HOT_PACE_MS = 150;
/** Read-modify-write set keys, their concurrent workers, and the pause between operations. */
export const SET_KEYS = 4;
export const SET_WORKERS = 2;
export const SET_PACE_MS = 150;

const UNIQUE_LEVELS: readonly Consistency[] = ['one', 'quorum', 'all'];
const HOT_LEVELS: readonly Consistency[] = ['one', 'quorum'];

export interface WorkloadContext {
  readonly client: RingClient;
  readonly history: History;
  readonly random: Random;
  /** Prefix of every key, unique to the run. */
  readonly runId: string;
  /** Milliseconds since the run started. */
  readonly now: () => number;
  /** Deadline of each operation. */
  readonly opTimeoutMs: number;
}

export function hotKey(runId: string, i: number): string {
  return `${runId}:hot:${i}`;
}

export function setKey(runId: string, i: number): string {
  return `${runId}:set:${i}`;
}

/** The elements of a set value; null when the bytes are not a set this workload wrote. */
export function parseSet(value: Buffer): string[] | null {
  try {
    const parsed: unknown = JSON.parse(value.toString('utf8'));
    return Array.isArray(parsed) && parsed.every((e) => typeof e === 'string') ? (parsed as string[]) : null;
  } catch {
    return null;
  }
}

/** Runs every workload until `stop` fires; in-flight operations finish (within their deadline). */
export async function runWorkloads(ctx: WorkloadContext, stop: AbortSignal): Promise<void> {
  const hotCounts = Array.from({ length: HOT_KEYS }, () => 0);
  // Every loop waits on `stop` between operations: one abort listener each, not a leak.
  setMaxListeners(UNIQUE_WORKERS + SET_WORKERS + 1 + getMaxListeners(stop), stop);
  await Promise.all([
    ...Array.from({ length: UNIQUE_WORKERS }, (_, w) => loop(stop, UNIQUE_PACE_MS, (seq) => uniqueOp(ctx, w, seq))),
    loop(stop, HOT_PACE_MS, (seq) => hotOp(ctx, hotCounts, seq)),
    ...Array.from({ length: SET_WORKERS }, (_, w) => loop(stop, SET_PACE_MS, (seq) => setOp(ctx, w, seq))),
  ]);
}

async function loop(stop: AbortSignal, paceMs: number, op: (seq: number) => Promise<void>): Promise<void> {
  for (let seq = 0; !stop.aborted; seq++) {
    await op(seq);
    await sleep(paceMs, undefined, { signal: stop }).catch(() => undefined);
  }
}

/** Writes `value` and records the outcome. */
async function write(
  ctx: WorkloadContext,
  base: Pick<Op, 'workload' | 'key' | 'value' | 'level'>,
  payload: string,
  context?: string,
): Promise<void> {
  const invokedMs = ctx.now();
  try {
    await ctx.client.put(base.key, payload, {
      consistency: base.level,
      timeoutMs: ctx.opTimeoutMs,
      ...(context === undefined ? {} : { context }),
    });
    ctx.history.record({ ...base, invokedMs, completedMs: ctx.now(), outcome: 'ok' });
  } catch (err) {
    ctx.history.record({ ...base, invokedMs, completedMs: ctx.now(), ...classifyWriteError(err) });
  }
}

function uniqueOp(ctx: WorkloadContext, worker: number, seq: number): Promise<void> {
  const value = `${ctx.runId}-u${worker}-${seq}`;
  const level = UNIQUE_LEVELS[seq % UNIQUE_LEVELS.length] ?? 'quorum';
  return write(ctx, { workload: 'unique', key: `${ctx.runId}:u:${worker}:${seq}`, value, level }, value);
}

async function hotOp(ctx: WorkloadContext, counts: number[], seq: number): Promise<void> {
  const open = counts.flatMap((count, i) => (count < HOT_WRITES_PER_KEY_MAX ? [i] : []));
  if (open.length === 0) return;
  const i = ctx.random.pick(open);
  counts[i] = (counts[i] ?? 0) + 1;
  const value = `${ctx.runId}-h${i}-${seq}`;
  const level = ctx.random.pick(HOT_LEVELS);
  await write(ctx, { workload: 'hot', key: hotKey(ctx.runId, i), value, level }, value);
}

async function setOp(ctx: WorkloadContext, worker: number, seq: number): Promise<void> {
  const key = setKey(ctx.runId, ctx.random.int(0, SET_KEYS - 1));
  let read: Awaited<ReturnType<RingClient['get']>>;
  try {
    read = await ctx.client.get(key, { consistency: 'quorum', timeoutMs: ctx.opTimeoutMs });
  } catch {
    return; // nothing was written: not part of the history
  }
  const elements = new Set(read.values.flatMap((v) => parseSet(v) ?? []));
  const element = `${ctx.runId}-s${worker}-${seq}`;
  elements.add(element);
  const payload = JSON.stringify([...elements].sort());
  await write(ctx, { workload: 'set', key, value: element, level: 'quorum' }, payload, read.context);
}
