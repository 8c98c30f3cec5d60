// Original file: proto/ringkv/v1/ringkv.proto

import type { Heartbeat as _ringkv_v1_Heartbeat, Heartbeat__Output as _ringkv_v1_Heartbeat__Output } from '../../ringkv/v1/Heartbeat.js';

export interface Gossip {
  'epoch'?: (number);
  'heartbeats'?: (_ringkv_v1_Heartbeat)[];
}

export interface Gossip__Output {
  'epoch': (number);
  'heartbeats': (_ringkv_v1_Heartbeat__Output)[];
}
