/**
 * The protobuf encoding the simulator pushes every message through, so that the node sees what
 * gRPC would hand it: peer frames through the stream codec gRPC uses for them, and the unary KV
 * and hello messages converted exactly as @grpc/proto-loader does (fromObject + encode on send;
 * decode + toObject with the loader options of src/proto/options.ts on receipt: camelCase names,
 * Number longs, String enums, defaults, oneof names, bytes as Buffer).
 */
import type protobuf from 'protobufjs';
import type { ChangePlan, ChangePlan__Output } from '../gen/ringkv/v1/ChangePlan.js';
import type { DeleteRequest, DeleteRequest__Output } from '../gen/ringkv/v1/DeleteRequest.js';
import type { GetRequest, GetRequest__Output } from '../gen/ringkv/v1/GetRequest.js';
import type { GetResponse, GetResponse__Output } from '../gen/ringkv/v1/GetResponse.js';
import type { HelloRequest, HelloRequest__Output } from '../gen/ringkv/v1/HelloRequest.js';
import type { HelloResponse, HelloResponse__Output } from '../gen/ringkv/v1/HelloResponse.js';
import type { PeerBatch, PeerBatch__Output } from '../gen/ringkv/v1/PeerBatch.js';
import type { PutRequest, PutRequest__Output } from '../gen/ringkv/v1/PutRequest.js';
import type { PutResponse, PutResponse__Output } from '../gen/ringkv/v1/PutResponse.js';
import { PROTO_LOADER_OPTIONS } from '../proto/options.js';
import { peerBatchCodec, protoRoot } from '../proto/stream-codec.js';

/** One message type: input shape to bytes, bytes to output shape. */
export interface WireType<In, Out> {
  encode(message: In): Uint8Array;
  decode(bytes: Uint8Array): Out;
}

function wireType<In, Out>(name: string): WireType<In, Out> {
  let type: protobuf.Type | null = null;
  const resolved = () => {
    type ??= protoRoot().lookupType(name);
    return type;
  };
  return {
    encode: (message) =>
      resolved()
        .encode(resolved().fromObject(message as object))
        .finish(),
    decode: (bytes) =>
      resolved().toObject(resolved().decode(bytes), PROTO_LOADER_OPTIONS as protobuf.IConversionOptions) as Out,
  };
}

/** The message types the simulator carries: peer frames, hellos and the KV calls. */
export const wire = {
  // Peer frames go through the codec gRPC uses for Peer.Exchange (src/proto/stream-codec.ts).
  peerBatch: {
    encode: (message: PeerBatch): Uint8Array => peerBatchCodec().serialize(message),
    decode: (bytes: Uint8Array): PeerBatch__Output => peerBatchCodec().deserialize(bytes),
  } satisfies WireType<PeerBatch, PeerBatch__Output>,
  helloRequest: wireType<HelloRequest, HelloRequest__Output>('ringkv.v1.HelloRequest'),
  helloResponse: wireType<HelloResponse, HelloResponse__Output>('ringkv.v1.HelloResponse'),
  getRequest: wireType<GetRequest, GetRequest__Output>('ringkv.v1.GetRequest'),
  getResponse: wireType<GetResponse, GetResponse__Output>('ringkv.v1.GetResponse'),
  putRequest: wireType<PutRequest, PutRequest__Output>('ringkv.v1.PutRequest'),
  deleteRequest: wireType<DeleteRequest, DeleteRequest__Output>('ringkv.v1.DeleteRequest'),
  putResponse: wireType<PutResponse, PutResponse__Output>('ringkv.v1.PutResponse'),
  changePlan: wireType<ChangePlan, ChangePlan__Output>('ringkv.v1.ChangePlan'),
} as const;
