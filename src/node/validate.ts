/**
 * Validation at the API edge: every client-supplied field is checked here, and a violation
 * becomes a typed error naming the field and the limit. Internal repair paths never come here.
 */
import { InvalidArgumentError, TooLargeError } from '../common/errors.js';
import {
  CONTEXT_CHARS_MAX,
  type Limits,
  REQUEST_TIMEOUT_MS_DEFAULT,
  REQUEST_TIMEOUT_MS_MAX,
} from '../common/limits.js';
import type { RequestOptions__Output } from '../gen/ringkv/v1/RequestOptions.js';
import { decodeContext } from '../versioning/context.js';
import type { VersionVector } from '../versioning/dvv-set.js';

const LEVELS = ['one', 'quorum', 'all'] as const;
type Level = (typeof LEVELS)[number];

/** The key, non-empty and within the key limit. */
export function checkKey(key: Uint8Array | undefined, limits: Limits): Uint8Array {
  if (key === undefined || key.length === 0) {
    throw new InvalidArgumentError('key', 'key must not be empty');
  }
  if (key.length > limits.keyBytesMax) {
    throw new TooLargeError(
      'key',
      `key is ${key.length} bytes; the limit is ${limits.keyBytesMax} bytes`,
      limits.keyBytesMax,
    );
  }
  return key;
}

/** The value, within the value limit (an empty value is allowed). */
export function checkValue(value: Uint8Array | undefined, limits: Limits): Uint8Array {
  const v = value ?? new Uint8Array(0);
  if (v.length > limits.valueBytesMax) {
    throw new TooLargeError(
      'value',
      `value is ${v.length} bytes; the limit is ${limits.valueBytesMax} bytes`,
      limits.valueBytesMax,
    );
  }
  return v;
}

/** The client context for `key`, authenticated with the cluster secret. */
export function checkContext(context: string | undefined, secret: string, key: Uint8Array): VersionVector {
  return decodeContext(context ?? '', secret, CONTEXT_CHARS_MAX, key);
}

function levelQuorum(level: Level, n: number): number {
  if (level === 'one') return 1;
  if (level === 'all') return n;
  return Math.floor(n / 2) + 1;
}

/**
 * The number of replies required: an explicit r/w (1..n) wins over the consistency level
 * ("one" | "quorum" | "all", default quorum).
 */
export function requiredReplies(
  options: RequestOptions__Output | null | undefined,
  side: 'r' | 'w',
  n: number,
): number {
  const explicit = options?.[side] ?? 0;
  const consistency = options?.consistency ?? '';
  if (consistency !== '' && !(LEVELS as readonly string[]).includes(consistency)) {
    throw new InvalidArgumentError(
      'consistency',
      `unknown consistency '${consistency.slice(0, 40)}'; expected one of ${LEVELS.join(', ')}`,
    );
  }
  if (explicit !== 0) {
    if (!Number.isInteger(explicit) || explicit < 1 || explicit > n) {
      throw new InvalidArgumentError(side, `${side} must be between 1 and N=${n}, got ${explicit}`, n);
    }
    return explicit;
  }
  return levelQuorum(consistency === '' ? 'quorum' : (consistency as Level), n);
}

/** The request's time budget in milliseconds. */
export function requestBudgetMs(options: RequestOptions__Output | null | undefined): number {
  const asked = options?.timeoutMs ?? 0;
  if (asked === 0) return REQUEST_TIMEOUT_MS_DEFAULT;
  if (asked > REQUEST_TIMEOUT_MS_MAX) {
    throw new InvalidArgumentError(
      'timeoutMs',
      `timeoutMs must be at most ${REQUEST_TIMEOUT_MS_MAX}, got ${asked}`,
      REQUEST_TIMEOUT_MS_MAX,
    );
  }
  return asked;
}
