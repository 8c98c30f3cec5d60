/** The server's one mapping from RingError to gRPC status (the SDK has the inverse). */
import * as grpc from '@grpc/grpc-js';
import type { ErrorCode, RingError } from '../../common/errors.js';

const STATUS: Record<ErrorCode, grpc.status> = {
  INVALID_ARGUMENT: grpc.status.INVALID_ARGUMENT,
  TOO_LARGE: grpc.status.OUT_OF_RANGE,
  UNAVAILABLE: grpc.status.UNAVAILABLE,
  TIMEOUT: grpc.status.DEADLINE_EXCEEDED,
  OVERLOADED: grpc.status.RESOURCE_EXHAUSTED,
  ABORTED: grpc.status.CANCELLED,
  FAILED_PRECONDITION: grpc.status.FAILED_PRECONDITION,
  INTERNAL: grpc.status.INTERNAL,
};

/** Metadata keys that carry the RingError code and details next to the gRPC status. */
export const ERROR_CODE_KEY = 'ringkv-code';
export const ERROR_DETAILS_KEY = 'ringkv-details';

/** A RingError as a gRPC service error with its code and details in trailing metadata. */
export function toServiceError(err: RingError): Partial<grpc.StatusObject> {
  const metadata = new grpc.Metadata();
  metadata.set(ERROR_CODE_KEY, err.code);
  metadata.set(ERROR_DETAILS_KEY, JSON.stringify(err.details));
  return { code: STATUS[err.code], details: err.message, metadata };
}
