// Original file: proto/ringkv/v1/ringkv.proto


export interface JoinRequest {
  'address'?: (string);
  'dryRun'?: (boolean);
}

export interface JoinRequest__Output {
  'address': (string);
  'dryRun': (boolean);
}
