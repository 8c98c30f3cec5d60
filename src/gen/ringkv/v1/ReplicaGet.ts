// Original file: proto/ringkv/v1/ringkv.proto


export interface ReplicaGet {
  'key'?: (Buffer | Uint8Array | string);
  'forNode'?: (string);
}

export interface ReplicaGet__Output {
  'key': (Buffer);
  'forNode': (string);
}
