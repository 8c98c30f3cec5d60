// Original file: proto/ringkv/v1/ringkv.proto


export interface HintTarget {
  'nodeId'?: (string);
  'count'?: (number);
  'bytes'?: (number);
}

export interface HintTarget__Output {
  'nodeId': (string);
  'count': (number);
  'bytes': (number);
}
