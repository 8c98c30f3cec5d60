/**
 * Codecs of the two hot streams, Peer.Exchange (PeerBatch both ways) and KV.Stream (KvFrame).
 *
 * @grpc/proto-loader converts every message twice (`fromObject` before encoding, `toObject` after
 * decoding) and protobufjs's writer queues an operation object per field. On these streams the
 * frames are coded by hand instead (kv-frame-codec.ts, peer-batch-codec.ts): the same wire format,
 * written into one scratch buffer and read into plain objects of the shape `toObject` gives.
 * Peer messages with a body other than the replica ones and errors (gossip, anti-entropy,
 * transfers: rare, and some carry 64-bit integers) still go through protobufjs with `toObject`.
 */
import protobuf from 'protobufjs';
import type { KvFrame, KvFrame__Output } from '../gen/ringkv/v1/KvFrame.js';
import type { PeerBatch, PeerBatch__Output } from '../gen/ringkv/v1/PeerBatch.js';
import { decodeKvFrame, encodeKvFrame } from './kv-frame-codec.js';
import { PROTO_LOADER_OPTIONS, PROTO_PATH } from './options.js';
import { decodePeerBatch, encodePeerBatch, protobufPeerFallback } from './peer-batch-codec.js';

/** Serializer and deserializer of one stream message type, in grpc-js's shape. */
export interface StreamCodec<In, Out> {
  serialize(message: In): Buffer;
  deserialize(bytes: Uint8Array): Out;
  /**
   * The encoding after FRAME_PREFIX_BYTES left for a length prefix, in one buffer: a framed stream
   * then writes one buffer per frame instead of copying or writing twice.
   */
  serializeFramed?(message: In): Buffer;
}

/** Room left at the start of `serializeFramed`'s buffer. */
export const FRAME_PREFIX_BYTES = 4;

let root: protobuf.Root | null = null;

/** The .proto loaded with protobufjs as proto-loader loads it (camelCase names). */
export function protoRoot(): protobuf.Root {
  if (root === null) {
    // proto-loader hands its options to Root.loadSync too (keepCase lives there).
    root = new protobuf.Root().loadSync(PROTO_PATH, PROTO_LOADER_OPTIONS as protobuf.IParseOptions);
    root.resolveAll();
  }
  return root;
}

let peer: StreamCodec<PeerBatch, PeerBatch__Output> | null = null;

/** PeerBatch, both directions of Peer.Exchange (peer-batch-codec.ts; protobufjs for rare bodies). */
export function peerBatchCodec(): StreamCodec<PeerBatch, PeerBatch__Output> {
  if (peer !== null) return peer;
  const fallback = protobufPeerFallback(
    protoRoot().lookupType('ringkv.v1.PeerMessage'),
    PROTO_LOADER_OPTIONS as protobuf.IConversionOptions,
  );
  peer = {
    serialize: (batch) => encodePeerBatch(batch, 0, fallback),
    serializeFramed: (batch) => encodePeerBatch(batch, FRAME_PREFIX_BYTES, fallback),
    deserialize: (bytes) => decodePeerBatch(bytes, fallback),
  };
  return peer;
}

let kv: StreamCodec<KvFrame, KvFrame__Output> | null = null;

/** KvFrame, both directions of KV.Stream (kv-frame-codec.ts). */
export function kvFrameCodec(): StreamCodec<KvFrame, KvFrame__Output> {
  kv ??= {
    serialize: (frame) => encodeKvFrame(frame, 0),
    serializeFramed: (frame) => encodeKvFrame(frame, FRAME_PREFIX_BYTES),
    deserialize: (bytes) => decodeKvFrame(bytes),
  };
  return kv;
}
