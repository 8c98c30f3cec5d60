// Original file: proto/ringkv/v1/ringkv.proto


export interface SegmentRequest {
  'partition'?: (number);
  'segments'?: (number)[];
}

export interface SegmentRequest__Output {
  'partition': (number);
  'segments': (number)[];
}
