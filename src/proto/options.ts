/** Where the .proto lives and how it is loaded: shared by the gRPC loader and the stream codecs. */
import { fileURLToPath } from 'node:url';
import type * as protoLoader from '@grpc/proto-loader';

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
