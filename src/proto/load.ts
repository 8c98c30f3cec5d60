/**
 * Loads proto/ringkv/v1/ringkv.proto at run time with the same options the committed types in
 * src/gen were generated with (package.json "gen:proto"); they must stay identical.
 */
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import type { ProtoGrpcType } from '../gen/ringkv.js';

/** Loader options; mirror the flags of `npm run gen:proto`. */
export const PROTO_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

/** Absolute path of the .proto file (src/proto and dist/proto are both two levels deep). */
export const PROTO_PATH = fileURLToPath(new URL('../../proto/ringkv/v1/ringkv.proto', import.meta.url));

let cached: ProtoGrpcType | null = null;

/** The typed gRPC package `ringkv.v1`, loaded once per process. */
export function ringkvProto(): ProtoGrpcType {
  if (cached === null) {
    const definition = protoLoader.loadSync(PROTO_PATH, PROTO_LOADER_OPTIONS);
    cached = grpc.loadPackageDefinition(definition) as unknown as ProtoGrpcType;
  }
  return cached;
}

/** Largest gRPC message either side accepts: a 1 MiB value with room for raised limits. */
export const GRPC_MESSAGE_BYTES_MAX = 16 * 1024 * 1024;
