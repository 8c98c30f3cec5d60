// Original file: proto/ringkv/v1/ringkv.proto

import type { ReplicaGet as _ringkv_v1_ReplicaGet, ReplicaGet__Output as _ringkv_v1_ReplicaGet__Output } from '../../ringkv/v1/ReplicaGet.js';
import type { ReplicaPut as _ringkv_v1_ReplicaPut, ReplicaPut__Output as _ringkv_v1_ReplicaPut__Output } from '../../ringkv/v1/ReplicaPut.js';
import type { CoordinatePut as _ringkv_v1_CoordinatePut, CoordinatePut__Output as _ringkv_v1_CoordinatePut__Output } from '../../ringkv/v1/CoordinatePut.js';
import type { Gossip as _ringkv_v1_Gossip, Gossip__Output as _ringkv_v1_Gossip__Output } from '../../ringkv/v1/Gossip.js';
import type { TreeRequest as _ringkv_v1_TreeRequest, TreeRequest__Output as _ringkv_v1_TreeRequest__Output } from '../../ringkv/v1/TreeRequest.js';
import type { SegmentRequest as _ringkv_v1_SegmentRequest, SegmentRequest__Output as _ringkv_v1_SegmentRequest__Output } from '../../ringkv/v1/SegmentRequest.js';
import type { Purge as _ringkv_v1_Purge, Purge__Output as _ringkv_v1_Purge__Output } from '../../ringkv/v1/Purge.js';
import type { TransferPull as _ringkv_v1_TransferPull, TransferPull__Output as _ringkv_v1_TransferPull__Output } from '../../ringkv/v1/TransferPull.js';
import type { PartitionStatsRequest as _ringkv_v1_PartitionStatsRequest, PartitionStatsRequest__Output as _ringkv_v1_PartitionStatsRequest__Output } from '../../ringkv/v1/PartitionStatsRequest.js';
import type { ReplicaReply as _ringkv_v1_ReplicaReply, ReplicaReply__Output as _ringkv_v1_ReplicaReply__Output } from '../../ringkv/v1/ReplicaReply.js';
import type { CoordinateReply as _ringkv_v1_CoordinateReply, CoordinateReply__Output as _ringkv_v1_CoordinateReply__Output } from '../../ringkv/v1/CoordinateReply.js';
import type { ErrorReply as _ringkv_v1_ErrorReply, ErrorReply__Output as _ringkv_v1_ErrorReply__Output } from '../../ringkv/v1/ErrorReply.js';
import type { TreeReply as _ringkv_v1_TreeReply, TreeReply__Output as _ringkv_v1_TreeReply__Output } from '../../ringkv/v1/TreeReply.js';
import type { SegmentReply as _ringkv_v1_SegmentReply, SegmentReply__Output as _ringkv_v1_SegmentReply__Output } from '../../ringkv/v1/SegmentReply.js';
import type { TransferChunk as _ringkv_v1_TransferChunk, TransferChunk__Output as _ringkv_v1_TransferChunk__Output } from '../../ringkv/v1/TransferChunk.js';
import type { PartitionStatsReply as _ringkv_v1_PartitionStatsReply, PartitionStatsReply__Output as _ringkv_v1_PartitionStatsReply__Output } from '../../ringkv/v1/PartitionStatsReply.js';

export interface PeerMessage {
  'id'?: (number);
  'budgetMs'?: (number);
  'replicaGet'?: (_ringkv_v1_ReplicaGet | null);
  'replicaPut'?: (_ringkv_v1_ReplicaPut | null);
  'coordinatePut'?: (_ringkv_v1_CoordinatePut | null);
  'gossip'?: (_ringkv_v1_Gossip | null);
  'treeRequest'?: (_ringkv_v1_TreeRequest | null);
  'segmentRequest'?: (_ringkv_v1_SegmentRequest | null);
  'purge'?: (_ringkv_v1_Purge | null);
  'transferPull'?: (_ringkv_v1_TransferPull | null);
  'partitionStats'?: (_ringkv_v1_PartitionStatsRequest | null);
  'replicaReply'?: (_ringkv_v1_ReplicaReply | null);
  'coordinateReply'?: (_ringkv_v1_CoordinateReply | null);
  'error'?: (_ringkv_v1_ErrorReply | null);
  'gossipReply'?: (_ringkv_v1_Gossip | null);
  'treeReply'?: (_ringkv_v1_TreeReply | null);
  'segmentReply'?: (_ringkv_v1_SegmentReply | null);
  'transferChunk'?: (_ringkv_v1_TransferChunk | null);
  'partitionStatsReply'?: (_ringkv_v1_PartitionStatsReply | null);
  'body'?: "replicaGet"|"replicaPut"|"coordinatePut"|"gossip"|"treeRequest"|"segmentRequest"|"purge"|"transferPull"|"partitionStats"|"replicaReply"|"coordinateReply"|"error"|"gossipReply"|"treeReply"|"segmentReply"|"transferChunk"|"partitionStatsReply";
}

export interface PeerMessage__Output {
  'id': (number);
  'budgetMs': (number);
  'replicaGet'?: (_ringkv_v1_ReplicaGet__Output | null);
  'replicaPut'?: (_ringkv_v1_ReplicaPut__Output | null);
  'coordinatePut'?: (_ringkv_v1_CoordinatePut__Output | null);
  'gossip'?: (_ringkv_v1_Gossip__Output | null);
  'treeRequest'?: (_ringkv_v1_TreeRequest__Output | null);
  'segmentRequest'?: (_ringkv_v1_SegmentRequest__Output | null);
  'purge'?: (_ringkv_v1_Purge__Output | null);
  'transferPull'?: (_ringkv_v1_TransferPull__Output | null);
  'partitionStats'?: (_ringkv_v1_PartitionStatsRequest__Output | null);
  'replicaReply'?: (_ringkv_v1_ReplicaReply__Output | null);
  'coordinateReply'?: (_ringkv_v1_CoordinateReply__Output | null);
  'error'?: (_ringkv_v1_ErrorReply__Output | null);
  'gossipReply'?: (_ringkv_v1_Gossip__Output | null);
  'treeReply'?: (_ringkv_v1_TreeReply__Output | null);
  'segmentReply'?: (_ringkv_v1_SegmentReply__Output | null);
  'transferChunk'?: (_ringkv_v1_TransferChunk__Output | null);
  'partitionStatsReply'?: (_ringkv_v1_PartitionStatsReply__Output | null);
  'body'?: "replicaGet"|"replicaPut"|"coordinatePut"|"gossip"|"treeRequest"|"segmentRequest"|"purge"|"transferPull"|"partitionStats"|"replicaReply"|"coordinateReply"|"error"|"gossipReply"|"treeReply"|"segmentReply"|"transferChunk"|"partitionStatsReply";
}
