/**
 * The opaque context handed to clients: the version vector of what they read, authenticated so a
 * client cannot forge one that claims to have seen (and so would silently supersede) writes it never
 * read. Wire form: base64url(body ‖ mac), the empty vv as "".
 *
 *   body = u8 format version (1), varint N, N × (varint byte length, UTF-8 actor, varint counter ≥ 1)
 *          with actors strictly ascending
 *   mac  = first 12 bytes of HMAC-SHA256(cluster secret,
 *            "ringkv context v1" ‖ 0x00 ‖ varint key length ‖ key ‖ body)
 *
 * The key is inside the MAC so a context read from one key cannot be replayed on another, where
 * its counters would supersede siblings the client never saw.
 */
import { Buffer } from 'node:buffer';
import { InvalidArgumentError } from '../common/errors.js';
import { actorFromUtf8, actorToUtf8, compareActors } from './actor-bytes.js';
import type { Actor, VersionVector } from './dvv-set.js';
import { HmacSha256 } from './sha256.js';
import { ByteReader, varintSize, writeVarint } from './varint.js';

const FORMAT_VERSION = 1;
/** 96 bits: forging needs ~2^95 online guesses, each a request the node can see and limit. */
const MAC_BYTES = 12;
/** Smallest well-formed context: version byte, count varint, mac. */
const CONTEXT_BYTES_MIN = 2 + MAC_BYTES;
// Domain separation: the cluster secret may key other MACs; a context MAC must never verify as one.
const MAC_LABEL = Buffer.from('ringkv context v1\0', 'latin1');
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The cluster secret's HMAC key, made once per secret rather than once per MAC. */
let macKey: { secret: string; hmac: HmacSha256 } | null = null;

/**
 * Writes the MAC of (label, key, body) into `out` at `at`. The whole input goes into one pooled
 * buffer: the MAC of the concatenation, as successive updates would give.
 */
function macInto(body: Uint8Array, secret: string, key: Uint8Array, out: Uint8Array, at: number): void {
  if (macKey?.secret !== secret) macKey = { secret, hmac: new HmacSha256(Buffer.from(secret, 'utf8')) };
  const input = Buffer.allocUnsafe(MAC_LABEL.length + varintSize(key.length) + key.length + body.length);
  MAC_LABEL.copy(input, 0);
  const next = writeVarint(input, MAC_LABEL.length, key.length);
  input.set(key, next);
  input.set(body, next + key.length);
  macKey.hmac.macInto(input, out, at, MAC_BYTES);
}

/** Scratch for the MAC a context is checked against. */
const expectedMac = new Uint8Array(MAC_BYTES);

/** Compares in time independent of where the bytes differ (every byte is read). */
function sameMac(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length && i < b.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

/** Turns a key's version vector into the opaque, authenticated context string given to clients. */
export function encodeContext(vv: VersionVector, secret: string, key: Uint8Array): string {
  const actors = [...vv.keys()].filter((actor) => vv.get(actor)! > 0).sort(compareActors);
  if (actors.length === 0) return '';
  const names = actors.map(actorToUtf8);
  let size = 1 + varintSize(actors.length);
  for (let i = 0; i < actors.length; i++) {
    size += varintSize(names[i]!.length) + names[i]!.length + varintSize(vv.get(actors[i]!)!);
  }
  const out = Buffer.allocUnsafe(size + MAC_BYTES);
  out[0] = FORMAT_VERSION;
  let at = writeVarint(out, 1, actors.length);
  for (let i = 0; i < actors.length; i++) {
    at = writeVarint(out, at, names[i]!.length);
    out.set(names[i]!, at);
    at = writeVarint(out, at + names[i]!.length, vv.get(actors[i]!)!);
  }
  macInto(out.subarray(0, size), secret, key, out, size);
  return out.toString('base64url');
}

function invalid(message: string, limit?: number): never {
  throw new InvalidArgumentError('context', message, limit);
}

/**
 * Verifies and parses a client's context for `key`; "" is the empty vv. Throws InvalidArgumentError
 * on field 'context' if it is too long, not base64url, forged, made for another key, or malformed.
 */
export function decodeContext(context: string, secret: string, maxChars: number, key: Uint8Array): VersionVector {
  if (context === '') return new Map<Actor, number>();
  if (typeof context !== 'string') invalid('context must be a string');
  if (context.length > maxChars) {
    invalid(`context is ${context.length} characters, more than the limit of ${maxChars}`, maxChars);
  }
  if (!BASE64URL.test(context) || context.length % 4 === 1) invalid('context is not base64url');
  const bytes = Buffer.from(context, 'base64url');
  // Non-zero padding bits decode to the same bytes; rejecting them keeps one spelling per context.
  if (bytes.toString('base64url') !== context) invalid('context is not canonical base64url');
  if (bytes.length < CONTEXT_BYTES_MIN) invalid(`context is too short (${bytes.length} bytes)`);

  const body = bytes.subarray(0, bytes.length - MAC_BYTES);
  macInto(body, secret, key, expectedMac, 0);
  if (!sameMac(expectedMac, bytes.subarray(bytes.length - MAC_BYTES))) {
    invalid('context is forged, corrupted, or was read from another key');
  }
  return parseBody(body);
}

function parseBody(body: Uint8Array): VersionVector {
  const fail = (reason: string): never => invalid(`malformed context: ${reason}`);
  const reader = new ByteReader(body, fail);
  const version = reader.byte();
  if (version !== FORMAT_VERSION) fail(`unknown format version ${version}`);
  const count = reader.varint();
  const vv = new Map<Actor, number>();
  let previous: Actor | undefined;
  // Each turn consumes bytes or fails, so a large count cannot spin.
  for (let i = 0; i < count; i++) {
    const actor = actorFromUtf8(reader.view(reader.varint()), fail);
    if (previous !== undefined && compareActors(previous, actor) >= 0) fail('duplicate or unsorted actors');
    const counter = reader.varint();
    if (counter === 0) fail(`zero counter for actor ${JSON.stringify(actor)}`);
    vv.set(actor, counter);
    previous = actor;
  }
  reader.end();
  return vv;
}
