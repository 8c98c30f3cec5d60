// Original file: proto/ringkv/v1/ringkv.proto


export interface TransferPull {
  'partition'?: (number);
  'after'?: (Buffer | Uint8Array | string);
  'limit'?: (number);
}

export interface TransferPull__Output {
  'partition': (number);
  'after': (Buffer);
  'limit': (number);
}
