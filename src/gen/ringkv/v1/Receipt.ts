// Original file: proto/ringkv/v1/ringkv.proto

import type { ReceiptReply as _ringkv_v1_ReceiptReply, ReceiptReply__Output as _ringkv_v1_ReceiptReply__Output } from '../../ringkv/v1/ReceiptReply.js';

export interface Receipt {
  'coordinator'?: (string);
  'replies'?: (_ringkv_v1_ReceiptReply)[];
  'readRepair'?: (boolean);
  'required'?: (number);
  'n'?: (number);
}

export interface Receipt__Output {
  'coordinator': (string);
  'replies': (_ringkv_v1_ReceiptReply__Output)[];
  'readRepair': (boolean);
  'required': (number);
  'n': (number);
}
