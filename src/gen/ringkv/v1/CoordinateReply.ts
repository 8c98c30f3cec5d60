// Original file: proto/ringkv/v1/ringkv.proto

import type { PutResponse as _ringkv_v1_PutResponse, PutResponse__Output as _ringkv_v1_PutResponse__Output } from '../../ringkv/v1/PutResponse.js';

export interface CoordinateReply {
  'response'?: (_ringkv_v1_PutResponse | null);
}

export interface CoordinateReply__Output {
  'response': (_ringkv_v1_PutResponse__Output | null);
}
