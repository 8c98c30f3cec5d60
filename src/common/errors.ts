/**
 * Typed errors shared by the SDK and the node. Callers switch on `code`, which is stable.
 * The mapping to and from gRPC status lives in exactly one place per side
 * (src/node/io/grpc-errors.ts for the server, src/client/grpc-errors.ts for the SDK).
 */

export const ErrorCode = {
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  TOO_LARGE: 'TOO_LARGE',
  UNAVAILABLE: 'UNAVAILABLE',
  TIMEOUT: 'TIMEOUT',
  OVERLOADED: 'OVERLOADED',
  ABORTED: 'ABORTED',
  FAILED_PRECONDITION: 'FAILED_PRECONDITION',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Extra facts an error carries: the offending field and its limit, or the replicas missing. */
export interface ErrorDetails {
  readonly field?: string;
  readonly limit?: number;
  readonly missing?: readonly string[];
}

/** Base class of every error ringkv reports to callers. */
export class RingError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RingError';
    this.code = code;
    this.details = details;
  }
}

/** A request argument is malformed or out of range; `details.field` names it. */
export class InvalidArgumentError extends RingError {
  constructor(field: string, message: string, limit?: number) {
    super(ErrorCode.INVALID_ARGUMENT, message, limit === undefined ? { field } : { field, limit });
    this.name = 'InvalidArgumentError';
  }
}

/** A key, value or sibling set exceeds its configured limit; `details.limit` gives it. */
export class TooLargeError extends RingError {
  constructor(field: string, message: string, limit: number) {
    super(ErrorCode.TOO_LARGE, message, { field, limit });
    this.name = 'TooLargeError';
  }
}

/** Not enough replicas answered; a write may still have been applied on fewer replicas. */
export class UnavailableError extends RingError {
  constructor(message: string, missing: readonly string[] = [], options?: { cause?: unknown }) {
    super(ErrorCode.UNAVAILABLE, message, { missing }, options);
    this.name = 'UnavailableError';
  }
}

/** The deadline passed before the request completed; its outcome is unknown. */
export class TimeoutError extends RingError {
  constructor(message: string, missing: readonly string[] = []) {
    super(ErrorCode.TIMEOUT, message, { missing });
    this.name = 'TimeoutError';
  }
}

/** A bounded queue is full; retry later. */
export class OverloadedError extends RingError {
  constructor(message: string) {
    super(ErrorCode.OVERLOADED, message);
    this.name = 'OverloadedError';
  }
}

/** The caller's AbortSignal fired. */
export class AbortedError extends RingError {
  constructor(message = 'request aborted by the caller') {
    super(ErrorCode.ABORTED, message);
    this.name = 'AbortedError';
  }
}

/**
 * The cluster is not in a state that allows the request (a membership change while another is in
 * progress, a departed id rejoining, a change sent to a node that is not the claimant); `details.field`
 * names the argument concerned.
 */
export class FailedPreconditionError extends RingError {
  constructor(field: string, message: string) {
    super(ErrorCode.FAILED_PRECONDITION, message, { field });
    this.name = 'FailedPreconditionError';
  }
}

/** Rebuilds the right subclass from a code and message received over the wire. */
export function ringErrorFromCode(code: string, message: string, details: ErrorDetails = {}): RingError {
  switch (code) {
    case ErrorCode.INVALID_ARGUMENT:
      return new InvalidArgumentError(details.field ?? 'request', message, details.limit);
    case ErrorCode.TOO_LARGE:
      return new TooLargeError(details.field ?? 'request', message, details.limit ?? 0);
    case ErrorCode.UNAVAILABLE:
      return new UnavailableError(message, details.missing ?? []);
    case ErrorCode.TIMEOUT:
      return new TimeoutError(message, details.missing ?? []);
    case ErrorCode.OVERLOADED:
      return new OverloadedError(message);
    case ErrorCode.ABORTED:
      return new AbortedError(message);
    case ErrorCode.FAILED_PRECONDITION:
      return new FailedPreconditionError(details.field ?? 'request', message);
    default:
      return new RingError(ErrorCode.INTERNAL, message, details);
  }
}
