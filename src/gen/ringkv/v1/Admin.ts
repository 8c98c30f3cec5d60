// Original file: proto/ringkv/v1/ringkv.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ChangePlan as _ringkv_v1_ChangePlan, ChangePlan__Output as _ringkv_v1_ChangePlan__Output } from '../../ringkv/v1/ChangePlan.js';
import type { JoinRequest as _ringkv_v1_JoinRequest, JoinRequest__Output as _ringkv_v1_JoinRequest__Output } from '../../ringkv/v1/JoinRequest.js';
import type { LeaveRequest as _ringkv_v1_LeaveRequest, LeaveRequest__Output as _ringkv_v1_LeaveRequest__Output } from '../../ringkv/v1/LeaveRequest.js';
import type { StatusRequest as _ringkv_v1_StatusRequest, StatusRequest__Output as _ringkv_v1_StatusRequest__Output } from '../../ringkv/v1/StatusRequest.js';
import type { StatusResponse as _ringkv_v1_StatusResponse, StatusResponse__Output as _ringkv_v1_StatusResponse__Output } from '../../ringkv/v1/StatusResponse.js';

export interface AdminClient extends grpc.Client {
  Join(argument: _ringkv_v1_JoinRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_ChangePlan__Output>): grpc.ClientUnaryCall;
  Join(argument: _ringkv_v1_JoinRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ringkv_v1_ChangePlan__Output>): grpc.ClientUnaryCall;
  Join(argument: _ringkv_v1_JoinRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_ChangePlan__Output>): grpc.ClientUnaryCall;
  Join(argument: _ringkv_v1_JoinRequest, callback: grpc.requestCallback<_ringkv_v1_ChangePlan__Output>): grpc.ClientUnaryCall;
  join(argument: _ringkv_v1_JoinRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_ChangePlan__Output>): grpc.ClientUnaryCall;
  join(argument: _ringkv_v1_JoinRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ringkv_v1_ChangePlan__Output>): grpc.ClientUnaryCall;
  join(argument: _ringkv_v1_JoinRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_ChangePlan__Output>): grpc.ClientUnaryCall;
  join(argument: _ringkv_v1_JoinRequest, callback: grpc.requestCallback<_ringkv_v1_ChangePlan__Output>): grpc.ClientUnaryCall;
  
  Leave(argument: _ringkv_v1_LeaveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_ChangePlan__Output>): grpc.ClientUnaryCall;
  Leave(argument: _ringkv_v1_LeaveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ringkv_v1_ChangePlan__Output>): grpc.ClientUnaryCall;
  Leave(argument: _ringkv_v1_LeaveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_ChangePlan__Output>): grpc.ClientUnaryCall;
  Leave(argument: _ringkv_v1_LeaveRequest, callback: grpc.requestCallback<_ringkv_v1_ChangePlan__Output>): grpc.ClientUnaryCall;
  leave(argument: _ringkv_v1_LeaveRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_ChangePlan__Output>): grpc.ClientUnaryCall;
  leave(argument: _ringkv_v1_LeaveRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ringkv_v1_ChangePlan__Output>): grpc.ClientUnaryCall;
  leave(argument: _ringkv_v1_LeaveRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_ChangePlan__Output>): grpc.ClientUnaryCall;
  leave(argument: _ringkv_v1_LeaveRequest, callback: grpc.requestCallback<_ringkv_v1_ChangePlan__Output>): grpc.ClientUnaryCall;
  
  Status(argument: _ringkv_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  Status(argument: _ringkv_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ringkv_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  Status(argument: _ringkv_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  Status(argument: _ringkv_v1_StatusRequest, callback: grpc.requestCallback<_ringkv_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _ringkv_v1_StatusRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _ringkv_v1_StatusRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_ringkv_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _ringkv_v1_StatusRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_ringkv_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  status(argument: _ringkv_v1_StatusRequest, callback: grpc.requestCallback<_ringkv_v1_StatusResponse__Output>): grpc.ClientUnaryCall;
  
}

export interface AdminHandlers extends grpc.UntypedServiceImplementation {
  Join: grpc.handleUnaryCall<_ringkv_v1_JoinRequest__Output, _ringkv_v1_ChangePlan>;
  
  Leave: grpc.handleUnaryCall<_ringkv_v1_LeaveRequest__Output, _ringkv_v1_ChangePlan>;
  
  Status: grpc.handleUnaryCall<_ringkv_v1_StatusRequest__Output, _ringkv_v1_StatusResponse>;
  
}

export interface AdminDefinition extends grpc.ServiceDefinition {
  Join: MethodDefinition<_ringkv_v1_JoinRequest, _ringkv_v1_ChangePlan, _ringkv_v1_JoinRequest__Output, _ringkv_v1_ChangePlan__Output>
  Leave: MethodDefinition<_ringkv_v1_LeaveRequest, _ringkv_v1_ChangePlan, _ringkv_v1_LeaveRequest__Output, _ringkv_v1_ChangePlan__Output>
  Status: MethodDefinition<_ringkv_v1_StatusRequest, _ringkv_v1_StatusResponse, _ringkv_v1_StatusRequest__Output, _ringkv_v1_StatusResponse__Output>
}
