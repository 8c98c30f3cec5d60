// Original file: proto/ringkv/v1/ringkv.proto

import type { Long } from '@grpc/proto-loader';

export interface ReplicaMove {
  'partition'?: (number);
  'gains'?: (string)[];
  'losses'?: (string)[];
  'known'?: (boolean);
  'keys'?: (number | string | Long);
  'bytes'?: (number | string | Long);
}

export interface ReplicaMove__Output {
  'partition': (number);
  'gains': (string)[];
  'losses': (string)[];
  'known': (boolean);
  'keys': (number);
  'bytes': (number);
}
