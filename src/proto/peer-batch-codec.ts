/**
 * A hand-written protobuf codec of PeerBatch (Peer.Exchange, the stream between two nodes) for
 * the messages of a quorum read or write (ReplicaGet, ReplicaPut, ReplicaReply) and ErrorReply:
 * the wire format protobufjs reads and writes, without its per-field writer operations and
 * per-message instances. A message with any other body is encoded and decoded by protobufjs
 * (`PeerFallback`), inside the same frame.
 *
 * Decoded hot messages are plain objects of one shape per message type with every field present,
 * as proto-loader's `toObject` with `defaults` and `oneofs` gives them.
 */
import type protobuf from 'protobufjs';
import type { PeerBatch, PeerBatch__Output } from '../gen/ringkv/v1/PeerBatch.js';
import type { PeerMessage, PeerMessage__Output } from '../gen/ringkv/v1/PeerMessage.js';
import { closed, type Decoding, readError, setBody, writeError } from './hot-fields.js';
import { EMPTY_BYTES, WireReader } from './wire-reader.js';
import type { WireWriter } from './wire-writer.js';
import { sharedWriter } from './wire-writer.js';

// Tags are written as numbers: field number * 8 + wire type (0 varint, 2 length-delimited).

/** protobufjs's view of PeerMessage, for the bodies not coded here. */
export interface PeerFallback {
  encode(message: PeerMessage): Uint8Array;
  decode(bytes: Uint8Array): PeerMessage__Output;
}

/** PeerMessage oneof field numbers (10-27): any not coded here sends the message to protobufjs. */
const PEER_BODY_FIRST = 10;
const PEER_BODY_LAST = 27;

/** PeerBatch's encoding after `prefix` free bytes. */
export function encodePeerBatch(batch: PeerBatch, prefix: number, fallback: PeerFallback): Buffer {
  const w = sharedWriter;
  w.start(prefix);
  w.string(1, batch.from);
  for (const m of batch.messages ?? []) {
    if (!isHotPeerMessage(m)) {
      w.raw(2, fallback.encode(m));
      continue;
    }
    const at = w.begin(2);
    w.uint32(1, m.id);
    w.uint32(2, m.budgetMs);
    writePeerBody(w, m);
    w.end(at);
  }
  return w.finish();
}

function isHotPeerMessage(m: PeerMessage): boolean {
  return (
    (m.replicaGet !== undefined && m.replicaGet !== null) ||
    (m.replicaPut !== undefined && m.replicaPut !== null) ||
    (m.replicaReply !== undefined && m.replicaReply !== null) ||
    (m.error !== undefined && m.error !== null)
  );
}

function writePeerBody(w: WireWriter, m: PeerMessage): void {
  if (m.replicaGet !== undefined && m.replicaGet !== null) {
    const at = w.begin(10);
    w.bytes(1, m.replicaGet.key);
    w.string(2, m.replicaGet.forNode);
    w.end(at);
  } else if (m.replicaPut !== undefined && m.replicaPut !== null) {
    const at = w.begin(11);
    w.bytes(1, m.replicaPut.key);
    w.bytes(2, m.replicaPut.state);
    w.string(3, m.replicaPut.forNode);
    w.end(at);
  } else if (m.replicaReply !== undefined && m.replicaReply !== null) {
    const at = w.begin(20);
    w.bool(1, m.replicaReply.found);
    w.bytes(2, m.replicaReply.state);
    w.end(at);
  } else if (m.error !== undefined && m.error !== null) {
    writeError(w, 22, m.error);
  }
}

/** Decodes a PeerBatch; throws a RangeError on malformed bytes. */
export function decodePeerBatch(bytes: Uint8Array, fallback: PeerFallback): PeerBatch__Output {
  const r = new WireReader(bytes);
  const batch: PeerBatch__Output = { from: '', messages: [] };
  while (r.pos < r.end) {
    const tag = r.varint();
    if (tag === 10) batch.from = r.string();
    else if (tag === 18) batch.messages.push(readPeerMessage(r, fallback));
    else r.skip(tag & 7);
  }
  return batch;
}

function readPeerMessage(r: WireReader, fallback: PeerFallback): PeerMessage__Output {
  const end = r.limit();
  const start = r.pos;
  const m: Decoding<PeerMessage__Output> = {
    id: 0,
    budgetMs: 0,
    body: undefined,
    replicaGet: null,
    replicaPut: null,
    replicaReply: null,
    error: null,
  };
  while (r.pos < end) {
    const tag = r.varint();
    switch (tag) {
      case 8:
        m.id = r.varint();
        break;
      case 16:
        m.budgetMs = r.varint();
        break;
      case 82:
        m.replicaGet = readReplicaGet(r);
        setBody(m, 'replicaGet');
        break;
      case 90:
        m.replicaPut = readReplicaPut(r);
        setBody(m, 'replicaPut');
        break;
      case 162:
        m.replicaReply = readReplicaReply(r);
        setBody(m, 'replicaReply');
        break;
      case 178:
        m.error = readError(r);
        setBody(m, 'error');
        break;
      default: {
        const field = tag >>> 3;
        if (field >= PEER_BODY_FIRST && field <= PEER_BODY_LAST) {
          r.pos = end;
          return fallback.decode(r.buf.subarray(start, end));
        }
        r.skip(tag & 7);
      }
    }
  }
  return closed(r, end, m) as PeerMessage__Output;
}

function readReplicaGet(r: WireReader): NonNullable<PeerMessage__Output['replicaGet']> {
  const end = r.limit();
  const g: NonNullable<PeerMessage__Output['replicaGet']> = { key: EMPTY_BYTES, forNode: '' };
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === 10) g.key = r.bytes();
    else if (tag === 18) g.forNode = r.string();
    else r.skip(tag & 7);
  }
  return closed(r, end, g);
}

function readReplicaPut(r: WireReader): NonNullable<PeerMessage__Output['replicaPut']> {
  const end = r.limit();
  const p: NonNullable<PeerMessage__Output['replicaPut']> = { key: EMPTY_BYTES, state: EMPTY_BYTES, forNode: '' };
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === 10) p.key = r.bytes();
    else if (tag === 18) p.state = r.bytes();
    else if (tag === 26) p.forNode = r.string();
    else r.skip(tag & 7);
  }
  return closed(r, end, p);
}

function readReplicaReply(r: WireReader): NonNullable<PeerMessage__Output['replicaReply']> {
  const end = r.limit();
  const p: NonNullable<PeerMessage__Output['replicaReply']> = { found: false, state: EMPTY_BYTES };
  while (r.pos < end) {
    const tag = r.varint();
    if (tag === 8) p.found = r.bool();
    else if (tag === 18) p.state = r.bytes();
    else r.skip(tag & 7);
  }
  return closed(r, end, p);
}

/** The protobufjs fallback for the peer bodies not coded here. */
export function protobufPeerFallback(
  messageType: protobuf.Type,
  conversion: protobuf.IConversionOptions,
): PeerFallback {
  return {
    encode: (message) => messageType.encode(message as protobuf.Message).finish(),
    decode: (bytes) => messageType.toObject(messageType.decode(bytes), conversion) as PeerMessage__Output,
  };
}
