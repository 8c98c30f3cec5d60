// Original file: proto/ringkv/v1/ringkv.proto


export interface Balance {
  'nodeId'?: (string);
  'before'?: (number);
  'after'?: (number);
}

export interface Balance__Output {
  'nodeId': (string);
  'before': (number);
  'after': (number);
}
