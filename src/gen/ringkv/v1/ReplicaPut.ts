// Original file: proto/ringkv/v1/ringkv.proto


export interface ReplicaPut {
  'key'?: (Buffer | Uint8Array | string);
  'state'?: (Buffer | Uint8Array | string);
  'forNode'?: (string);
}

export interface ReplicaPut__Output {
  'key': (Buffer);
  'state': (Buffer);
  'forNode': (string);
}
