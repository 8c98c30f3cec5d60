// Original file: proto/ringkv/v1/ringkv.proto

import type { NodeStatus as _ringkv_v1_NodeStatus, NodeStatus__Output as _ringkv_v1_NodeStatus__Output } from '../../ringkv/v1/NodeStatus.js';
import type { RingView as _ringkv_v1_RingView, RingView__Output as _ringkv_v1_RingView__Output } from '../../ringkv/v1/RingView.js';

export interface StatusResponse {
  'node'?: (_ringkv_v1_NodeStatus | null);
  'ring'?: (_ringkv_v1_RingView | null);
}

export interface StatusResponse__Output {
  'node': (_ringkv_v1_NodeStatus__Output | null);
  'ring': (_ringkv_v1_RingView__Output | null);
}
