import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { AdminClient as _ringkv_v1_AdminClient, AdminDefinition as _ringkv_v1_AdminDefinition } from './ringkv/v1/Admin.js';
import type { Balance as _ringkv_v1_Balance, Balance__Output as _ringkv_v1_Balance__Output } from './ringkv/v1/Balance.js';
import type { ChangePlan as _ringkv_v1_ChangePlan, ChangePlan__Output as _ringkv_v1_ChangePlan__Output } from './ringkv/v1/ChangePlan.js';
import type { CoordinatePut as _ringkv_v1_CoordinatePut, CoordinatePut__Output as _ringkv_v1_CoordinatePut__Output } from './ringkv/v1/CoordinatePut.js';
import type { CoordinateReply as _ringkv_v1_CoordinateReply, CoordinateReply__Output as _ringkv_v1_CoordinateReply__Output } from './ringkv/v1/CoordinateReply.js';
import type { DeleteRequest as _ringkv_v1_DeleteRequest, DeleteRequest__Output as _ringkv_v1_DeleteRequest__Output } from './ringkv/v1/DeleteRequest.js';
import type { ErrorReply as _ringkv_v1_ErrorReply, ErrorReply__Output as _ringkv_v1_ErrorReply__Output } from './ringkv/v1/ErrorReply.js';
import type { GetRequest as _ringkv_v1_GetRequest, GetRequest__Output as _ringkv_v1_GetRequest__Output } from './ringkv/v1/GetRequest.js';
import type { GetResponse as _ringkv_v1_GetResponse, GetResponse__Output as _ringkv_v1_GetResponse__Output } from './ringkv/v1/GetResponse.js';
import type { GetRingRequest as _ringkv_v1_GetRingRequest, GetRingRequest__Output as _ringkv_v1_GetRingRequest__Output } from './ringkv/v1/GetRingRequest.js';
import type { Gossip as _ringkv_v1_Gossip, Gossip__Output as _ringkv_v1_Gossip__Output } from './ringkv/v1/Gossip.js';
import type { Heartbeat as _ringkv_v1_Heartbeat, Heartbeat__Output as _ringkv_v1_Heartbeat__Output } from './ringkv/v1/Heartbeat.js';
import type { HelloRequest as _ringkv_v1_HelloRequest, HelloRequest__Output as _ringkv_v1_HelloRequest__Output } from './ringkv/v1/HelloRequest.js';
import type { HelloResponse as _ringkv_v1_HelloResponse, HelloResponse__Output as _ringkv_v1_HelloResponse__Output } from './ringkv/v1/HelloResponse.js';
import type { HintTarget as _ringkv_v1_HintTarget, HintTarget__Output as _ringkv_v1_HintTarget__Output } from './ringkv/v1/HintTarget.js';
import type { JoinRequest as _ringkv_v1_JoinRequest, JoinRequest__Output as _ringkv_v1_JoinRequest__Output } from './ringkv/v1/JoinRequest.js';
import type { KVClient as _ringkv_v1_KVClient, KVDefinition as _ringkv_v1_KVDefinition } from './ringkv/v1/KV.js';
import type { KeyVersion as _ringkv_v1_KeyVersion, KeyVersion__Output as _ringkv_v1_KeyVersion__Output } from './ringkv/v1/KeyVersion.js';
import type { KvError as _ringkv_v1_KvError, KvError__Output as _ringkv_v1_KvError__Output } from './ringkv/v1/KvError.js';
import type { KvFrame as _ringkv_v1_KvFrame, KvFrame__Output as _ringkv_v1_KvFrame__Output } from './ringkv/v1/KvFrame.js';
import type { KvMessage as _ringkv_v1_KvMessage, KvMessage__Output as _ringkv_v1_KvMessage__Output } from './ringkv/v1/KvMessage.js';
import type { LeaveRequest as _ringkv_v1_LeaveRequest, LeaveRequest__Output as _ringkv_v1_LeaveRequest__Output } from './ringkv/v1/LeaveRequest.js';
import type { Member as _ringkv_v1_Member, Member__Output as _ringkv_v1_Member__Output } from './ringkv/v1/Member.js';
import type { NodeStatus as _ringkv_v1_NodeStatus, NodeStatus__Output as _ringkv_v1_NodeStatus__Output } from './ringkv/v1/NodeStatus.js';
import type { OwnerMove as _ringkv_v1_OwnerMove, OwnerMove__Output as _ringkv_v1_OwnerMove__Output } from './ringkv/v1/OwnerMove.js';
import type { PartitionStats as _ringkv_v1_PartitionStats, PartitionStats__Output as _ringkv_v1_PartitionStats__Output } from './ringkv/v1/PartitionStats.js';
import type { PartitionStatsReply as _ringkv_v1_PartitionStatsReply, PartitionStatsReply__Output as _ringkv_v1_PartitionStatsReply__Output } from './ringkv/v1/PartitionStatsReply.js';
import type { PartitionStatsRequest as _ringkv_v1_PartitionStatsRequest, PartitionStatsRequest__Output as _ringkv_v1_PartitionStatsRequest__Output } from './ringkv/v1/PartitionStatsRequest.js';
import type { PeerClient as _ringkv_v1_PeerClient, PeerDefinition as _ringkv_v1_PeerDefinition } from './ringkv/v1/Peer.js';
import type { PeerBatch as _ringkv_v1_PeerBatch, PeerBatch__Output as _ringkv_v1_PeerBatch__Output } from './ringkv/v1/PeerBatch.js';
import type { PeerMessage as _ringkv_v1_PeerMessage, PeerMessage__Output as _ringkv_v1_PeerMessage__Output } from './ringkv/v1/PeerMessage.js';
import type { PeerView as _ringkv_v1_PeerView, PeerView__Output as _ringkv_v1_PeerView__Output } from './ringkv/v1/PeerView.js';
import type { Purge as _ringkv_v1_Purge, Purge__Output as _ringkv_v1_Purge__Output } from './ringkv/v1/Purge.js';
import type { PutRequest as _ringkv_v1_PutRequest, PutRequest__Output as _ringkv_v1_PutRequest__Output } from './ringkv/v1/PutRequest.js';
import type { PutResponse as _ringkv_v1_PutResponse, PutResponse__Output as _ringkv_v1_PutResponse__Output } from './ringkv/v1/PutResponse.js';
import type { Receipt as _ringkv_v1_Receipt, Receipt__Output as _ringkv_v1_Receipt__Output } from './ringkv/v1/Receipt.js';
import type { ReceiptReply as _ringkv_v1_ReceiptReply, ReceiptReply__Output as _ringkv_v1_ReceiptReply__Output } from './ringkv/v1/ReceiptReply.js';
import type { ReplicaGet as _ringkv_v1_ReplicaGet, ReplicaGet__Output as _ringkv_v1_ReplicaGet__Output } from './ringkv/v1/ReplicaGet.js';
import type { ReplicaMove as _ringkv_v1_ReplicaMove, ReplicaMove__Output as _ringkv_v1_ReplicaMove__Output } from './ringkv/v1/ReplicaMove.js';
import type { ReplicaPut as _ringkv_v1_ReplicaPut, ReplicaPut__Output as _ringkv_v1_ReplicaPut__Output } from './ringkv/v1/ReplicaPut.js';
import type { ReplicaReply as _ringkv_v1_ReplicaReply, ReplicaReply__Output as _ringkv_v1_ReplicaReply__Output } from './ringkv/v1/ReplicaReply.js';
import type { RequestOptions as _ringkv_v1_RequestOptions, RequestOptions__Output as _ringkv_v1_RequestOptions__Output } from './ringkv/v1/RequestOptions.js';
import type { RingView as _ringkv_v1_RingView, RingView__Output as _ringkv_v1_RingView__Output } from './ringkv/v1/RingView.js';
import type { SegmentReply as _ringkv_v1_SegmentReply, SegmentReply__Output as _ringkv_v1_SegmentReply__Output } from './ringkv/v1/SegmentReply.js';
import type { SegmentRequest as _ringkv_v1_SegmentRequest, SegmentRequest__Output as _ringkv_v1_SegmentRequest__Output } from './ringkv/v1/SegmentRequest.js';
import type { StatusRequest as _ringkv_v1_StatusRequest, StatusRequest__Output as _ringkv_v1_StatusRequest__Output } from './ringkv/v1/StatusRequest.js';
import type { StatusResponse as _ringkv_v1_StatusResponse, StatusResponse__Output as _ringkv_v1_StatusResponse__Output } from './ringkv/v1/StatusResponse.js';
import type { TransferChunk as _ringkv_v1_TransferChunk, TransferChunk__Output as _ringkv_v1_TransferChunk__Output } from './ringkv/v1/TransferChunk.js';
import type { TransferPull as _ringkv_v1_TransferPull, TransferPull__Output as _ringkv_v1_TransferPull__Output } from './ringkv/v1/TransferPull.js';
import type { TransferStatus as _ringkv_v1_TransferStatus, TransferStatus__Output as _ringkv_v1_TransferStatus__Output } from './ringkv/v1/TransferStatus.js';
import type { TreeReply as _ringkv_v1_TreeReply, TreeReply__Output as _ringkv_v1_TreeReply__Output } from './ringkv/v1/TreeReply.js';
import type { TreeRequest as _ringkv_v1_TreeRequest, TreeRequest__Output as _ringkv_v1_TreeRequest__Output } from './ringkv/v1/TreeRequest.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  ringkv: {
    v1: {
      Admin: SubtypeConstructor<typeof grpc.Client, _ringkv_v1_AdminClient> & { service: _ringkv_v1_AdminDefinition }
      Balance: MessageTypeDefinition<_ringkv_v1_Balance, _ringkv_v1_Balance__Output>
      ChangePlan: MessageTypeDefinition<_ringkv_v1_ChangePlan, _ringkv_v1_ChangePlan__Output>
      CoordinatePut: MessageTypeDefinition<_ringkv_v1_CoordinatePut, _ringkv_v1_CoordinatePut__Output>
      CoordinateReply: MessageTypeDefinition<_ringkv_v1_CoordinateReply, _ringkv_v1_CoordinateReply__Output>
      DeleteRequest: MessageTypeDefinition<_ringkv_v1_DeleteRequest, _ringkv_v1_DeleteRequest__Output>
      ErrorReply: MessageTypeDefinition<_ringkv_v1_ErrorReply, _ringkv_v1_ErrorReply__Output>
      GetRequest: MessageTypeDefinition<_ringkv_v1_GetRequest, _ringkv_v1_GetRequest__Output>
      GetResponse: MessageTypeDefinition<_ringkv_v1_GetResponse, _ringkv_v1_GetResponse__Output>
      GetRingRequest: MessageTypeDefinition<_ringkv_v1_GetRingRequest, _ringkv_v1_GetRingRequest__Output>
      Gossip: MessageTypeDefinition<_ringkv_v1_Gossip, _ringkv_v1_Gossip__Output>
      Heartbeat: MessageTypeDefinition<_ringkv_v1_Heartbeat, _ringkv_v1_Heartbeat__Output>
      HelloRequest: MessageTypeDefinition<_ringkv_v1_HelloRequest, _ringkv_v1_HelloRequest__Output>
      HelloResponse: MessageTypeDefinition<_ringkv_v1_HelloResponse, _ringkv_v1_HelloResponse__Output>
      HintTarget: MessageTypeDefinition<_ringkv_v1_HintTarget, _ringkv_v1_HintTarget__Output>
      JoinRequest: MessageTypeDefinition<_ringkv_v1_JoinRequest, _ringkv_v1_JoinRequest__Output>
      KV: SubtypeConstructor<typeof grpc.Client, _ringkv_v1_KVClient> & { service: _ringkv_v1_KVDefinition }
      KeyVersion: MessageTypeDefinition<_ringkv_v1_KeyVersion, _ringkv_v1_KeyVersion__Output>
      KvError: MessageTypeDefinition<_ringkv_v1_KvError, _ringkv_v1_KvError__Output>
      KvFrame: MessageTypeDefinition<_ringkv_v1_KvFrame, _ringkv_v1_KvFrame__Output>
      KvMessage: MessageTypeDefinition<_ringkv_v1_KvMessage, _ringkv_v1_KvMessage__Output>
      LeaveRequest: MessageTypeDefinition<_ringkv_v1_LeaveRequest, _ringkv_v1_LeaveRequest__Output>
      Member: MessageTypeDefinition<_ringkv_v1_Member, _ringkv_v1_Member__Output>
      NodeStatus: MessageTypeDefinition<_ringkv_v1_NodeStatus, _ringkv_v1_NodeStatus__Output>
      OwnerMove: MessageTypeDefinition<_ringkv_v1_OwnerMove, _ringkv_v1_OwnerMove__Output>
      PartitionStats: MessageTypeDefinition<_ringkv_v1_PartitionStats, _ringkv_v1_PartitionStats__Output>
      PartitionStatsReply: MessageTypeDefinition<_ringkv_v1_PartitionStatsReply, _ringkv_v1_PartitionStatsReply__Output>
      PartitionStatsRequest: MessageTypeDefinition<_ringkv_v1_PartitionStatsRequest, _ringkv_v1_PartitionStatsRequest__Output>
      Peer: SubtypeConstructor<typeof grpc.Client, _ringkv_v1_PeerClient> & { service: _ringkv_v1_PeerDefinition }
      PeerBatch: MessageTypeDefinition<_ringkv_v1_PeerBatch, _ringkv_v1_PeerBatch__Output>
      PeerMessage: MessageTypeDefinition<_ringkv_v1_PeerMessage, _ringkv_v1_PeerMessage__Output>
      PeerView: MessageTypeDefinition<_ringkv_v1_PeerView, _ringkv_v1_PeerView__Output>
      Purge: MessageTypeDefinition<_ringkv_v1_Purge, _ringkv_v1_Purge__Output>
      PutRequest: MessageTypeDefinition<_ringkv_v1_PutRequest, _ringkv_v1_PutRequest__Output>
      PutResponse: MessageTypeDefinition<_ringkv_v1_PutResponse, _ringkv_v1_PutResponse__Output>
      Receipt: MessageTypeDefinition<_ringkv_v1_Receipt, _ringkv_v1_Receipt__Output>
      ReceiptReply: MessageTypeDefinition<_ringkv_v1_ReceiptReply, _ringkv_v1_ReceiptReply__Output>
      ReplicaGet: MessageTypeDefinition<_ringkv_v1_ReplicaGet, _ringkv_v1_ReplicaGet__Output>
      ReplicaMove: MessageTypeDefinition<_ringkv_v1_ReplicaMove, _ringkv_v1_ReplicaMove__Output>
      ReplicaPut: MessageTypeDefinition<_ringkv_v1_ReplicaPut, _ringkv_v1_ReplicaPut__Output>
      ReplicaReply: MessageTypeDefinition<_ringkv_v1_ReplicaReply, _ringkv_v1_ReplicaReply__Output>
      RequestOptions: MessageTypeDefinition<_ringkv_v1_RequestOptions, _ringkv_v1_RequestOptions__Output>
      RingView: MessageTypeDefinition<_ringkv_v1_RingView, _ringkv_v1_RingView__Output>
      SegmentReply: MessageTypeDefinition<_ringkv_v1_SegmentReply, _ringkv_v1_SegmentReply__Output>
      SegmentRequest: MessageTypeDefinition<_ringkv_v1_SegmentRequest, _ringkv_v1_SegmentRequest__Output>
      StatusRequest: MessageTypeDefinition<_ringkv_v1_StatusRequest, _ringkv_v1_StatusRequest__Output>
      StatusResponse: MessageTypeDefinition<_ringkv_v1_StatusResponse, _ringkv_v1_StatusResponse__Output>
      TransferChunk: MessageTypeDefinition<_ringkv_v1_TransferChunk, _ringkv_v1_TransferChunk__Output>
      TransferPull: MessageTypeDefinition<_ringkv_v1_TransferPull, _ringkv_v1_TransferPull__Output>
      TransferStatus: MessageTypeDefinition<_ringkv_v1_TransferStatus, _ringkv_v1_TransferStatus__Output>
      TreeReply: MessageTypeDefinition<_ringkv_v1_TreeReply, _ringkv_v1_TreeReply__Output>
      TreeRequest: MessageTypeDefinition<_ringkv_v1_TreeRequest, _ringkv_v1_TreeRequest__Output>
    }
  }
}

