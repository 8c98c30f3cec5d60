// Original file: proto/ringkv/v1/ringkv.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { DeleteRequest as _ringkv_v1_DeleteRequest, DeleteRequest__Output as _ringkv_v1_DeleteRequest__Output } from '../../ringkv/v1/DeleteRequest.js';
import type { GetRequest as _ringkv_v1_GetRequest, GetRequest__Output as _ringkv_v1_GetRequest__Output } from '../../ringkv/v1/GetRequest.js';
import type { GetResponse as _ringkv_v1_GetResponse, GetResponse__Output as _ringkv_v1_GetResponse__Output } from '../../ringkv/v1/GetResponse.js';
import type { GetRingRequest as _ringkv_v1_GetRingRequest, GetRingRequest__Output as _ringkv_v1_GetRingRequest__Output } from '../../ringkv/v1/GetRingRequest.js';
import type { KvFrame as _ringkv_v1_KvFrame, KvFrame__Output as _ringkv_v1_KvFrame__Output } from '../../ringkv/v1/KvFrame.js';
import type { PutRequest as _ringkv_v1_PutRequest, PutRequest__Output as _ringkv_v1_PutRequest__Output } from '../../ringkv/v1/PutRequest.js';
import type { PutResponse as _ringkv_v1_PutResponse, PutResponse__Output as _ringkv_v1_PutResponse__Output } from '../../ringkv/v1/PutResponse.js';
import type { RingView as _ringkv_v1_RingView, RingView__Output as _ringkv_v1_RingView__Output } from '../../ringkv/v1/RingView.js';

export interface KVClient extends grpc.Client {
  Delete(argument: _ringkv_v1_DeleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  Delete(argument: _ringkv_v1_DeleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ringkv_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  Delete(argument: _ringkv_v1_DeleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  Delete(argument: _ringkv_v1_DeleteRequest, callback: grpc.requestCallback<_ringkv_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  delete(argument: _ringkv_v1_DeleteRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  delete(argument: _ringkv_v1_DeleteRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ringkv_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  delete(argument: _ringkv_v1_DeleteRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  delete(argument: _ringkv_v1_DeleteRequest, callback: grpc.requestCallback<_ringkv_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  
  Get(argument: _ringkv_v1_GetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_GetResponse__Output>): grpc.ClientUnaryCall;
  Get(argument: _ringkv_v1_GetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ringkv_v1_GetResponse__Output>): grpc.ClientUnaryCall;
  Get(argument: _ringkv_v1_GetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_GetResponse__Output>): grpc.ClientUnaryCall;
  Get(argument: _ringkv_v1_GetRequest, callback: grpc.requestCallback<_ringkv_v1_GetResponse__Output>): grpc.ClientUnaryCall;
  get(argument: _ringkv_v1_GetRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_GetResponse__Output>): grpc.ClientUnaryCall;
  get(argument: _ringkv_v1_GetRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ringkv_v1_GetResponse__Output>): grpc.ClientUnaryCall;
  get(argument: _ringkv_v1_GetRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_GetResponse__Output>): grpc.ClientUnaryCall;
  get(argument: _ringkv_v1_GetRequest, callback: grpc.requestCallback<_ringkv_v1_GetResponse__Output>): grpc.ClientUnaryCall;
  
  GetRing(argument: _ringkv_v1_GetRingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_RingView__Output>): grpc.ClientUnaryCall;
  GetRing(argument: _ringkv_v1_GetRingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ringkv_v1_RingView__Output>): grpc.ClientUnaryCall;
  GetRing(argument: _ringkv_v1_GetRingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_RingView__Output>): grpc.ClientUnaryCall;
  GetRing(argument: _ringkv_v1_GetRingRequest, callback: grpc.requestCallback<_ringkv_v1_RingView__Output>): grpc.ClientUnaryCall;
  getRing(argument: _ringkv_v1_GetRingRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_RingView__Output>): grpc.ClientUnaryCall;
  getRing(argument: _ringkv_v1_GetRingRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ringkv_v1_RingView__Output>): grpc.ClientUnaryCall;
  getRing(argument: _ringkv_v1_GetRingRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_RingView__Output>): grpc.ClientUnaryCall;
  getRing(argument: _ringkv_v1_GetRingRequest, callback: grpc.requestCallback<_ringkv_v1_RingView__Output>): grpc.ClientUnaryCall;
  
  Put(argument: _ringkv_v1_PutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  Put(argument: _ringkv_v1_PutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ringkv_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  Put(argument: _ringkv_v1_PutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  Put(argument: _ringkv_v1_PutRequest, callback: grpc.requestCallback<_ringkv_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  put(argument: _ringkv_v1_PutRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  put(argument: _ringkv_v1_PutRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ringkv_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  put(argument: _ringkv_v1_PutRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  put(argument: _ringkv_v1_PutRequest, callback: grpc.requestCallback<_ringkv_v1_PutResponse__Output>): grpc.ClientUnaryCall;
  
  Stream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_ringkv_v1_KvFrame, _ringkv_v1_KvFrame__Output>;
  Stream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_ringkv_v1_KvFrame, _ringkv_v1_KvFrame__Output>;
  stream(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_ringkv_v1_KvFrame, _ringkv_v1_KvFrame__Output>;
  stream(options?: grpc.CallOptions): grpc.ClientDuplexStream<_ringkv_v1_KvFrame, _ringkv_v1_KvFrame__Output>;
  
}

export interface KVHandlers extends grpc.UntypedServiceImplementation {
  Delete: grpc.handleUnaryCall<_ringkv_v1_DeleteRequest__Output, _ringkv_v1_PutResponse>;
  
  Get: grpc.handleUnaryCall<_ringkv_v1_GetRequest__Output, _ringkv_v1_GetResponse>;
  
  GetRing: grpc.handleUnaryCall<_ringkv_v1_GetRingRequest__Output, _ringkv_v1_RingView>;
  
  Put: grpc.handleUnaryCall<_ringkv_v1_PutRequest__Output, _ringkv_v1_PutResponse>;
  
  Stream: grpc.handleBidiStreamingCall<_ringkv_v1_KvFrame__Output, _ringkv_v1_KvFrame>;
  
}

export interface KVDefinition extends grpc.ServiceDefinition {
  Delete: MethodDefinition<_ringkv_v1_DeleteRequest, _ringkv_v1_PutResponse, _ringkv_v1_DeleteRequest__Output, _ringkv_v1_PutResponse__Output>
  Get: MethodDefinition<_ringkv_v1_GetRequest, _ringkv_v1_GetResponse, _ringkv_v1_GetRequest__Output, _ringkv_v1_GetResponse__Output>
  GetRing: MethodDefinition<_ringkv_v1_GetRingRequest, _ringkv_v1_RingView, _ringkv_v1_GetRingRequest__Output, _ringkv_v1_RingView__Output>
  Put: MethodDefinition<_ringkv_v1_PutRequest, _ringkv_v1_PutResponse, _ringkv_v1_PutRequest__Output, _ringkv_v1_PutResponse__Output>
  Stream: MethodDefinition<_ringkv_v1_KvFrame, _ringkv_v1_KvFrame, _ringkv_v1_KvFrame__Output, _ringkv_v1_KvFrame__Output>
}
