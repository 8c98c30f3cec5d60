/** Asks one node directly for its status, whether or not the ring lists it (a node waiting to join). */
import * as grpc from '@grpc/grpc-js';
import type { StatusResponse__Output } from '../gen/ringkv/v1/StatusResponse.js';
import { ringkvProto } from '../proto/load.js';

/** Who answers at an address, and in which state ("joining", "serving", ...). */
export interface NodeIdentity {
  readonly id: string;
  readonly state: string;
}

/** The Admin Status of the node at `address`; rejects when it does not answer within `timeoutMs`. */
export async function nodeStatusAt(address: string, timeoutMs: number): Promise<NodeIdentity> {
  const client = new (ringkvProto().ringkv.v1.Admin)(address, grpc.credentials.createInsecure());
  try {
    const res = await new Promise<StatusResponse__Output>((resolve, reject) => {
      client.Status({}, { deadline: Date.now() + timeoutMs }, (err, value) => {
        if (err !== null) reject(new Error(`${address}: ${err.details || grpc.status[err.code]}`));
        else if (value === undefined || value.node === null) reject(new Error(`${address}: empty status`));
        else resolve(value);
      });
    });
    return { id: res.node?.id ?? '', state: res.node?.state ?? '' };
  } finally {
    client.close();
  }
}
