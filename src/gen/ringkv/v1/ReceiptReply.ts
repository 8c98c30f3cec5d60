// Original file: proto/ringkv/v1/ringkv.proto


export interface ReceiptReply {
  'nodeId'?: (string);
  'role'?: (string);
  'forNode'?: (string);
  'ok'?: (boolean);
  'error'?: (string);
}

export interface ReceiptReply__Output {
  'nodeId': (string);
  'role': (string);
  'forNode': (string);
  'ok': (boolean);
  'error': (string);
}
