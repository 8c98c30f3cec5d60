/**
 * Binary form of a DVV set, used for storage and replication (a hot path: one pass to size, one
 * allocation, one pass to write). Format version 1:
 *
 *   u8      format version (1)
 *   varint  A, number of actors in the version vector
 *   A ×     varint byte length, UTF-8 actor, varint counter (≥ 1)   actors strictly ascending
 *   varint  S, number of siblings
 *   S ×     varint actor index (< A), varint counter (1..vv[actor]), u8 flags (bit 0: tombstone),
 *           then, unless a tombstone, varint value length and the value bytes
 *                                                                   siblings strictly ascending
 *
 * Varints are unsigned LEB128 of at most 2^53 - 1 in minimal length. Every sibling actor is in the
 * version vector (the DVV invariant), so the vv doubles as the actor table. The encoding of a set is
 * unique, so decode accepts exactly what encode produces and encode(decode(b)) equals b.
 */

import { sameBytes } from '../common/bytes.js';
import { actorFromUtf8, actorToUtf8, compareActors } from './actor-bytes.js';
import type { Actor, DvvSet, Sibling } from './dvv-set.js';
import { ByteReader, varintSize, writeVarint } from './varint.js';

const FORMAT_VERSION = 1;
const FLAG_TOMBSTONE = 1;

/** Serialises a DVV set; throws if it breaks the DVV invariants (a programmer error). */
export function encodeDvvSet(s: DvvSet): Uint8Array {
  const actors = [...s.vv.keys()].sort(compareActors);
  const names = actors.map(actorToUtf8);
  const counters = actors.map((actor) => s.vv.get(actor)!);
  if (counters.some((counter) => counter < 1)) throw new Error('encodeDvvSet: vv counters must be at least 1');
  const indexes = siblingActorIndexes(s.siblings, actors, counters);

  let size = 1 + varintSize(actors.length) + varintSize(s.siblings.length);
  for (let a = 0; a < actors.length; a++) {
    size += varintSize(names[a]!.length) + names[a]!.length + varintSize(counters[a]!);
  }
  for (let k = 0; k < s.siblings.length; k++) {
    const { dot, value } = s.siblings[k]!;
    size += varintSize(indexes[k]!) + varintSize(dot.counter) + 1;
    if (value !== null) size += varintSize(value.length) + value.length;
  }

  const out = new Uint8Array(size);
  out[0] = FORMAT_VERSION;
  let at = writeVarint(out, 1, actors.length);
  for (let a = 0; a < actors.length; a++) {
    at = writeVarint(out, at, names[a]!.length);
    out.set(names[a]!, at);
    at = writeVarint(out, at + names[a]!.length, counters[a]!);
  }
  at = writeVarint(out, at, s.siblings.length);
  for (let k = 0; k < s.siblings.length; k++) {
    const { dot, value } = s.siblings[k]!;
    at = writeVarint(out, at, indexes[k]!);
    at = writeVarint(out, at, dot.counter);
    out[at++] = value === null ? FLAG_TOMBSTONE : 0;
    if (value !== null) {
      at = writeVarint(out, at, value.length);
      out.set(value, at);
      at += value.length;
    }
  }
  if (at !== size) throw new Error(`encodeDvvSet: wrote ${at} bytes, sized ${size}`);
  return out;
}

// Maps each sibling to its actor's index, checking the invariants decode will demand on the way.
function siblingActorIndexes(
  siblings: readonly Sibling[],
  actors: readonly Actor[],
  counters: readonly number[],
): number[] {
  const indexes: number[] = [];
  let a = 0;
  let previous = 0;
  for (const { dot } of siblings) {
    const start = a;
    while (a < actors.length && actors[a] !== dot.actor) a++;
    if (a === actors.length) {
      throw new Error(`encodeDvvSet: sibling ${dot.actor}:${dot.counter} not covered or not in canonical order`);
    }
    const ascending = a > start || dot.counter > previous || indexes.length === 0;
    if (!ascending || dot.counter < 1 || dot.counter > counters[a]! || !Number.isSafeInteger(dot.counter)) {
      throw new Error(`encodeDvvSet: sibling ${dot.actor}:${dot.counter} out of order, duplicated or not covered`);
    }
    indexes.push(a);
    previous = dot.counter;
  }
  return indexes;
}

function malformed(reason: string): never {
  throw new Error(`malformed DVV set: ${reason}`);
}

/** Parses the output of encodeDvvSet; throws Error('malformed DVV set: ...') on anything else. */
export function decodeDvvSet(bytes: Uint8Array): DvvSet {
  const reader = new ByteReader(bytes, malformed);
  const version = reader.byte();
  if (version !== FORMAT_VERSION) malformed(`unknown format version ${version}`);

  // Each loop below consumes at least one byte per turn or fails, so a forged count cannot spin.
  const actorCount = reader.varint();
  const actors: Actor[] = [];
  const counters: number[] = [];
  const vv = new Map<Actor, number>();
  for (let a = 0; a < actorCount; a++) {
    const actor = actorFromUtf8(reader.view(reader.varint()), malformed);
    if (a > 0 && compareActors(actors[a - 1]!, actor) >= 0) malformed('actors not strictly ascending');
    const counter = reader.varint();
    if (counter === 0) malformed(`zero counter for actor ${JSON.stringify(actor)}`);
    actors.push(actor);
    counters.push(counter);
    vv.set(actor, counter);
  }

  const siblingCount = reader.varint();
  const siblings: Sibling[] = [];
  let previousIndex = -1;
  let previousCounter = 0;
  for (let k = 0; k < siblingCount; k++) {
    const index = reader.varint();
    const counter = reader.varint();
    if (index >= actors.length) malformed(`sibling actor index ${index} out of range`);
    if (counter === 0 || counter > counters[index]!) malformed(`sibling counter ${counter} not covered by the vv`);
    if (index < previousIndex || (index === previousIndex && counter <= previousCounter)) {
      malformed('siblings not strictly ascending');
    }
    const flags = reader.byte();
    if ((flags & ~FLAG_TOMBSTONE) !== 0) malformed(`unknown sibling flags ${flags}`);
    // slice() copies a plain Uint8Array input; on a Buffer (LevelDB's read, a gRPC frame's field)
    // it is a view, which is safe because neither is written again once handed over, and cheaper
    // on the hot read path. A long-lived set made from a large frame would pin the frame.
    const value = flags === FLAG_TOMBSTONE ? null : reader.view(reader.varint()).slice();
    siblings.push({ dot: { actor: actors[index]!, counter }, value });
    previousIndex = index;
    previousCounter = counter;
  }
  reader.end();
  return { vv, siblings };
}

/**
 * Whether merging `incoming` into the stored version `local` (encodeDvvSet's bytes) gives exactly
 * `incoming`, different from `local`. It does when incoming's version vector is at least local's
 * everywhere and ahead somewhere, and every sibling of incoming that local's vector covers is one
 * local still holds: sync then keeps all of incoming's siblings (those local holds too, and those
 * it has not seen), drops the others of local (incoming's vector covers them), and takes incoming's
 * vector. That is the usual case of a replica write, told from local's bytes without building its
 * set. False means "merge in full", not "not superseded". Throws like decodeDvvSet on malformed
 * bytes it reads.
 */
export function supersedesEncoded(incoming: DvvSet, local: Uint8Array): boolean {
  const actors = [...incoming.vv.keys()];
  const names = actors.map(actorToUtf8);
  // Local's counter for each of incoming's actors (0: local has not seen it), and for each of
  // local's actors its index among incoming's.
  const seen = actors.map(() => 0);
  const toIncoming: number[] = [];
  const reader = new ByteReader(local, malformed);
  const version = reader.byte();
  if (version !== FORMAT_VERSION) malformed(`unknown format version ${version}`);
  const actorCount = reader.varint();
  let ahead = actorCount < actors.length;
  for (let a = 0; a < actorCount; a++) {
    const name = reader.view(reader.varint());
    const counter = reader.varint();
    const i = names.findIndex((n) => sameBytes(n, name));
    if (i === -1) return false;
    const theirs = incoming.vv.get(actors[i]!)!;
    if (theirs < counter) return false;
    if (theirs > counter) ahead = true;
    seen[i] = counter;
    toIncoming.push(i);
  }
  if (!ahead) return false;
  let held: { actor: number; counter: number }[] | null = null;
  for (const { dot } of incoming.siblings) {
    const i = actors.indexOf(dot.actor);
    if (seen[i]! < dot.counter) continue; // local has not seen it: sync keeps it
    held ??= heldDots(reader, toIncoming);
    if (!held.some((d) => d.actor === i && d.counter === dot.counter)) return false;
  }
  return true;
}

/** The sibling dots of the rest of an encoding, actors as indexes among incoming's. */
function heldDots(reader: ByteReader, toIncoming: readonly number[]): { actor: number; counter: number }[] {
  const out: { actor: number; counter: number }[] = [];
  const count = reader.varint();
  for (let k = 0; k < count; k++) {
    const index = reader.varint();
    const counter = reader.varint();
    if (index >= toIncoming.length) malformed(`sibling actor index ${index} out of range`);
    if (reader.byte() !== FLAG_TOMBSTONE) reader.view(reader.varint());
    out.push({ actor: toIncoming[index]!, counter });
  }
  return out;
}
