// Original file: proto/ringkv/v1/ringkv.proto


export interface KeyVersion {
  'key'?: (Buffer | Uint8Array | string);
  'state'?: (Buffer | Uint8Array | string);
}

export interface KeyVersion__Output {
  'key': (Buffer);
  'state': (Buffer);
}
