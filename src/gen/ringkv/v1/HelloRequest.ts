// Original file: proto/ringkv/v1/ringkv.proto

import type { Member as _ringkv_v1_Member, Member__Output as _ringkv_v1_Member__Output } from '../../ringkv/v1/Member.js';

export interface HelloRequest {
  'cluster'?: (string);
  'from'?: (_ringkv_v1_Member | null);
}

export interface HelloRequest__Output {
  'cluster': (string);
  'from': (_ringkv_v1_Member__Output | null);
}
