// Original file: proto/ringkv/v1/ringkv.proto

import type { KeyVersion as _ringkv_v1_KeyVersion, KeyVersion__Output as _ringkv_v1_KeyVersion__Output } from '../../ringkv/v1/KeyVersion.js';

export interface SegmentReply {
  'entries'?: (_ringkv_v1_KeyVersion)[];
  'truncated'?: (boolean);
}

export interface SegmentReply__Output {
  'entries': (_ringkv_v1_KeyVersion__Output)[];
  'truncated': (boolean);
}
