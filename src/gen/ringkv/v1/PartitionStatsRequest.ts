// Original file: proto/ringkv/v1/ringkv.proto


export interface PartitionStatsRequest {
  'partitions'?: (number)[];
}

export interface PartitionStatsRequest__Output {
  'partitions': (number)[];
}
