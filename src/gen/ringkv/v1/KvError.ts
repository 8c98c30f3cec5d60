// Original file: proto/ringkv/v1/ringkv.proto


export interface KvError {
  'code'?: (string);
  'message'?: (string);
  'field'?: (string);
  'limit'?: (number);
  'missing'?: (string)[];
}

export interface KvError__Output {
  'code': (string);
  'message': (string);
  'field': (string);
  'limit': (number);
  'missing': (string)[];
}
