// Original file: proto/ringkv/v1/ringkv.proto


export interface TreeReply {
  'equal'?: (boolean);
  'leaves'?: (Buffer | Uint8Array | string);
}

export interface TreeReply__Output {
  'equal': (boolean);
  'leaves': (Buffer);
}
