/** The SDK's one mapping from gRPC failures to RingError (the server has the inverse). */
import * as grpc from '@grpc/grpc-js';
import {
  AbortedError,
  type ErrorDetails,
  RingError,
  ringErrorFromCode,
  TimeoutError,
  TooLargeError,
  UnavailableError,
} from '../common/errors.js';
import { GRPC_MESSAGE_BYTES_MAX } from '../proto/load.js';

const ERROR_CODE_KEY = 'ringkv-code';
const ERROR_DETAILS_KEY = 'ringkv-details';

/** How a failed call relates to the node it was sent to. */
export interface CallFailure {
  readonly error: RingError;
  /** The node answered with a ringkv error (as opposed to a transport failure). */
  readonly fromNode: boolean;
  /** The request certainly never reached the node: safe to send a write elsewhere. */
  readonly undelivered: boolean;
}

const UNDELIVERED = /No connection established|ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|Name resolution failed|ENOTFOUND/;

/** How each error a call rejected with came about (transport or node, delivered or not). */
const failures = new WeakMap<object, CallFailure>();

/** Records how `failure` came about and returns its error, for the caller to reject with. */
export function fail(failure: CallFailure): RingError {
  failures.set(failure.error, failure);
  return failure.error;
}

/** How a rejected call failed, or undefined for errors not raised by a call. */
export function failureOf(err: unknown): CallFailure | undefined {
  return typeof err === 'object' && err !== null ? failures.get(err) : undefined;
}

/** grpc-js details without its boilerplate ("Last error: Error: ...", an empty resolution note). */
export function tidyDetails(details: string): string {
  return details
    .replace(/\s*Resolution note:\s*$/, '')
    .replace('Last error: Error: ', '')
    .trim();
}

/** Whether a failed stream's status says the connection was never made. */
export function isUndeliveredStatus(status: grpc.StatusObject): boolean {
  return status.code === grpc.status.UNAVAILABLE && UNDELIVERED.test(status.details);
}

/**
 * Classifies the end of a KV stream for a request written to it. `undelivered` is true only
 * when the stream was never established and failed to connect.
 */
export function streamStatusFailure(status: grpc.StatusObject, nodeId: string, undelivered: boolean): CallFailure {
  const reason = tidyDetails(status.details) || grpc.status[status.code] || 'stream closed';
  const note = undelivered ? '' : '; the outcome of a write is unknown';
  const what = status.code === grpc.status.OK ? `node ${nodeId} closed the stream` : `node ${nodeId} unreachable`;
  return {
    error: new UnavailableError(`${what}: ${reason}${note}`, [nodeId]),
    fromNode: false,
    undelivered,
  };
}

/** Classifies a gRPC error from a call to `nodeId`. */
export function fromServiceError(err: grpc.ServiceError, nodeId: string, aborted: boolean): CallFailure {
  const code = err.metadata?.get(ERROR_CODE_KEY)[0];
  if (typeof code === 'string') {
    const raw = err.metadata.get(ERROR_DETAILS_KEY)[0];
    const details = parseDetails(typeof raw === 'string' ? raw : '');
    return { error: ringErrorFromCode(code, err.details, details), fromNode: true, undelivered: false };
  }
  const failure = (error: RingError, undelivered = false): CallFailure => ({ error, fromNode: false, undelivered });
  switch (err.code) {
    case grpc.status.CANCELLED:
      return failure(aborted ? new AbortedError() : new RingError('INTERNAL', `call to ${nodeId} cancelled`));
    case grpc.status.DEADLINE_EXCEEDED:
      return failure(new TimeoutError(`no answer from ${nodeId} before the deadline`, [nodeId]));
    case grpc.status.UNAVAILABLE: {
      const undelivered = UNDELIVERED.test(err.details);
      const note = undelivered ? '' : '; the outcome of a write is unknown';
      const reason = err.details.replace(/\s*Resolution note:\s*$/, '').replace('Last error: Error: ', '');
      return failure(new UnavailableError(`node ${nodeId} unreachable: ${reason}${note}`, [nodeId]), undelivered);
    }
    case grpc.status.RESOURCE_EXHAUSTED:
      return failure(
        new TooLargeError('request', `request too large for the transport: ${err.details}`, GRPC_MESSAGE_BYTES_MAX),
      );
    default:
      return failure(new RingError('INTERNAL', `call to ${nodeId} failed: ${grpc.status[err.code]} ${err.details}`));
  }
}

function parseDetails(raw: string): ErrorDetails {
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null ? (parsed as ErrorDetails) : {};
  } catch {
    return {};
  }
}
