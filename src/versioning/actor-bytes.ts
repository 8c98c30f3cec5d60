/**
 * UTF-8 form of actor ids, shared by the DVV set codec and the context codec. Internal to
 * src/versioning.
 */
import { ACTOR_UTF8_CACHE_MAX } from '../common/limits.js';
import type { Actor } from './dvv-set.js';

const utf8Encoder = new TextEncoder();
// fatal: invalid UTF-8 is an error, not U+FFFD; ignoreBOM: a leading U+FEFF is part of the actor.
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

// A lone surrogate has no UTF-8 form and would come back as another actor; with the u flag a
// well-formed pair is one code point and does not match.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

// A cluster has few actors (node ids by incarnation) and every encode of a version names them, so
// their bytes are kept: encoding costs about 60 times a lookup.
const utf8Cache = new Map<Actor, Uint8Array>();

/**
 * UTF-8 bytes of an actor, shared between calls: read them, never write them. Throws (a programmer
 * error) if the actor is empty or would not round-trip.
 */
export function actorToUtf8(actor: Actor): Uint8Array {
  const cached = utf8Cache.get(actor);
  if (cached !== undefined) return cached;
  if (actor.length === 0 || LONE_SURROGATE.test(actor)) {
    throw new Error(`actor ${JSON.stringify(actor)} is empty or not well-formed Unicode`);
  }
  const bytes = utf8Encoder.encode(actor);
  if (utf8Cache.size >= ACTOR_UTF8_CACHE_MAX) utf8Cache.clear();
  utf8Cache.set(actor, bytes);
  return bytes;
}

/** The actor spelled by `bytes`, or `fail` if they are empty or not valid UTF-8. */
export function actorFromUtf8(bytes: Uint8Array, fail: (reason: string) => never): Actor {
  if (bytes.length === 0) return fail('empty actor');
  try {
    return utf8Decoder.decode(bytes);
  } catch {
    return fail('actor is not valid UTF-8');
  }
}

/** Canonical actor order (UTF-16 code units), used for vv entries and sibling dots alike. */
export function compareActors(a: Actor, b: Actor): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
