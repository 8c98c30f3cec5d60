// Original file: proto/ringkv/v1/ringkv.proto

import type { Long } from '@grpc/proto-loader';

export interface PartitionStats {
  'partition'?: (number);
  'known'?: (boolean);
  'keys'?: (number | string | Long);
  'bytes'?: (number | string | Long);
}

export interface PartitionStats__Output {
  'partition': (number);
  'known': (boolean);
  'keys': (number);
  'bytes': (number);
}
