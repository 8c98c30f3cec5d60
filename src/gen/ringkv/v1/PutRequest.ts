// Original file: proto/ringkv/v1/ringkv.proto

import type { RequestOptions as _ringkv_v1_RequestOptions, RequestOptions__Output as _ringkv_v1_RequestOptions__Output } from '../../ringkv/v1/RequestOptions.js';

export interface PutRequest {
  'key'?: (Buffer | Uint8Array | string);
  'value'?: (Buffer | Uint8Array | string);
  'context'?: (string);
  'options'?: (_ringkv_v1_RequestOptions | null);
}

export interface PutRequest__Output {
  'key': (Buffer);
  'value': (Buffer);
  'context': (string);
  'options': (_ringkv_v1_RequestOptions__Output | null);
}
