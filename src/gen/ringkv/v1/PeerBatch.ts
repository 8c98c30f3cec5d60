// Original file: proto/ringkv/v1/ringkv.proto

import type { PeerMessage as _ringkv_v1_PeerMessage, PeerMessage__Output as _ringkv_v1_PeerMessage__Output } from '../../ringkv/v1/PeerMessage.js';

export interface PeerBatch {
  'from'?: (string);
  'messages'?: (_ringkv_v1_PeerMessage)[];
}

export interface PeerBatch__Output {
  'from': (string);
  'messages': (_ringkv_v1_PeerMessage__Output)[];
}
