// Original file: proto/ringkv/v1/ringkv.proto

import type { OwnerMove as _ringkv_v1_OwnerMove, OwnerMove__Output as _ringkv_v1_OwnerMove__Output } from '../../ringkv/v1/OwnerMove.js';
import type { ReplicaMove as _ringkv_v1_ReplicaMove, ReplicaMove__Output as _ringkv_v1_ReplicaMove__Output } from '../../ringkv/v1/ReplicaMove.js';
import type { Balance as _ringkv_v1_Balance, Balance__Output as _ringkv_v1_Balance__Output } from '../../ringkv/v1/Balance.js';
import type { Long } from '@grpc/proto-loader';

export interface ChangePlan {
  'kind'?: (string);
  'nodeId'?: (string);
  'address'?: (string);
  'epoch'?: (number);
  'committed'?: (boolean);
  'stagedEpoch'?: (number);
  'ownerMoves'?: (_ringkv_v1_OwnerMove)[];
  'replicaMoves'?: (_ringkv_v1_ReplicaMove)[];
  'balance'?: (_ringkv_v1_Balance)[];
  'copies'?: (number);
  'keys'?: (number | string | Long);
  'bytes'?: (number | string | Long);
  'unknownPartitions'?: (number);
}

export interface ChangePlan__Output {
  'kind': (string);
  'nodeId': (string);
  'address': (string);
  'epoch': (number);
  'committed': (boolean);
  'stagedEpoch': (number);
  'ownerMoves': (_ringkv_v1_OwnerMove__Output)[];
  'replicaMoves': (_ringkv_v1_ReplicaMove__Output)[];
  'balance': (_ringkv_v1_Balance__Output)[];
  'copies': (number);
  'keys': (number);
  'bytes': (number);
  'unknownPartitions': (number);
}
