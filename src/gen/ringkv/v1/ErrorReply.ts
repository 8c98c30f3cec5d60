// Original file: proto/ringkv/v1/ringkv.proto


export interface ErrorReply {
  'code'?: (string);
  'message'?: (string);
  'field'?: (string);
  'limit'?: (number);
  'missing'?: (string)[];
}

export interface ErrorReply__Output {
  'code': (string);
  'message': (string);
  'field': (string);
  'limit': (number);
  'missing': (string)[];
}
