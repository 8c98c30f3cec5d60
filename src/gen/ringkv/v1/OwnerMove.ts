// Original file: proto/ringkv/v1/ringkv.proto


export interface OwnerMove {
  'partition'?: (number);
  'from'?: (string);
  'to'?: (string);
}

export interface OwnerMove__Output {
  'partition': (number);
  'from': (string);
  'to': (string);
}
