// Original file: proto/ringkv/v1/ringkv.proto

import type { KvMessage as _ringkv_v1_KvMessage, KvMessage__Output as _ringkv_v1_KvMessage__Output } from '../../ringkv/v1/KvMessage.js';

export interface KvFrame {
  'messages'?: (_ringkv_v1_KvMessage)[];
}

export interface KvFrame__Output {
  'messages': (_ringkv_v1_KvMessage__Output)[];
}
