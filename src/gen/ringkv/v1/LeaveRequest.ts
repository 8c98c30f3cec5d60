// Original file: proto/ringkv/v1/ringkv.proto


export interface LeaveRequest {
  'nodeId'?: (string);
  'dryRun'?: (boolean);
}

export interface LeaveRequest__Output {
  'nodeId': (string);
  'dryRun': (boolean);
}
