/**
 * Codecs of the two hot streams, Peer.Exchange (PeerBatch both ways) and KV.Stream (KvFrame).
 *
 * @grpc/proto-loader converts every message twice: `fromObject` copies the object into a message
 * instance before encoding, and `toObject` copies the decoded instance into a plain object. On
 * these streams that was about 2.5% of all CPU in a profile of workload U. Here the objects are
 * encoded as they are (their types already match the wire: numbers, strings, Uint8Array), and the
 * decoded instances are handed on as they are: protobufjs puts every field's default on the
 * prototype and the oneof name behind a getter, so a reader sees what `toObject` with the loader
 * options (defaults, oneofs) would have given it.
 *
 * One difference is kept out: a decoded instance holds 64-bit integers as Long, where the loader
 * converts them to numbers. Peer messages whose body can carry one (every body but the three
 * replica ones below) are converted with `toObject` as before. No KvFrame message holds one.
 */
import protobuf from 'protobufjs';
import type { KvFrame, KvFrame__Output } from '../gen/ringkv/v1/KvFrame.js';
import type { PeerBatch, PeerBatch__Output } from '../gen/ringkv/v1/PeerBatch.js';
import { PROTO_LOADER_OPTIONS, PROTO_PATH } from './options.js';

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

function encodeAfterPrefix(type: protobuf.Type, message: protobuf.Message): Buffer {
  const writer = protobuf.Writer.create();
  writer.fixed32(0); // FRAME_PREFIX_BYTES, overwritten by the framer
  return asBuffer(type.encode(message, writer).finish());
}

/** Peer message bodies decoded without conversion: no 64-bit field, and most of the traffic. */
const PEER_HOT_BODIES: ReadonlySet<string> = new Set(['replicaGet', 'replicaPut', 'replicaReply']);

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

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

let peer: StreamCodec<PeerBatch, PeerBatch__Output> | null = null;

/** PeerBatch, both directions of Peer.Exchange. */
export function peerBatchCodec(): StreamCodec<PeerBatch, PeerBatch__Output> {
  if (peer !== null) return peer;
  const batchType = protoRoot().lookupType('ringkv.v1.PeerBatch');
  const messageType = protoRoot().lookupType('ringkv.v1.PeerMessage');
  const conversion = PROTO_LOADER_OPTIONS as protobuf.IConversionOptions;
  peer = {
    serialize: (batch) => asBuffer(batchType.encode(batch as protobuf.Message).finish()),
    serializeFramed: (batch) => encodeAfterPrefix(batchType, batch as protobuf.Message),
    deserialize: (bytes) => {
      const batch = batchType.decode(bytes) as unknown as { messages: protobuf.Message[] };
      const messages = batch.messages;
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i]!;
        const body = (m as unknown as { body?: string }).body;
        if (body === undefined || !PEER_HOT_BODIES.has(body)) {
          messages[i] = messageType.toObject(m, conversion) as protobuf.Message;
        }
      }
      return batch as unknown as PeerBatch__Output;
    },
  };
  return peer;
}

let kv: StreamCodec<KvFrame, KvFrame__Output> | null = null;

/** KvFrame, both directions of KV.Stream. */
export function kvFrameCodec(): StreamCodec<KvFrame, KvFrame__Output> {
  if (kv !== null) return kv;
  const frameType = protoRoot().lookupType('ringkv.v1.KvFrame');
  kv = {
    serialize: (frame) => asBuffer(frameType.encode(frame as protobuf.Message).finish()),
    serializeFramed: (frame) => encodeAfterPrefix(frameType, frame as protobuf.Message),
    deserialize: (bytes) => frameType.decode(bytes) as unknown as KvFrame__Output,
  };
  return kv;
}
