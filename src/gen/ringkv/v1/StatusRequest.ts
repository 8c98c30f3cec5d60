// Original file: proto/ringkv/v1/ringkv.proto


export interface StatusRequest {
}

export interface StatusRequest__Output {
}
