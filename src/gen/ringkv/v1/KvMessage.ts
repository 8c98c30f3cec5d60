// Original file: proto/ringkv/v1/ringkv.proto

import type { GetRequest as _ringkv_v1_GetRequest, GetRequest__Output as _ringkv_v1_GetRequest__Output } from '../../ringkv/v1/GetRequest.js';
import type { PutRequest as _ringkv_v1_PutRequest, PutRequest__Output as _ringkv_v1_PutRequest__Output } from '../../ringkv/v1/PutRequest.js';
import type { DeleteRequest as _ringkv_v1_DeleteRequest, DeleteRequest__Output as _ringkv_v1_DeleteRequest__Output } from '../../ringkv/v1/DeleteRequest.js';
import type { GetResponse as _ringkv_v1_GetResponse, GetResponse__Output as _ringkv_v1_GetResponse__Output } from '../../ringkv/v1/GetResponse.js';
import type { PutResponse as _ringkv_v1_PutResponse, PutResponse__Output as _ringkv_v1_PutResponse__Output } from '../../ringkv/v1/PutResponse.js';
import type { KvError as _ringkv_v1_KvError, KvError__Output as _ringkv_v1_KvError__Output } from '../../ringkv/v1/KvError.js';

export interface KvMessage {
  'id'?: (number);
  'get'?: (_ringkv_v1_GetRequest | null);
  'put'?: (_ringkv_v1_PutRequest | null);
  'delete'?: (_ringkv_v1_DeleteRequest | null);
  'getReply'?: (_ringkv_v1_GetResponse | null);
  'putReply'?: (_ringkv_v1_PutResponse | null);
  'error'?: (_ringkv_v1_KvError | null);
  'body'?: "get"|"put"|"delete"|"getReply"|"putReply"|"error";
}

export interface KvMessage__Output {
  'id': (number);
  'get'?: (_ringkv_v1_GetRequest__Output | null);
  'put'?: (_ringkv_v1_PutRequest__Output | null);
  'delete'?: (_ringkv_v1_DeleteRequest__Output | null);
  'getReply'?: (_ringkv_v1_GetResponse__Output | null);
  'putReply'?: (_ringkv_v1_PutResponse__Output | null);
  'error'?: (_ringkv_v1_KvError__Output | null);
  'body'?: "get"|"put"|"delete"|"getReply"|"putReply"|"error";
}
