// Original file: proto/ringkv/v1/ringkv.proto


export interface Purge {
  'key'?: (Buffer | Uint8Array | string);
  'state'?: (Buffer | Uint8Array | string);
}

export interface Purge__Output {
  'key': (Buffer);
  'state': (Buffer);
}
