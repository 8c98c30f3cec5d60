/**
 * Dotted version vector sets (design.md §3): the versions of one key. Each sibling carries the dot
 * (actor, counter) of the write that created it; the version vector is the causal context, i.e. the
 * set of every write the state has seen (kept or superseded). Actors are server nodes, so the number
 * of siblings is bounded by concurrent writers rather than by clients.
 */
import { compareActors } from './actor-bytes.js';

/** A server node id plus incarnation, e.g. "n1.3fa9"; never a client. */
export type Actor = string;

/** Causal context: for each actor, the highest counter seen; an absent actor means 0. */
export type VersionVector = ReadonlyMap<Actor, number>;

/** The identity of one write: the counter'th event issued by `actor` for this key. */
export interface Dot {
  readonly actor: Actor;
  readonly counter: number;
}

/** One concurrent version of a key; `value` null is a tombstone (a delete). */
export interface Sibling {
  readonly dot: Dot;
  readonly value: Uint8Array | null;
}

/**
 * The versions of one key. Invariants: every sibling's dot is covered by `vv`; dots are unique;
 * siblings are sorted by actor then counter, so equal sets are structurally equal.
 */
export interface DvvSet {
  readonly vv: VersionVector;
  readonly siblings: readonly Sibling[];
}

const EMPTY_VV: VersionVector = new Map<Actor, number>();

/** The state of a key never written. */
export const EMPTY_DVV_SET: DvvSet = Object.freeze({ vv: EMPTY_VV, siblings: Object.freeze([]) });

function compareDots(a: Dot, b: Dot): number {
  return compareActors(a.actor, b.actor) || a.counter - b.counter;
}

function covers(vv: VersionVector, dot: Dot): boolean {
  return (vv.get(dot.actor) ?? 0) >= dot.counter;
}

/**
 * Applies a client write coordinated by `actor`, which must be a replica of the key applying the
 * write to its own state first: that makes local.vv[actor] the highest counter ever issued by it,
 * so the new dot is unique. `context` is what the client read; everything it covers is superseded.
 */
export function update(local: DvvSet, context: VersionVector, value: Uint8Array | null, actor: Actor): DvvSet {
  if (typeof actor !== 'string' || actor.length === 0) {
    throw new Error(`update: actor must be a non-empty string, got ${String(actor)}`);
  }
  // The context's entry matters only if it is ahead of ours, which a correct coordinator never
  // sees; taking the max still keeps the new dot from colliding with one the client has seen.
  const counter = Math.max(local.vv.get(actor) ?? 0, context.get(actor) ?? 0) + 1;
  if (!Number.isSafeInteger(counter)) throw new Error(`update: counter of ${actor} overflowed`);
  const dot: Dot = { actor, counter };

  const siblings: Sibling[] = [];
  let inserted = false;
  for (const sibling of local.siblings) {
    if (covers(context, sibling.dot)) continue;
    if (!inserted && compareDots(sibling.dot, dot) > 0) {
      siblings.push({ dot, value });
      inserted = true;
    }
    siblings.push(sibling);
  }
  if (!inserted) siblings.push({ dot, value });

  const vv = joinVV(joinVV(local.vv, context), new Map([[actor, counter]]));
  return { vv, siblings };
}

/**
 * Merges two replica states of the same key. A sibling survives if both sides hold it or the other
 * side has not seen it; one the other side has seen but no longer holds was superseded there.
 * Commutative, associative and idempotent, so replicas converge whatever the order of exchanges.
 */
export function sync(a: DvvSet, b: DvvSet): DvvSet {
  if (a === b) return a;
  const as = a.siblings;
  const bs = b.siblings;
  const siblings: Sibling[] = [];
  let i = 0;
  let j = 0;
  // Both lists are sorted by dot, so one linear merge finds the common dots.
  while (i < as.length && j < bs.length) {
    const x = as[i]!;
    const y = bs[j]!;
    const order = compareDots(x.dot, y.dot);
    if (order === 0) {
      // A dot names one write, so both sides hold the same value.
      siblings.push(x);
      i++;
      j++;
    } else if (order < 0) {
      if (!covers(b.vv, x.dot)) siblings.push(x);
      i++;
    } else {
      if (!covers(a.vv, y.dot)) siblings.push(y);
      j++;
    }
  }
  for (; i < as.length; i++) if (!covers(b.vv, as[i]!.dot)) siblings.push(as[i]!);
  for (; j < bs.length; j++) if (!covers(a.vv, bs[j]!.dot)) siblings.push(bs[j]!);
  return { vv: joinVV(a.vv, b.vv), siblings };
}

/** Pointwise max of two version vectors; a fresh result lists actors in ascending order without zeros. */
export function joinVV(a: VersionVector, b: VersionVector): VersionVector {
  if (b.size === 0 || a === b) return a;
  if (a.size === 0) return b;
  const actors = new Set<Actor>(a.keys());
  for (const actor of b.keys()) actors.add(actor);
  const sorted = [...actors].sort(compareActors);
  const joined = new Map<Actor, number>();
  for (const actor of sorted) {
    const counter = Math.max(a.get(actor) ?? 0, b.get(actor) ?? 0);
    if (counter > 0) joined.set(actor, counter);
  }
  return joined;
}

/** True if `a` has seen everything `b` has: a ≥ b pointwise (absent entries are 0). */
export function descends(a: VersionVector, b: VersionVector): boolean {
  for (const [actor, counter] of b) {
    if ((a.get(actor) ?? 0) < counter) return false;
  }
  return true;
}

/** True if both states have the same version vector and the same sibling dots. */
export function equalDvv(a: DvvSet, b: DvvSet): boolean {
  if (a === b) return true;
  if (a.siblings.length !== b.siblings.length) return false;
  if (!descends(a.vv, b.vv) || !descends(b.vv, a.vv)) return false;
  for (let i = 0; i < a.siblings.length; i++) {
    if (compareDots(a.siblings[i]!.dot, b.siblings[i]!.dot) !== 0) return false;
  }
  return true;
}

/** The values of the non-tombstone siblings, in canonical (dot) order. */
export function liveValues(s: DvvSet): Uint8Array[] {
  const values: Uint8Array[] = [];
  for (const sibling of s.siblings) if (sibling.value !== null) values.push(sibling.value);
  return values;
}

/** True if the key has no live sibling: never written, or every concurrent version is a delete. */
export function isDeleted(s: DvvSet): boolean {
  return s.siblings.every((sibling) => sibling.value === null);
}

/** Number of siblings, tombstones included (what the sibling limit counts). */
export function siblingCount(s: DvvSet): number {
  return s.siblings.length;
}
