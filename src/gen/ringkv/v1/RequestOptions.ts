// Original file: proto/ringkv/v1/ringkv.proto


export interface RequestOptions {
  'consistency'?: (string);
  'r'?: (number);
  'w'?: (number);
  'timeoutMs'?: (number);
  'strict'?: (boolean);
}

export interface RequestOptions__Output {
  'consistency': (string);
  'r': (number);
  'w': (number);
  'timeoutMs': (number);
  'strict': (boolean);
}
