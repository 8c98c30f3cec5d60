// Original file: proto/ringkv/v1/ringkv.proto


export interface GetRingRequest {
}

export interface GetRingRequest__Output {
}
