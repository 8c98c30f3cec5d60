/**
 * Validation of command-line values. Each parser takes the flag's name so that its error
 * names it, and throws UsageError (exit code 2) on bad input.
 */
import type { Consistency } from '../client/types.js';
import { CONSISTENCY_LEVELS } from '../client/types.js';
import { PARTITIONS_MAX, REPLICAS_MAX, REQUEST_TIMEOUT_MS_MAX } from '../common/limits.js';
import { SyncMode } from '../node/config.js';
import { UsageError } from './cli-error.js';

/** Log levels pino understands. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const NODE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
const PORT_MAX = 65535;

/** An integer in [min, max], written in decimal. */
export function parseIntInRange(flag: string, raw: string, min: number, max: number): number {
  const text = raw.trim();
  const value = /^-?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${flag} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** A partition count: a power of two from 1 to PARTITIONS_MAX. */
export function parsePartitions(flag: string, raw: string): number {
  const q = parseIntInRange(flag, raw, 1, PARTITIONS_MAX);
  if ((q & (q - 1)) !== 0) {
    throw new UsageError(`${flag} must be a power of two from 1 to ${PARTITIONS_MAX}, got "${raw}"`);
  }
  return q;
}

/** A replication factor from 1 to REPLICAS_MAX. */
export function parseReplicas(flag: string, raw: string): number {
  return parseIntInRange(flag, raw, 1, REPLICAS_MAX);
}

/** A request timeout in milliseconds, 1..REQUEST_TIMEOUT_MS_MAX. */
export function parseTimeoutMs(flag: string, raw: string): number {
  return parseIntInRange(flag, raw, 1, REQUEST_TIMEOUT_MS_MAX);
}

/** `host:port` with a non-empty host (IPv6 in brackets) and a port from 1 to 65535. */
export function parseAddress(flag: string, raw: string): string {
  const text = raw.trim();
  const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+):(\d{1,5})$/.exec(text);
  const port = match?.[2] === undefined ? 0 : Number(match[2]);
  if (match === null || port < 1 || port > PORT_MAX) {
    throw new UsageError(`${flag} must be HOST:PORT with a port from 1 to ${PORT_MAX}, got "${raw}"`);
  }
  return text;
}

/** A comma-separated, non-empty list of `host:port`, without duplicates. */
export function parseAddressList(flag: string, raw: string): string[] {
  const parts = raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
  if (parts.length === 0) {
    throw new UsageError(`${flag} must list at least one HOST:PORT (comma-separated), got "${raw}"`);
  }
  return [...new Set(parts.map((part) => parseAddress(flag, part)))];
}

/** A node id: letters, digits, `_`, `.` and `-`, at most 64 characters. */
export function parseNodeId(flag: string, raw: string): string {
  if (!NODE_ID_PATTERN.test(raw)) {
    throw new UsageError(`${flag} must be 1 to 64 letters, digits, "_", "." or "-" (e.g. n1), got "${raw}"`);
  }
  return raw;
}

/** One of the SDK's consistency levels. */
export function parseConsistency(flag: string, raw: string): Consistency {
  const found = CONSISTENCY_LEVELS.find((level) => level === raw);
  if (found === undefined) {
    throw new UsageError(`${flag} must be one of ${CONSISTENCY_LEVELS.join(', ')}, got "${raw}"`);
  }
  return found;
}

/** A storage sync mode. */
export function parseSyncMode(flag: string, raw: string): SyncMode {
  const modes = Object.values(SyncMode);
  const found = modes.find((mode) => mode === raw);
  if (found === undefined) {
    throw new UsageError(`${flag} must be one of ${modes.join(', ')}, got "${raw}"`);
  }
  return found;
}

/** A pino log level. */
export function parseLogLevel(flag: string, raw: string): LogLevel {
  const found = LOG_LEVELS.find((level) => level === raw);
  if (found === undefined) {
    throw new UsageError(`${flag} must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  }
  return found;
}

/** A non-empty string without surrounding whitespace. */
export function parseNonEmpty(flag: string, raw: string): string {
  if (raw.trim() === '' || raw.trim() !== raw) {
    throw new UsageError(`${flag} must be a non-empty value without surrounding spaces, got "${raw}"`);
  }
  return raw;
}

/** A duration such as "15", "15s", "500ms" or "2m", in milliseconds. */
export function parseDurationMs(flag: string, raw: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(raw.trim());
  const ms = m === null ? Number.NaN : Number(m[1]) * (m[2] === 'ms' ? 1 : m[2] === 'm' ? 60_000 : 1000);
  if (!Number.isFinite(ms) || ms <= 0) {
    throw new UsageError(`${flag} must be a positive duration such as 30s, 500ms or 2m, got "${raw}"`);
  }
  return ms;
}
