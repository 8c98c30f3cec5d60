// Original file: proto/ringkv/v1/ringkv.proto


export interface PeerView {
  'nodeId'?: (string);
  'state'?: (string);
  'lastSeenAgoMs'?: (number);
  'phiX100'?: (number);
}

export interface PeerView__Output {
  'nodeId': (string);
  'state': (string);
  'lastSeenAgoMs': (number);
  'phiX100': (number);
}
