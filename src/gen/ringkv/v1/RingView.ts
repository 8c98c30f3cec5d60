// Original file: proto/ringkv/v1/ringkv.proto

import type { Member as _ringkv_v1_Member, Member__Output as _ringkv_v1_Member__Output } from '../../ringkv/v1/Member.js';

export interface RingView {
  'cluster'?: (string);
  'epoch'?: (number);
  'q'?: (number);
  'n'?: (number);
  'members'?: (_ringkv_v1_Member)[];
  'owners'?: (number)[];
  'nextOwners'?: (number)[];
  'departed'?: (string)[];
}

export interface RingView__Output {
  'cluster': (string);
  'epoch': (number);
  'q': (number);
  'n': (number);
  'members': (_ringkv_v1_Member__Output)[];
  'owners': (number)[];
  'nextOwners': (number)[];
  'departed': (string)[];
}
