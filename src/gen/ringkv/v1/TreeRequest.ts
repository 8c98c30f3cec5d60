// Original file: proto/ringkv/v1/ringkv.proto


export interface TreeRequest {
  'partition'?: (number);
  'root'?: (Buffer | Uint8Array | string);
}

export interface TreeRequest__Output {
  'partition': (number);
  'root': (Buffer);
}
