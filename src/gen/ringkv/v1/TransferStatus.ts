// Original file: proto/ringkv/v1/ringkv.proto

import type { Long } from '@grpc/proto-loader';

export interface TransferStatus {
  'partition'?: (number);
  'source'?: (string);
  'state'?: (string);
  'keysDone'?: (number | string | Long);
  'bytesDone'?: (number | string | Long);
  'keysTotal'?: (number | string | Long);
  'bytesTotal'?: (number | string | Long);
  'rateKeysPerS'?: (number);
  'etaS'?: (number);
  'resumedAtKeys'?: (number);
}

export interface TransferStatus__Output {
  'partition': (number);
  'source': (string);
  'state': (string);
  'keysDone': (number);
  'bytesDone': (number);
  'keysTotal': (number);
  'bytesTotal': (number);
  'rateKeysPerS': (number);
  'etaS': (number);
  'resumedAtKeys': (number);
}
