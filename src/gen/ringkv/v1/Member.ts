// Original file: proto/ringkv/v1/ringkv.proto


export interface Member {
  'id'?: (string);
  'address'?: (string);
}

export interface Member__Output {
  'id': (string);
  'address': (string);
}
