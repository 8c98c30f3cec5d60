/**
 * The checkers: properties every run must keep, judged from the history, the final reads at
 * consistency 'all' after healing, and the replicas' stored states.
 *
 * A wipe may destroy the only copies of a write, so a write counts as protected only while fewer
 * than its W of the nodes that may hold it (the key's primaries and any fallback its receipt
 * names) were wiped after it was sent; an unprotected write is not required to survive (nothing
 * in the system promises that), every other check still applies.
 */
import type { FinalRead } from './convergence.js';
import { type History, type Op, OpKind, OpStatus, writeQuorum } from './history.js';
import { decodeSet, type KeyKind } from './workload.js';

/** One broken property. */
export interface Violation {
  /** Which checker: lost-write, phantom-value, siblings, set-element, unreadable, divergence, ... */
  readonly check: string;
  readonly key: string;
  readonly message: string;
}

/** What the history checkers need besides the history. */
export interface CheckInput {
  readonly history: History;
  readonly keys: ReadonlyMap<string, KeyKind>;
  readonly finalReads: ReadonlyMap<string, FinalRead>;
  /** Replicas per key, and the node-configured sibling limit. */
  readonly n: number;
  readonly siblingsMax: number;
  readonly primariesOf: (key: string) => readonly string[];
  /**
   * R of the final reads (default n, i.e. 'all'): only writes whose W quorum must intersect them
   * (R + W > n) are required to show.
   */
  readonly finalR?: number;
}

/** Runs every history checker and returns what they found, in a stable order. */
export function checkHistory(input: CheckInput): Violation[] {
  const writes = writesByKey(input.history.ops);
  const out: Violation[] = [];
  for (const [key, kind] of input.keys) {
    const keyWrites = writes.get(key) ?? [];
    const final = input.finalReads.get(key);
    if (final === undefined || !final.ok) {
      out.push({
        check: 'unreadable',
        key,
        message: `no read at 'all' succeeded after healing (${final?.ok === false ? final.code : 'not read'})`,
      });
      continue;
    }
    out.push(...checkPhantoms(key, keyWrites, input.history.ops, final.values));
    const isProtected = (op: Op) => {
      const holders = [...new Set([...input.primariesOf(key), ...op.ackedBy])];
      // The read must meet at least w + r - n of the replicas the write reached, and a wiped one
      // may be among them.
      const overlap = writeQuorum(op.consistency, input.n) + (input.finalR ?? input.n) - input.n;
      return op.status === OpStatus.ok && input.history.wipedAfter(holders, op.start) < overlap;
    };
    if (kind === 'set') out.push(...checkSet(key, keyWrites, final.values, isProtected));
    else out.push(...checkLostWrites(key, keyWrites, final.values, isProtected));
    if (kind === 'hot') out.push(...checkSiblings(key, keyWrites, final.values, isProtected, input.siblingsMax));
  }
  out.push(...checkStrictReads(input, writes));
  return out;
}

/**
 * Strict quorums intersect: a strict read at R that began after a strict blind write was
 * acknowledged at W, with R + W > N, returns that write's value, unless one of the key's
 * primaries was wiped in between (its empty disk may be the intersection).
 */
function checkStrictReads(input: CheckInput, writes: ReadonlyMap<string, readonly Op[]>): Violation[] {
  const out: Violation[] = [];
  for (const read of input.history.ops) {
    if (read.kind !== OpKind.read || read.status !== OpStatus.ok || !read.strict) continue;
    const r = writeQuorum(read.consistency, input.n);
    const present = new Set(read.values);
    const primaries = input.primariesOf(read.key);
    for (const w of writes.get(read.key) ?? []) {
      const blind = w.kind === OpKind.unique || w.kind === OpKind.blind;
      if (!blind || !w.strict || w.status !== OpStatus.ok || w.end >= read.start) continue;
      if (r + writeQuorum(w.consistency, input.n) <= input.n || present.has(w.value!)) continue;
      if (input.history.wipedAfter(primaries, w.start, read.end) > 0) continue;
      out.push({
        check: 'stale-read',
        key: read.key,
        message:
          `strict ${read.consistency} read op ${read.id} (via ${read.coordinator}, ${read.start}-${read.end} ms) missed ` +
          `strict ${w.consistency} write op ${w.id} (via ${w.coordinator}, acknowledged at ${w.end} ms)`,
      });
    }
  }
  return out;
}

function writesByKey(ops: readonly Op[]): Map<string, Op[]> {
  const map = new Map<string, Op[]>();
  for (const op of ops) {
    if (op.value === null) continue;
    const list = map.get(op.key) ?? [];
    list.push(op);
    map.set(op.key, list);
  }
  return map;
}

/** Every value any read returned must come from a write of that key that was not rejected. */
function checkPhantoms(
  key: string,
  writes: readonly Op[],
  ops: readonly Op[],
  finalValues: readonly string[],
): Violation[] {
  const attempted = new Map(writes.map((w) => [w.value, w]));
  const seen: { value: string; by: string }[] = finalValues.map((value) => ({ value, by: "the final read at 'all'" }));
  for (const op of ops) {
    if (op.key !== key || op.value !== null || op.status !== OpStatus.ok) continue;
    for (const value of op.values) seen.push({ value, by: `read op ${op.id} at ${op.start} ms` });
  }
  const out: Violation[] = [];
  for (const { value, by } of seen) {
    const w = attempted.get(value);
    if (w === undefined)
      out.push({
        check: 'phantom-value',
        key,
        message: `${by} returned ${JSON.stringify(value)}, which no write sent`,
      });
    else if (w.status === OpStatus.failed) {
      out.push({
        check: 'phantom-value',
        key,
        message: `${by} returned the value of write op ${w.id}, which was rejected (${w.code})`,
      });
    }
  }
  return out;
}

/** Every protected acknowledged blind write's value is among the key's siblings. */
function checkLostWrites(
  key: string,
  writes: readonly Op[],
  values: readonly string[],
  isProtected: (op: Op) => boolean,
): Violation[] {
  const present = new Set(values);
  return writes
    .filter((w) => isProtected(w) && !present.has(w.value!))
    .map((w) => ({
      check: 'lost-write',
      key,
      message:
        `write op ${w.id} (${w.consistency}, via ${w.coordinator}, sent at ${w.start} ms, acknowledged at ${w.end} ms) ` +
        `is missing after healing; the key holds ${values.length} value(s)`,
    }));
}

/** Siblings of a hot key: at least one if a protected write was acknowledged; never more than sent or allowed. */
function checkSiblings(
  key: string,
  writes: readonly Op[],
  values: readonly string[],
  isProtected: (op: Op) => boolean,
  siblingsMax: number,
): Violation[] {
  const blind = writes.filter((w) => w.kind === OpKind.blind);
  const out: Violation[] = [];
  if (values.length > blind.length) {
    out.push({
      check: 'siblings',
      key,
      message: `${values.length} siblings, but only ${blind.length} blind writes were sent`,
    });
  }
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  for (const [value, count] of counts) {
    if (count === 1) continue;
    const w = writes.find((op) => op.value === value);
    out.push({
      check: 'siblings',
      key,
      message: `write op ${w?.id ?? '?'} (via ${w?.coordinator ?? '?'}) is ${count} siblings: one client write was applied as ${count} versions`,
    });
  }
  if (values.length > siblingsMax) {
    out.push({ check: 'siblings', key, message: `${values.length} siblings, above the limit of ${siblingsMax}` });
  }
  if (values.length === 0 && blind.some(isProtected)) {
    out.push({ check: 'siblings', key, message: 'no sibling left, though acknowledged blind writes were sent' });
  }
  return out;
}

/** Every element a protected acknowledged set write added is in the union of the key's siblings. */
function checkSet(
  key: string,
  writes: readonly Op[],
  values: readonly string[],
  isProtected: (op: Op) => boolean,
): Violation[] {
  const out: Violation[] = [];
  const union = new Set<string>();
  for (const v of values) {
    const elements = decodeSet(v);
    if (elements === null)
      out.push({ check: 'set-element', key, message: `a sibling is not a set: ${JSON.stringify(v)}` });
    for (const e of elements ?? []) union.add(e);
  }
  for (const w of writes) {
    if (w.element === null || !isProtected(w) || union.has(w.element)) continue;
    out.push({
      check: 'set-element',
      key,
      message: `element ${w.element} of set write op ${w.id} (via ${w.coordinator}, acknowledged at ${w.end} ms) is missing after healing`,
    });
  }
  return out;
}
