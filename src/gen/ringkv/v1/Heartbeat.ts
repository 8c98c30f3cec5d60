// Original file: proto/ringkv/v1/ringkv.proto


export interface Heartbeat {
  'nodeId'?: (string);
  'actor'?: (string);
  'startedAtS'?: (number);
  'counter'?: (number);
}

export interface Heartbeat__Output {
  'nodeId': (string);
  'actor': (string);
  'startedAtS': (number);
  'counter': (number);
}
