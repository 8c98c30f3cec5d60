// Original file: proto/ringkv/v1/ringkv.proto

import type { PeerView as _ringkv_v1_PeerView, PeerView__Output as _ringkv_v1_PeerView__Output } from '../../ringkv/v1/PeerView.js';
import type { HintTarget as _ringkv_v1_HintTarget, HintTarget__Output as _ringkv_v1_HintTarget__Output } from '../../ringkv/v1/HintTarget.js';
import type { TransferStatus as _ringkv_v1_TransferStatus, TransferStatus__Output as _ringkv_v1_TransferStatus__Output } from '../../ringkv/v1/TransferStatus.js';

export interface NodeStatus {
  'id'?: (string);
  'address'?: (string);
  'actor'?: (string);
  'state'?: (string);
  'partitionsOwned'?: (number);
  'keys'?: (number);
  'uptimeS'?: (number);
  'pid'?: (number);
  'rssMb'?: (number);
  'peers'?: (_ringkv_v1_PeerView)[];
  'requests'?: (number);
  'requestErrors'?: (number);
  'syncMode'?: (string);
  'hints'?: (_ringkv_v1_HintTarget)[];
  'handoffRate'?: (number);
  'handoffsTotal'?: (number);
  'readRepairs'?: (number);
  'hintsDropped'?: (number);
  'partitionsReplicated'?: (number);
  'partitionsInSync'?: (number);
  'lastExchangeAgeS'?: (number);
  'keysRepaired'?: (number);
  'tombstonesPending'?: (number);
  'transfers'?: (_ringkv_v1_TransferStatus)[];
  'partitionsReleasing'?: (number);
  'ringEpoch'?: (number);
  'framedStreams'?: (number);
}

export interface NodeStatus__Output {
  'id': (string);
  'address': (string);
  'actor': (string);
  'state': (string);
  'partitionsOwned': (number);
  'keys': (number);
  'uptimeS': (number);
  'pid': (number);
  'rssMb': (number);
  'peers': (_ringkv_v1_PeerView__Output)[];
  'requests': (number);
  'requestErrors': (number);
  'syncMode': (string);
  'hints': (_ringkv_v1_HintTarget__Output)[];
  'handoffRate': (number);
  'handoffsTotal': (number);
  'readRepairs': (number);
  'hintsDropped': (number);
  'partitionsReplicated': (number);
  'partitionsInSync': (number);
  'lastExchangeAgeS': (number);
  'keysRepaired': (number);
  'tombstonesPending': (number);
  'transfers': (_ringkv_v1_TransferStatus__Output)[];
  'partitionsReleasing': (number);
  'ringEpoch': (number);
  'framedStreams': (number);
}
