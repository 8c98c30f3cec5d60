// Original file: proto/ringkv/v1/ringkv.proto


export interface ReplicaReply {
  'found'?: (boolean);
  'state'?: (Buffer | Uint8Array | string);
}

export interface ReplicaReply__Output {
  'found': (boolean);
  'state': (Buffer);
}
