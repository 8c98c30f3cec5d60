/** The ringkv SDK: `import { RingClient } from 'ringkv'`. */
export {
  AbortedError,
  ErrorCode,
  FailedPreconditionError,
  InvalidArgumentError,
  OverloadedError,
  RingError,
  TimeoutError,
  TooLargeError,
  UnavailableError,
} from '../common/errors.js';
export type { Member, Ring } from '../ring/ring.js';
export { RingClient } from './ring-client.js';
export * from './types.js';
