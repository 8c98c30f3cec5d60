// Original file: proto/ringkv/v1/ringkv.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { HelloRequest as _ringkv_v1_HelloRequest, HelloRequest__Output as _ringkv_v1_HelloRequest__Output } from '../../ringkv/v1/HelloRequest.js';
import type { HelloResponse as _ringkv_v1_HelloResponse, HelloResponse__Output as _ringkv_v1_HelloResponse__Output } from '../../ringkv/v1/HelloResponse.js';
import type { PeerBatch as _ringkv_v1_PeerBatch, PeerBatch__Output as _ringkv_v1_PeerBatch__Output } from '../../ringkv/v1/PeerBatch.js';

export interface PeerClient extends grpc.Client {
  Exchange(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_ringkv_v1_PeerBatch, _ringkv_v1_PeerBatch__Output>;
  Exchange(options?: grpc.CallOptions): grpc.ClientDuplexStream<_ringkv_v1_PeerBatch, _ringkv_v1_PeerBatch__Output>;
  exchange(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_ringkv_v1_PeerBatch, _ringkv_v1_PeerBatch__Output>;
  exchange(options?: grpc.CallOptions): grpc.ClientDuplexStream<_ringkv_v1_PeerBatch, _ringkv_v1_PeerBatch__Output>;
  
  Hello(argument: _ringkv_v1_HelloRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_HelloResponse__Output>): grpc.ClientUnaryCall;
  Hello(argument: _ringkv_v1_HelloRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ringkv_v1_HelloResponse__Output>): grpc.ClientUnaryCall;
  Hello(argument: _ringkv_v1_HelloRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_HelloResponse__Output>): grpc.ClientUnaryCall;
  Hello(argument: _ringkv_v1_HelloRequest, callback: grpc.requestCallback<_ringkv_v1_HelloResponse__Output>): grpc.ClientUnaryCall;
  hello(argument: _ringkv_v1_HelloRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_HelloResponse__Output>): grpc.ClientUnaryCall;
  hello(argument: _ringkv_v1_HelloRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ringkv_v1_HelloResponse__Output>): grpc.ClientUnaryCall;
  hello(argument: _ringkv_v1_HelloRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_HelloResponse__Output>): grpc.ClientUnaryCall;
  hello(argument: _ringkv_v1_HelloRequest, callback: grpc.requestCallback<_ringkv_v1_HelloResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface PeerHandlers extends grpc.UntypedServiceImplementation {
  Exchange: grpc.handleBidiStreamingCall<_ringkv_v1_PeerBatch__Output, _ringkv_v1_PeerBatch>;
  
  Hello: grpc.handleUnaryCall<_ringkv_v1_HelloRequest__Output, _ringkv_v1_HelloResponse>;
  
}

export interface PeerDefinition extends grpc.ServiceDefinition {
  Exchange: MethodDefinition<_ringkv_v1_PeerBatch, _ringkv_v1_PeerBatch, _ringkv_v1_PeerBatch__Output, _ringkv_v1_PeerBatch__Output>
  Hello: MethodDefinition<_ringkv_v1_HelloRequest, _ringkv_v1_HelloResponse, _ringkv_v1_HelloRequest__Output, _ringkv_v1_HelloResponse__Output>
}
