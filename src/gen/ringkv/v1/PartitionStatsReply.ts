// Original file: proto/ringkv/v1/ringkv.proto

import type { PartitionStats as _ringkv_v1_PartitionStats, PartitionStats__Output as _ringkv_v1_PartitionStats__Output } from '../../ringkv/v1/PartitionStats.js';

export interface PartitionStatsReply {
  'stats'?: (_ringkv_v1_PartitionStats)[];
}

export interface PartitionStatsReply__Output {
  'stats': (_ringkv_v1_PartitionStats__Output)[];
}
