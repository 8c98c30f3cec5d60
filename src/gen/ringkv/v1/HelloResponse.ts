// Original file: proto/ringkv/v1/ringkv.proto

import type { Member as _ringkv_v1_Member, Member__Output as _ringkv_v1_Member__Output } from '../../ringkv/v1/Member.js';
import type { RingView as _ringkv_v1_RingView, RingView__Output as _ringkv_v1_RingView__Output } from '../../ringkv/v1/RingView.js';

export interface HelloResponse {
  'cluster'?: (string);
  'me'?: (_ringkv_v1_Member | null);
  'ring'?: (_ringkv_v1_RingView | null);
  'transfersEpoch'?: (number);
  'transfersPending'?: (number);
}

export interface HelloResponse__Output {
  'cluster': (string);
  'me': (_ringkv_v1_Member__Output | null);
  'ring': (_ringkv_v1_RingView__Output | null);
  'transfersEpoch': (number);
  'transfersPending': (number);
}
