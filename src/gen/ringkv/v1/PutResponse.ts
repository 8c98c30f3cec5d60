// Original file: proto/ringkv/v1/ringkv.proto

import type { Receipt as _ringkv_v1_Receipt, Receipt__Output as _ringkv_v1_Receipt__Output } from '../../ringkv/v1/Receipt.js';

export interface PutResponse {
  'context'?: (string);
  'receipt'?: (_ringkv_v1_Receipt | null);
}

export interface PutResponse__Output {
  'context': (string);
  'receipt': (_ringkv_v1_Receipt__Output | null);
}
