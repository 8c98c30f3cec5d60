/**
 * Loads proto/ringkv/v1/ringkv.proto at run time with the same options the committed types in
 * src/gen were generated with (package.json "gen:proto"); they must stay identical.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../gen/ringkv.js';
import { PROTO_LOADER_OPTIONS, PROTO_PATH } from './options.js';
import { kvFrameCodec, peerBatchCodec } from './stream-codec.js';

export { PROTO_LOADER_OPTIONS, PROTO_PATH } from './options.js';

/** The two hot streams get the codecs of stream-codec.ts in place of the loader's converting ones. */
function useStreamCodecs(definition: protoLoader.PackageDefinition): void {
  const method = (service: string, name: string) =>
    (definition[service] as protoLoader.ServiceDefinition | undefined)?.[name] as
      | protoLoader.MethodDefinition<object, object>
      | undefined;
  const exchange = method('ringkv.v1.Peer', 'Exchange');
  const stream = method('ringkv.v1.KV', 'Stream');
  if (exchange === undefined || stream === undefined) throw new Error('ringkv.proto lacks Peer.Exchange or KV.Stream');
  const peer = peerBatchCodec() as { serialize(m: object): Buffer; deserialize(b: Buffer): object };
  const kv = kvFrameCodec() as { serialize(m: object): Buffer; deserialize(b: Buffer): object };
  exchange.requestSerialize = peer.serialize;
  exchange.responseSerialize = peer.serialize;
  exchange.requestDeserialize = peer.deserialize;
  exchange.responseDeserialize = peer.deserialize;
  stream.requestSerialize = kv.serialize;
  stream.responseSerialize = kv.serialize;
  stream.requestDeserialize = kv.deserialize;
  stream.responseDeserialize = kv.deserialize;
}

let cached: ProtoGrpcType | null = null;

/** The typed gRPC package `ringkv.v1`, loaded once per process. */
export function ringkvProto(): ProtoGrpcType {
  if (cached === null) {
    const definition = protoLoader.loadSync(PROTO_PATH, PROTO_LOADER_OPTIONS);
    useStreamCodecs(definition);
    cached = grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
  }
  return cached;
}

/** Largest gRPC message either side accepts: a 1 MiB value with room for raised limits. */
export const GRPC_MESSAGE_BYTES_MAX = 16 * 1024 * 1024;
