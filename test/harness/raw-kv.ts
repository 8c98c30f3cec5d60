/** A bare gRPC KV client aimed at one node, bypassing the SDK (to test the node's own edge). */
import * as grpc from '@grpc/grpc-js';
import type { GetRequest } from '../../src/gen/ringkv/v1/GetRequest.js';
import type { GetResponse__Output } from '../../src/gen/ringkv/v1/GetResponse.js';
import type { PutRequest } from '../../src/gen/ringkv/v1/PutRequest.js';
import type { PutResponse__Output } from '../../src/gen/ringkv/v1/PutResponse.js';
import { ringkvProto } from '../../src/proto/load.js';

export interface RawError {
  readonly grpcCode: number;
  readonly ringCode: string | undefined;
  readonly message: string;
}

export class RawKv {
  private readonly client;

  constructor(address: string) {
    this.client = new (ringkvProto().ringkv.v1.KV)(address, grpc.credentials.createInsecure(), {
      'grpc.max_send_message_length': 64 * 1024 * 1024,
    });
  }

  put(req: PutRequest): Promise<PutResponse__Output> {
    return new Promise((resolve, reject) => {
      this.client.Put(req, { deadline: Date.now() + 10_000 }, (err, res) => (err ? reject(toRaw(err)) : resolve(res!)));
    });
  }

  get(req: GetRequest): Promise<GetResponse__Output> {
    return new Promise((resolve, reject) => {
      this.client.Get(req, { deadline: Date.now() + 10_000 }, (err, res) => (err ? reject(toRaw(err)) : resolve(res!)));
    });
  }

  close(): void {
    this.client.close();
  }
}

function toRaw(err: grpc.ServiceError): RawError {
  const code = err.metadata?.get('ringkv-code')[0];
  return { grpcCode: err.code, ringCode: typeof code === 'string' ? code : undefined, message: err.details };
}
